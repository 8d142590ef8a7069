"""The merchant works orders from the grid: the detail dialog, internal notes, tracking links, bulk status changes."""

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from domain.models import LogEntry, Order, OutboxMessage
from domain.order_changes import StatusUpdate, change_status
from domain.order_notes import add_note
from domain.statuses import OrderStatus
from tests.ui.test_admin_orders import customer_orders, eventually, sign_in, table_rows

S = OrderStatus


def history(user: User) -> list[str]:
    return [entry.text for entry in user.find(marker='history-entry').elements]


def select_rows(user: User, rows: list[dict]) -> None:
    user.find(marker='orders-table').trigger('selection', {'added': True, 'rows': rows,
                                                            'keys': [row['id'] for row in rows]})


def choose(user: User, marker: str, label: str) -> None:
    """Open the select marked `marker` and click its option `label` (the grid's toolbar names the statuses too)."""
    user.find(marker=marker).click()
    UserInteraction(user, user.find(marker=marker).elements, label).click()


async def test_row_opens_the_order_in_a_dialog_over_the_grid(user: User):
    code = await customer_orders('Ann Peeters')
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 1)
    user.find(marker='orders-table').trigger('open', table_rows(user)[0])
    await user.should_see('1 × Paper filters (100)', retries=20)
    await user.should_see('Kerkstraat 1')
    await user.should_see(marker='orders-toolbar')
    choose(user, 'status', 'Order shipped')
    user.find(marker='reference').type('1Z999AA10123456784')
    user.find(marker='save-status').click()
    await user.should_see(f'{code} saved: Order shipped', retries=20)
    link = user.find(marker='reference-link').elements.pop()
    assert (link.text, link.props['href']) == ('Track with UPS ↗', 'https://www.ups.com/track?tracknum=1Z999AA10123456784')
    await eventually(lambda: table_rows(user)[0]['status'] == 'Order shipped')  # the row behind follows


async def test_internal_note_is_added_to_the_history_live(user: User, create_user):
    code = await customer_orders()
    colleague = create_user()
    await sign_in(user)
    await sign_in(colleague)
    await user.open(f'/admin/orders/{code}')
    await colleague.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    await colleague.should_see('Paper filters', retries=20)
    user.find(marker='note').type('Customer phoned: please gift wrap')
    user.find(marker='add-note').click()
    await eventually(lambda: 'Customer phoned: please gift wrap' in history(user))
    await eventually(lambda: 'Customer phoned: please gift wrap' in history(colleague))  # live on the other screen
    entry = await LogEntry.get(kind='order.note')
    assert (entry.order_code, entry.actor) == (code, 'owner@demo-shop.example')


async def test_empty_note_is_refused_with_a_message(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    user.find(marker='add-note').click()
    await user.should_see('Write a note first.')
    assert await LogEntry.filter(kind='order.note').count() == 0


async def test_open_detail_shows_a_change_made_elsewhere(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(S.CANCELLED))
    await user.should_see('clerk@demo-shop.example just changed this order to "Cancelled".', retries=20)
    await add_note(shop_id=order.shop_id, order_id=order.id, text='Refunded by bank', actor='clerk@demo-shop.example')
    await eventually(lambda: 'Refunded by bank' in history(user))


async def test_bulk_ships_selected_orders_and_mails_customers(user: User):
    codes = [await customer_orders(name) for name in ('Ann Peeters', 'Bert Claes', 'Cas Smet')]
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 3)
    chosen = [row for row in table_rows(user) if row['code'] != codes[2]]
    select_rows(user, chosen)
    await user.should_see('2 selected')
    await user.should_see('Select all 3 matching')
    choose(user, 'bulk-status', 'Order shipped')
    user.find(marker='bulk-notify').click()
    user.find(marker='bulk-apply').click()
    await user.should_see('Set 2 orders to Order shipped; 2 mails will go to 1 customer.', retries=20)  # both Ann's
    user.find(marker='bulk-confirm').click()  # every bulk change is confirmed first
    await user.should_see('2 orders set to "Order shipped".', retries=20)
    assert {o.code: o.status for o in await Order.all()} == {codes[0]: S.SHIPPED, codes[1]: S.SHIPPED,
                                                             codes[2]: S.ORDER_RECEIVED}
    mailed = await OutboxMessage.filter(template='status_update').values_list('order_code', flat=True)
    assert sorted(mailed) == sorted(codes[:2])
    await eventually(lambda: {r['code']: r['status'] for r in table_rows(user)} == {
        codes[0]: 'Order shipped', codes[1]: 'Order shipped', codes[2]: 'Order received'})


async def test_bulk_on_all_matching_orders_confirms_processing_and_reports_skipped(user: User):
    waiting = await customer_orders('Ann Peeters')
    cancelled = await customer_orders('Bert Claes')
    await customer_orders('Cas Smet')
    for code, status in ((waiting, S.AWAITING_PAYMENT), (cancelled, S.CANCELLED)):
        order = await Order.get(code=code)
        await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='a@x',
                            update=StatusUpdate(status))
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 3)
    select_rows(user, table_rows(user)[:1])
    user.find(marker='select-all-matching').click()
    await user.should_see('All 3 matching orders selected')
    choose(user, 'bulk-status', 'Processing order')
    user.find(marker='bulk-apply').click()
    await user.should_see('Do not change the status to Processing order if you still expect a payment.', retries=20)
    assert await Order.filter(status=S.PROCESSING).count() == 0  # nothing changed before the merchant agreed
    user.find(marker='bulk-confirm').click()
    await user.should_see(f'2 orders set to "Processing order". 1 skipped: {cancelled}: cannot go from "Cancelled" '
                          'to "Processing order"', retries=20)
    assert await Order.filter(status=S.PROCESSING).count() == 2
    assert await OutboxMessage.filter(template='status_update').count() == 0


async def test_history_shows_the_status_mail_going_out_live(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(S.SHIPPED, notify_customer=True))
    # the dispatcher delivers into the Mailbox (no SMTP host here) after the change; the history follows
    await eventually(lambda: any(body.startswith('Status update mail') for body in history(user)), seconds=10)
