"""Invoice numbering on a real SQLite file: consecutive numbers without gaps or repeats, also when issued at once."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.invoices import (
    InvalidNumberFormat,
    InvoiceKind,
    InvoiceNotPossible,
    check_number_format,
    credit_order,
    format_number,
    invoices_of_order,
    issue_credit_note,
    issue_invoice,
)
from domain.models import Invoice, InvoiceSettings, LogEntry, Order, OutboxMessage, Shop
from domain.order_deletion import DeletionNotConfirmed, delete_order
from domain.statuses import OrderStatus
from tests.integration.test_order_export import add_order

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TWO_RATES = (('COF-ESP-1K', 'Espresso beans 1 kg', 2, '24.95', '6.00', '49.90'),
             ('MUG-SAG-35', 'Mug', 1, '14.50', '21.00', '14.50'))


async def order_with_two_rates(shop: Shop, **columns) -> Order:
    return await add_order(shop, lines=TWO_RATES, subtotal=Decimal('64.40'), shipping_cost=Decimal('6.95'),
                           vat_total=Decimal('6.54'), total=Decimal('71.35'), vat_number='BE0123456749', **columns)


async def test_an_invoice_copies_the_order_with_vat_per_rate_and_totals(shop):
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    assert (invoice.number, invoice.sequence, invoice.period) == ('2026-000001', 1, '2026')
    assert invoice.issue_date.isoformat() == '2026-11-26' and invoice.supply_date == invoice.issue_date
    assert [(line['sku'], line['quantity'], line['unit_price_net'], line['vat_rate']) for line in invoice.lines] == [
        ('COF-ESP-1K', 2, '23.54', '6'), ('MUG-SAG-35', 1, '11.98', '21'), ('', 1, '5.74', '21')]
    assert invoice.vat_breakdown == [{'rate': '6', 'net': '47.08', 'vat': '2.82', 'gross': '49.90'},
                                     {'rate': '21', 'net': '17.73', 'vat': '3.72', 'gross': '21.45'}]
    assert (invoice.net_total, invoice.vat_total, invoice.total) == (Decimal('64.81'), Decimal('6.54'),
                                                                     Decimal('71.35'))
    assert invoice.buyer['vat_number'] == 'BE0123456749' and invoice.buyer['address'][0] == 'Kerkstraat 1'
    assert invoice.seller['name'] == shop.name
    assert await LogEntry.filter(order_id=order.id, kind='invoice.issued').count() == 1


async def test_changing_the_order_later_never_changes_the_invoice(shop):
    order = await order_with_two_rates(shop)
    await InvoiceSettings.get_or_none(shop_id=shop.id)
    issued = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    await Order.filter(id=order.id).update(customer_name='Somebody Else', total=Decimal('1.00'))
    await Shop.filter(id=shop.id).update(name='Renamed')
    again = await Invoice.get(id=issued.id)
    assert again.buyer['name'] == 'Ann Peeters' and again.total == Decimal('71.35')
    assert again.seller['name'] == shop.name


async def test_an_order_gets_one_invoice_and_a_refused_issue_takes_no_number(shop):
    first, second = await order_with_two_rates(shop), await order_with_two_rates(shop)
    await issue_invoice(shop_id=shop.id, order_id=first.id, actor='owner@x', now=NOW)
    with pytest.raises(InvoiceNotPossible, match='already has invoice 2026-000001'):
        await issue_invoice(shop_id=shop.id, order_id=first.id, actor='owner@x', now=NOW)
    test_order = await order_with_two_rates(shop, is_test=True)
    with pytest.raises(InvoiceNotPossible, match='Test orders'):
        await issue_invoice(shop_id=shop.id, order_id=test_order.id, actor='owner@x', now=NOW)
    assert (await issue_invoice(shop_id=shop.id, order_id=second.id, actor='owner@x', now=NOW)).number \
        == '2026-000002'


async def test_200_concurrent_issues_get_200_consecutive_numbers(shop):
    orders = [await add_order(shop) for _ in range(200)]
    invoices = await asyncio.gather(*(issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
                                      for order in orders))
    assert sorted(invoice.sequence for invoice in invoices) == list(range(1, 201))
    assert sorted(await Invoice.filter(shop_id=shop.id).values_list('number', flat=True)) == [
        f'2026-{n:06d}' for n in range(1, 201)]


async def test_issuing_one_order_many_times_at_once_gives_one_invoice_and_no_gap(shop):
    order, other = await add_order(shop), await add_order(shop)
    results = await asyncio.gather(*(issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
                                     for _ in range(20)), return_exceptions=True)
    issued = [result for result in results if isinstance(result, Invoice)]
    assert len(issued) == 1 and issued[0].number == '2026-000001'
    assert all(isinstance(result, InvoiceNotPossible) for result in results if not isinstance(result, Invoice))
    assert (await issue_invoice(shop_id=shop.id, order_id=other.id, actor='owner@x', now=NOW)).sequence == 2


async def test_the_counter_starts_again_each_year_unless_told_otherwise(shop):
    orders = [await add_order(shop) for _ in range(4)]
    await issue_invoice(shop_id=shop.id, order_id=orders[0].id, actor='o', now=NOW)
    next_year = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)
    assert (await issue_invoice(shop_id=shop.id, order_id=orders[1].id, actor='o', now=next_year)).number \
        == '2027-000001'
    await InvoiceSettings.filter(shop_id=shop.id).update(reset_yearly=False, number_format='INV{seq:05d}')
    assert (await issue_invoice(shop_id=shop.id, order_id=orders[2].id, actor='o', now=next_year)).number \
        == 'INV00001'
    assert (await issue_invoice(shop_id=shop.id, order_id=orders[3].id, actor='o', now=next_year)).number \
        == 'INV00002'


async def test_a_cancelled_invoice_gets_a_credit_note_and_keeps_the_invoice(shop):
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    note = await issue_credit_note(shop_id=shop.id, invoice_id=invoice.id, actor='owner@x', now=NOW)
    assert (note.kind, note.number, note.credited_number) == (InvoiceKind.CREDIT_NOTE, 'CN-2026-000001',
                                                              '2026-000001')
    assert (note.total, note.vat_total) == (Decimal('-71.35'), Decimal('-6.54'))
    assert note.lines[0]['quantity'] == -2 and note.lines[0]['gross'] == '-49.90'
    assert note.vat_breakdown[0]['vat'] == '-2.82'
    assert [i.number for i in await invoices_of_order(shop.id, order.id)] == ['2026-000001', 'CN-2026-000001']
    with pytest.raises(InvoiceNotPossible, match='already been credited'):
        await issue_credit_note(shop_id=shop.id, invoice_id=invoice.id, actor='owner@x', now=NOW)


async def test_deleting_reports_the_credit_note_when_the_queued_credit_was_delivered_first(shop, monkeypatch):
    """The dispatcher may deliver the cancellation's queued credit before `delete_order` credits the order itself:
    the merchant is still told which credit note their deletion issued, not that it was "already credited"."""
    from domain import order_deletion
    order = await order_with_two_rates(shop)
    await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    real_change_status = order_deletion.change_status

    async def cancel_then_dispatcher_credits(**arguments):
        changed = await real_change_status(**arguments)
        assert len(await credit_order(shop_id=shop.id, order_id=order.id, actor='system')) == 1
        return changed

    monkeypatch.setattr(order_deletion, 'change_status', cancel_then_dispatcher_credits)
    done = await delete_order(shop_id=shop.id, order_id=order.id, typed_code=order.code, actor='owner@x')
    note = await Invoice.get(order_id=order.id, kind=InvoiceKind.CREDIT_NOTE)
    assert done.credit_notes == (note.number,) and f'credit note {note.number} issued' in done.message


def test_number_formats():
    assert format_number('{year}-{seq:06d}', year=2026, seq=42) == '2026-000042'
    assert format_number('F{seq}', year=2026, seq=7) == 'F7'
    for bad in ('{year}', '{seq}{seq}', '{seq}/{year}', '{other}{seq}', '{seq', '{seq:xyz}', '{0}{seq}', ''):
        with pytest.raises(InvalidNumberFormat):
            check_number_format(bad)


async def test_deleting_an_invoiced_order_cancels_and_credits_it_but_a_test_order_still_goes(shop):
    order = await order_with_two_rates(shop)
    invoice = await issue_invoice(shop_id=shop.id, order_id=order.id, actor='owner@x', now=NOW)
    with pytest.raises(DeletionNotConfirmed):  # still a real order: the code must be typed
        await delete_order(shop_id=shop.id, order_id=order.id, typed_code='', actor='owner@x')
    done = await delete_order(shop_id=shop.id, order_id=order.id, typed_code=order.code, actor='owner@x')
    note = await Invoice.get(order_id=order.id, kind=InvoiceKind.CREDIT_NOTE)
    assert (done.deleted, done.credit_notes) == (False, (note.number,))
    assert done.message == f'{order.code} has an invoice, so it stays for the accounts: it is cancelled and ' \
                           f'credit note {note.number} issued.'
    assert note.credited_number == invoice.number and note.total == -invoice.total
    kept = await Order.get(id=order.id)
    assert kept.status is OrderStatus.CANCELLED and kept.version == order.version + 1
    assert await LogEntry.filter(order_id=order.id, kind='order.status_changed').count() == 1
    assert not await LogEntry.filter(kind='order.deleted').exists()
    # The cancellation queued its usual credit for the invoice handler; delivered, it finds nothing left to credit.
    assert await OutboxMessage.filter(order_id=order.id, template='credit_invoice').count() == 1
    assert await credit_order(shop_id=shop.id, order_id=order.id, actor='system') == []
    again = await delete_order(shop_id=shop.id, order_id=order.id, typed_code=order.code, actor='owner@x')
    assert (again.deleted, again.credit_notes) == (False, ())
    assert 'already credited' in again.message
    assert await Invoice.filter(order_id=order.id).count() == 2
    test_order = await order_with_two_rates(shop, is_test=True)
    gone = await delete_order(shop_id=shop.id, order_id=test_order.id, typed_code='', actor='owner@x')
    assert gone.deleted and gone.message == f'{test_order.code} deleted.'
    assert not await Order.exists(id=test_order.id)
