"""The order's PDFs for the merchant: `GET /admin/orders/<code>/packing-slip.pdf`.

Like the CSV export's download, the route answers only the signed-in admin of the order's shop; the PDF is made
on request, in a worker thread, so the live grid never waits for it.
"""

import asyncio
import logging

from fastapi.responses import PlainTextResponse, Response

from domain.models import Shop
from domain.order_detail import order_for_admin
from integrations.pdf.packing_slip import packing_slip_of, packing_slip_pdf
from ui.admin.session import current_admin

log = logging.getLogger(__name__)

PACKING_SLIP_ROUTE = '/admin/orders/{code}/packing-slip.pdf'


def packing_slip_url(code: str) -> str:
    return PACKING_SLIP_ROUTE.format(code=code)


async def download_packing_slip(code: str) -> Response:
    """The order's packing slip, shown in the browser (and printed from there) or saved as a file."""
    admin = await current_admin()
    if admin is None:
        return PlainTextResponse('Please sign in to download this packing slip.', status_code=403)
    shop = await Shop.get_or_none(id=admin.shop_id)
    order = await order_for_admin(shop.id, code) if shop else None
    if shop is None or order is None:
        return PlainTextResponse('There is no order with this code in your shop.', status_code=404)
    pdf = await asyncio.to_thread(packing_slip_pdf, packing_slip_of(shop, order))
    return Response(pdf, media_type='application/pdf', headers={
        'Content-Disposition': f'inline; filename="packing-slip-{order.code}.pdf"', 'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff'})
