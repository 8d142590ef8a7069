"""The customer's invoices: listed on the order page, downloaded at `/order/<token>/invoices/<id>.pdf`.

The order's unguessable token is the key, as for the order page itself; an invoice of another order answers 404.
"""

import re

from fastapi.responses import PlainTextResponse, Response
from nicegui import ui

from domain.catalogue import default_shop, order_by_token
from domain.invoices import InvoiceKind, invoices_of_order
from domain.models import Invoice, Order
from integrations.pdf.invoice import invoice_pdf_of
from ui.storefront.order_access import may_see_order

CUSTOMER_INVOICE_ROUTE = '/order/{token}/invoices/{invoice_id}.pdf'
_FILENAME_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')


async def invoices_card(order: Order) -> None:
    """The order's invoices and credit notes as links; nothing while there are none."""
    invoices = await invoices_of_order(order.shop_id, order.id)
    if not invoices:
        return
    with ui.card().classes('w-full gap-1').props('flat bordered').mark('customer-invoices'):
        ui.label('Invoices').classes('text-lg font-medium')
        for invoice in invoices:
            title = 'Credit note' if invoice.kind == InvoiceKind.CREDIT_NOTE else 'Invoice'
            ui.link(f'{title} {invoice.number} (PDF)',
                    CUSTOMER_INVOICE_ROUTE.format(token=order.token, invoice_id=invoice.id), new_tab=True)


async def download_customer_invoice(token: str, invoice_id: str) -> Response:
    """An invoice of the order behind `token`."""
    shop = await default_shop()
    order = await order_by_token(shop, token)
    if order is not None and not await may_see_order(shop, order):  # Settings > Customers checkout: no guest link
        order = None
    invoice = await Invoice.get_or_none(id=int(invoice_id), shop_id=shop.id, order_id=order.id) \
        if order is not None and invoice_id.isdigit() and len(invoice_id) < 10 else None
    if invoice is None:
        return PlainTextResponse('We could not find this invoice.', status_code=404)
    name = _FILENAME_UNSAFE.sub('-', f'{invoice.kind}-{invoice.number}'.replace('_', '-'))
    return Response(await invoice_pdf_of(invoice), media_type='application/pdf', headers={
        'Content-Disposition': f'inline; filename="{name}.pdf"', 'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff'})
