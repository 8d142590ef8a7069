"""The merchant's back office as a new merchant found it: the status menu by way of delivery, bulk changes said
before they are made, a payment card that follows the order, a mistyped code explained."""

from nicegui import ui
from nicegui.testing import User

from domain.models import Order, OutboxMessage
from domain.order_changes import StatusUpdate, change_status
from domain.order_codes import format_order_code
from domain.statuses import OrderStatus
from tests.ui.test_admin_order_work import choose, select_rows
from tests.ui.test_admin_orders import customer_orders, eventually, search, sign_in, table_rows

S = OrderStatus


async def set_status(code: str, status: OrderStatus) -> None:
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=order.version, actor='a@x',
                        update=StatusUpdate(status))


def options(user: User, marker: str) -> list[str]:
    return list(user.find(marker=marker, kind=ui.select).elements.pop().options.values())


async def test_the_status_menu_offers_what_fits_the_way_of_delivery(user: User):
    parcel = await customer_orders('Ann Peeters')
    collect = await customer_orders('Bert Claes')
    await Order.filter(code=collect).update(delivery_method='pickup', street='', postal_code='', city='')
    await sign_in(user)
    await user.open(f'/admin/orders/{parcel}')
    await user.should_see('Paper filters', retries=20)
    assert 'Ready for pickup' not in options(user, 'status')
    assert 'Order shipped' in options(user, 'status')
    await user.open(f'/admin/orders/{collect}')
    await user.should_see('Paper filters', retries=20)
    assert 'Ready for pickup' in options(user, 'status')
    assert 'Order shipped' not in options(user, 'status')


async def test_after_shipping_the_menu_offers_what_a_shipped_order_can_go_to(user: User):
    code = await customer_orders('Ann Peeters')
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    choose(user, 'status', 'Order shipped')
    user.find(marker='save-status').click()
    await user.should_see(f'{code} saved: Order shipped', retries=20)
    assert options(user, 'status') == ['Processing order', 'Order shipped', 'Completed', 'Cancelled']


async def test_a_bulk_change_says_what_it_will_do_and_changes_nothing_before_the_merchant_agrees(user: User):
    shipped = await customer_orders('Ann Peeters', email='ann@example.com')
    received = await customer_orders('Bert Claes', email='bert@example.com')
    await set_status(shipped, S.SHIPPED)
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 2)
    select_rows(user, table_rows(user))
    choose(user, 'bulk-status', 'Processing order')
    user.find(marker='bulk-notify').click()
    user.find(marker='bulk-apply').click()
    await user.should_see('Set 2 orders to Processing order; 1 of them is already shipped; 2 customers will be '
                          'mailed.', retries=20)
    assert {o.code: o.status for o in await Order.all()} == {shipped: S.SHIPPED, received: S.ORDER_RECEIVED}
    assert await OutboxMessage.filter(template='status_update').count() == 0
    user.find(marker='bulk-confirm').click()
    await user.should_see('2 orders set to "Processing order".', retries=20)
    assert {o.status for o in await Order.all()} == {S.PROCESSING}
    assert await OutboxMessage.filter(template='status_update').count() == 2


async def test_a_bulk_change_skips_orders_of_the_other_way_of_delivery(user: User):
    parcel = await customer_orders('Ann Peeters')
    collect = await customer_orders('Bert Claes')
    await Order.filter(code=collect).update(delivery_method='pickup')
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 2)
    select_rows(user, table_rows(user))
    choose(user, 'bulk-status', 'Ready for pickup')
    user.find(marker='bulk-apply').click()
    await user.should_see('Set 1 order to Ready for pickup; 1 order will be skipped; no customer will be mailed.',
                          retries=20)
    user.find(marker='bulk-confirm').click()
    await user.should_see(f'1 order set to "Ready for pickup". 1 skipped: {parcel}: "Ready for pickup" is not for '
                          'shipping', retries=20)
    assert {o.code: o.status for o in await Order.all()} == {parcel: S.ORDER_RECEIVED, collect: S.READY_FOR_PICKUP}


async def test_the_payment_card_follows_a_status_change_without_a_reload(user: User):
    code = await customer_orders('Ann Peeters')
    await set_status(code, S.AWAITING_PAYMENT)
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='mark-paid', retries=50)
    await set_status(code, S.SHIPPED)  # another admin ships it
    await user.should_not_see(marker='mark-paid', retries=20)
    await set_status(code, S.CANCELLED)
    await set_status(code, S.AWAITING_PAYMENT)
    await user.should_see(marker='mark-paid', retries=20)


async def test_marking_paid_updates_the_whole_detail(user: User):
    code = await customer_orders('Ann Peeters')
    await set_status(code, S.AWAITING_PAYMENT)
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see(marker='mark-paid', retries=50)
    user.find(marker='mark-paid').click()
    await user.should_see(marker='confirm-mark-paid', retries=50)
    user.find(marker='confirm-mark-paid').click()
    await user.should_see(f'{code} marked as paid.', retries=50)
    await eventually(lambda: user.find(marker='status-badge').elements.pop().text == 'Payment received')
    await eventually(lambda: user.find(marker='status', kind=ui.select).elements.pop().value == 'payment_received')
    await user.should_not_see(marker='changed-elsewhere')  # our own change is no news


async def test_a_mistyped_code_says_its_check_characters_are_wrong_and_suggests_the_order(user: User):
    code = await customer_orders('Ann Peeters')
    await customer_orders('Bert Claes')
    wrong = code[:-1] + ('A' if code[-1] != 'A' else 'B')
    await sign_in(user)
    await eventually(lambda: len(table_rows(user)) == 2)
    search(user, wrong.lower().replace('-', ''))
    await user.should_see(f'{wrong}: its check characters do not fit, so it is no order code (a typo?).',
                          retries=20)
    await user.should_see(f'Show {code}')
    user.find(marker='suggested-code').click()
    await eventually(lambda: [row['code'] for row in table_rows(user)] == [code])
    search(user, 'nobody')
    await user.should_see('No orders match "nobody".', retries=20)
    search(user, format_order_code('DEMO', 999))
    await user.should_see('No orders match', retries=20)
