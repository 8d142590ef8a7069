"""The order's PDFs for the merchant: `GET /admin/orders/<code>/packing-slip.pdf` and `/admin/invoices/<id>.pdf`.

Like the CSV export's download, the route answers only the signed-in admin of the order's shop; the PDF is made
on request, in a worker thread, so the live grid never waits for it.
"""

import asyncio
import logging
import re

from fastapi.responses import PlainTextResponse, Response

from domain.invoices import invoice_settings
from domain.models import Invoice, Order, Shop
from domain.order_detail import order_for_admin
from integrations.pdf.invoice import invoice_pdf_of
from integrations.pdf.packing_slip import packing_slip_of, packing_slip_pdf, packing_slips_pdf
from ui.admin.session import current_admin

log = logging.getLogger(__name__)

PACKING_SLIP_ROUTE = '/admin/orders/{code}/packing-slip.pdf'
PACKING_SLIPS_ROUTE = '/admin/packing-slips.pdf'  # ?codes=A,B,C: the selected orders' slips in one file
MOST_SLIPS = 200


def packing_slips_url(codes: list[str]) -> str:
    return f'{PACKING_SLIPS_ROUTE}?codes={",".join(codes)}'
INVOICE_ROUTE = '/admin/invoices/{invoice_id}.pdf'
_FILENAME_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')  # a header is Latin-1, and a number format is the owner's text


def invoice_url(invoice_id: int) -> str:
    return INVOICE_ROUTE.format(invoice_id=invoice_id)


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
    paper = (await invoice_settings(shop.id)).paper_size
    pdf = await asyncio.to_thread(packing_slip_pdf, packing_slip_of(shop, order, page_size=paper))
    return Response(pdf, media_type='application/pdf', headers={
        'Content-Disposition': f'inline; filename="packing-slip-{order.code}.pdf"', 'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff'})


async def download_packing_slips(codes: str = '') -> Response:
    """The packing slips of several orders of the signed-in admin's shop, in the order given, as one PDF."""
    admin = await current_admin()
    if admin is None:
        return PlainTextResponse('Please sign in to download packing slips.', status_code=403)
    wanted = list(dict.fromkeys(code.strip().upper()[:32] for code in codes.split(',') if code.strip()))
    if len(wanted) > MOST_SLIPS:
        return PlainTextResponse(f'Please choose at most {MOST_SLIPS} orders at a time.', status_code=400)
    shop = await Shop.get_or_none(id=admin.shop_id)
    orders = {order.code: order for order in await Order.filter(shop_id=admin.shop_id, code__in=wanted)
              .prefetch_related('lines')} if shop and wanted else {}
    if not orders:
        return PlainTextResponse('None of these orders is in your shop.', status_code=404)
    paper = (await invoice_settings(shop.id)).paper_size
    slips = [packing_slip_of(shop, orders[code], page_size=paper) for code in wanted if code in orders]
    pdf = await asyncio.to_thread(packing_slips_pdf, slips)
    return Response(pdf, media_type='application/pdf', headers={
        'Content-Disposition': f'inline; filename="packing-slips-{len(slips)}-orders.pdf"',
        'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'})


async def download_invoice(invoice_id: str) -> Response:
    """An issued invoice or credit note of the signed-in admin's shop, as the PDF stored when it was issued."""
    admin = await current_admin()
    if admin is None:
        return PlainTextResponse('Please sign in to download this invoice.', status_code=403)
    invoice = await Invoice.get_or_none(id=int(invoice_id), shop_id=admin.shop_id) \
        if invoice_id.isdigit() and len(invoice_id) < 10 else None
    if invoice is None:
        return PlainTextResponse('There is no such invoice in your shop.', status_code=404)
    pdf = await invoice_pdf_of(invoice)
    name = _FILENAME_UNSAFE.sub('-', f'{invoice.kind}-{invoice.number}'.replace('_', '-'))
    return Response(pdf, media_type='application/pdf', headers={
        'Content-Disposition': f'inline; filename="{name}.pdf"',
        'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'})
