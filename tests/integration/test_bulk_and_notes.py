"""Many orders at once, and internal notes: what the merchant's team writes stays in the history."""

import pytest

from domain.errors import OrderlyError
from domain.events import OrderNoteAdded, OrderStatusChanged, hub
from domain.models import LogEntry, Order, OutboxMessage
from domain.order_changes import ConfirmationNeeded, StatusUpdate, change_status, change_statuses
from domain.order_notes import InvalidNote, add_note
from domain.order_queries import matching_orders
from domain.statuses import PROCESSING_WHILE_PAYMENT_EXPECTED, OrderStatus
from tests.integration.test_change_status import new_order

S = OrderStatus


async def test_bulk_ships_orders_and_reports_the_ones_it_skips(shop):
    first, second, cancelled, seen_old = [await new_order(shop) for _ in range(4)]
    await change_status(shop_id=shop.id, order_id=cancelled.id, expected_version=1, actor='a@x',
                        update=StatusUpdate(S.CANCELLED, reference='keep me'))
    await change_status(shop_id=shop.id, order_id=seen_old.id, expected_version=1, actor='clerk@x',
                        update=StatusUpdate(S.PROCESSING))
    events = []
    hub.subscribe(OrderStatusChanged, events.append)
    result = await change_statuses(shop_id=shop.id, status=S.SHIPPED, notify_customer=True, actor='owner@x',
                                   orders={first.id: 1, second.id: None, cancelled.id: None, seen_old.id: 1})
    assert sorted(result.changed) == sorted([first.code, second.code])
    assert result.skipped == {cancelled.code: 'cannot go from "Cancelled" to "Order shipped"',
                              seen_old.code: 'changed by someone else meanwhile'}
    assert {o.code: o.status for o in await Order.all()} == {
        first.code: S.SHIPPED, second.code: S.SHIPPED, cancelled.code: S.CANCELLED, seen_old.code: S.PROCESSING}
    assert (await Order.get(id=cancelled.id)).reference == 'keep me'
    assert sorted(e.code for e in events) == sorted([first.code, second.code])
    mails = await OutboxMessage.filter(template='status_update').values_list('order_code', flat=True)
    assert sorted(mails) == sorted([first.code, second.code])
    assert await LogEntry.filter(kind='order.status_changed', actor='owner@x').count() == 2


async def test_bulk_asks_for_confirmation_before_changing_anything(shop):
    waiting = await new_order(shop, S.AWAITING_PAYMENT)
    received = await new_order(shop)
    with pytest.raises(ConfirmationNeeded, match=PROCESSING_WHILE_PAYMENT_EXPECTED):
        await change_statuses(shop_id=shop.id, orders={waiting.id: None, received.id: None}, status=S.PROCESSING,
                              notify_customer=False, actor='owner@x')
    assert {o.status for o in await Order.all()} == {S.AWAITING_PAYMENT, S.ORDER_RECEIVED}
    result = await change_statuses(shop_id=shop.id, orders={waiting.id: None, received.id: None},
                                   status=S.PROCESSING, notify_customer=False, actor='owner@x', confirmed=True)
    assert len(result.changed) == 2
    assert await OutboxMessage.filter(template='status_update').count() == 0


async def test_select_all_matching_takes_only_the_filtered_orders_of_the_shop(shop):
    shipped = await new_order(shop)
    await change_status(shop_id=shop.id, order_id=shipped.id, expected_version=1, actor='a@x',
                        update=StatusUpdate(S.SHIPPED))
    others = [await new_order(shop) for _ in range(2)]
    assert sorted(await matching_orders(shop.id, status=S.ORDER_RECEIVED)) == sorted(o.id for o in others)
    assert len(await matching_orders(shop.id, search='ann@example')) == 3
    assert await matching_orders(shop.id + 1) == []


async def test_internal_note_lands_in_the_history_and_the_logs(shop):
    order = await new_order(shop)
    events = []
    hub.subscribe(OrderNoteAdded, events.append)
    await add_note(shop_id=shop.id, order_id=order.id, text='  Customer called: gift wrap please  ', actor='owner@x')
    note = await LogEntry.get(kind='order.note')
    assert (note.order_id, note.order_code, note.message, note.actor) == (
        order.id, order.code, 'Customer called: gift wrap please', 'owner@x')
    assert [e.code for e in events] == [order.code]


@pytest.mark.parametrize(('text', 'message'), [('   ', 'Write a note first.'), ('x' * 2001, 'A note can hold 2000')])
async def test_empty_or_overlong_note_is_refused(shop, text, message):
    order = await new_order(shop)
    with pytest.raises(InvalidNote, match=message):
        await add_note(shop_id=shop.id, order_id=order.id, text=text, actor='owner@x')
    assert await LogEntry.filter(kind='order.note').count() == 0


async def test_note_on_another_shops_order_is_refused(shop):
    order = await new_order(shop)
    with pytest.raises(OrderlyError, match='no longer exists'):
        await add_note(shop_id=shop.id + 1, order_id=order.id, text='hi', actor='owner@x')
