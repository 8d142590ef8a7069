"""Invoices issued automatically through the outbox's 'invoice' channel when the order is shipped (or paid)."""

from domain.invoices import issue_invoice
from domain.models import Invoice, InvoiceSettings, LogEntry, OutboxMessage, OutboxState
from domain.order_changes import StatusUpdate, change_status
from domain.statuses import OrderStatus
from integrations.invoice_handler import InvoiceHandler
from integrations.outbox_dispatcher import OutboxDispatcher
from tests.integration.test_order_export import add_order


async def ship(shop, order, version: int = 1):
    return await change_status(shop_id=shop.id, order_id=order.id, expected_version=version, actor='owner@x',
                               update=StatusUpdate(OrderStatus.SHIPPED), confirmed=True)


async def test_a_shop_that_invoices_on_shipping_gets_the_invoice_when_the_order_ships(shop):
    await InvoiceSettings.create(shop_id=shop.id, issue_when='shipped')
    order = await add_order(shop)
    await ship(shop, order)
    row = await OutboxMessage.get(order_id=order.id, channel='invoice')
    assert row.event == 'invoice.requested'
    dispatcher = OutboxDispatcher([InvoiceHandler()])
    await dispatcher.deliver_due()
    invoice = await Invoice.get(order_id=order.id)
    assert invoice.issued_by == 'system' and invoice.pdf.startswith(b'%PDF')
    assert (await OutboxMessage.get(id=row.id)).state == OutboxState.DELIVERED
    assert await LogEntry.filter(order_id=order.id, kind='invoice.issued').count() == 1


async def test_a_retried_request_issues_no_second_invoice(shop):
    await InvoiceSettings.create(shop_id=shop.id, issue_when='shipped')
    order = await add_order(shop)
    await ship(shop, order)
    handler = InvoiceHandler()
    row = await OutboxMessage.get(order_id=order.id, channel='invoice')
    first, second = await handler.deliver([row]), await handler.deliver([row])
    assert 'issued as' in first[0].note and 'already has invoice' in second[0].note
    assert await Invoice.filter(order_id=order.id).count() == 1


async def test_manual_shops_and_other_statuses_queue_no_invoice(shop):
    order = await add_order(shop)
    await ship(shop, order)  # the default: manual
    other = await add_order(shop)
    await InvoiceSettings.create(shop_id=shop.id, issue_when='paid')
    await ship(shop, other)
    assert not await OutboxMessage.filter(channel='invoice').exists()


async def test_cancelling_an_invoiced_order_issues_a_credit_note_and_keeps_the_invoice(shop):
    order = await add_order(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x')
    cancelled = await change_status(shop_id=shop.id, order_id=order.id, expected_version=1, actor='owner@x',
                                    update=StatusUpdate(OrderStatus.CANCELLED), confirmed=True)
    assert cancelled.status is OrderStatus.CANCELLED
    await OutboxDispatcher([InvoiceHandler()]).deliver_due()
    note = await Invoice.get(order_id=order.id, kind='credit_note')
    assert note.credited_number == invoice.number and note.total == -invoice.total and note.pdf
    assert await Invoice.filter(id=invoice.id).exists()
    another = await add_order(shop)  # never invoiced: cancelling it issues nothing
    await change_status(shop_id=shop.id, order_id=another.id, expected_version=1, actor='owner@x',
                        update=StatusUpdate(OrderStatus.CANCELLED), confirmed=True)
    assert not await OutboxMessage.filter(order_id=another.id, channel='invoice').exists()
