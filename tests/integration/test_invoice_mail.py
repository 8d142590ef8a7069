"""The customer gets the invoice by mail with its PDF attached, through the outbox and a real SMTP server."""

from domain.invoices import issue_invoice
from domain.models import Invoice, OutboxMessage, OutboxState
from tests.integration.test_invoices import NOW, order_with_two_rates


async def test_the_customer_gets_the_invoice_pdf_by_mail(shop, catcher, dispatcher):
    order = await order_with_two_rates(shop, email='ann@example.com')
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    row = await OutboxMessage.get(order_id=order.id, template='invoice')
    assert (row.channel, row.event, row.recipient) == ('mail', 'invoice.created', 'ann@example.com')
    await dispatcher.deliver_due()
    [mail] = catcher.to('ann@example.com')
    assert mail['Subject'] == f'Invoice 2026-000001 for your order {order.code}'
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == 'application/pdf'
    assert attachment.get_filename() == 'invoice-2026-000001.pdf'
    pdf = attachment.get_content()
    assert pdf.startswith(b'%PDF') and pdf == (await Invoice.get(id=invoice.id)).pdf
    assert 'Attached is invoice 2026-000001' in mail.get_body(('plain',)).get_content()
    assert (await OutboxMessage.get(id=row.id)).state == OutboxState.DELIVERED
