"""The merchant opens an order and works it: status, reference, customer mail, history, no silent overwrite."""

from nicegui.testing import User

from domain.models import Order, OutboxMessage
from domain.order_changes import StatusUpdate, change_status
from domain.order_deletion import delete_order
from domain.statuses import OrderStatus
from tests.ui.test_admin_orders import customer_orders, eventually, sign_in, table_rows


async def test_merchant_ships_an_order_with_tracking_code_and_mails_the_customer(user: User):
    code = await customer_orders('Ann Peeters')
    await sign_in(user)
    await user.open(f'/admin/orders/{code.lower()}')
    await user.should_see('1 × Paper filters (100)')
    await user.should_see('Kerkstraat 1')
    user.find(marker='status').click()
    user.find('Order shipped').click()
    user.find(marker='reference').type('3S123456789')
    user.find(marker='notify-customer').click()
    user.find(marker='save-status').click()
    await user.should_see(f'{code} saved: Order shipped', retries=20)
    history = [entry.text for entry in user.find(marker='history-entry').elements]
    assert f'{code}: status Order received → Order shipped, reference "3S123456789"' in history
    order = await Order.get(code=code)
    assert (order.status, order.reference, order.version) == (OrderStatus.SHIPPED, '3S123456789', 2)
    mail = await OutboxMessage.get(order_id=order.id, template='status_update')
    assert mail.recipient == 'ann@example.com'


async def test_second_admin_is_told_who_changed_the_order_meanwhile(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='clerk@demo-shop.example',
                        update=StatusUpdate(OrderStatus.CANCELLED))
    user.find(marker='status').click()
    user.find('Order shipped').click()
    user.find(marker='save-status').click()
    await user.should_see(f'Order {code} was changed by clerk@demo-shop.example meanwhile', retries=20)
    assert (await Order.get(code=code)).status is OrderStatus.CANCELLED
    assert user.find(marker='status').elements.pop().value == OrderStatus.CANCELLED.value


async def test_processing_while_waiting_for_payment_asks_first(user: User):
    code = await customer_orders()
    order = await Order.get(code=code)
    await change_status(shop_id=order.shop_id, order_id=order.id, expected_version=1, actor='x',
                        update=StatusUpdate(OrderStatus.AWAITING_PAYMENT))
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    user.find(marker='status').click()
    user.find('Processing order').click()
    user.find(marker='save-status').click()
    await user.should_see('Do not change the status to Processing order if you still expect a payment.', retries=20)
    assert (await Order.get(code=code)).status is OrderStatus.AWAITING_PAYMENT
    user.find(marker='confirm-change').click()
    await user.should_see(f'{code} saved: Processing order', retries=20)


async def test_unknown_code_says_so(user: User):
    await sign_in(user)
    await user.open('/admin/orders/DEMO-9999-ZZ')
    await user.should_see('There is no order with this code in your shop.')


async def test_real_order_is_deleted_only_after_typing_its_code(user: User):
    code = await customer_orders()
    await sign_in(user)
    await user.open(f'/admin/orders/{code}')
    await user.should_see('Paper filters', retries=20)
    user.find(marker='delete-section').click()
    user.find(marker='delete-order').click()
    await user.should_see(f'Type {code} to confirm the deletion of this order.', retries=20)
    assert await Order.filter(code=code).exists()
    user.find(marker='confirm-code').type(code)
    user.find(marker='delete-order').click()
    await user.should_see(f'{code} deleted.', retries=20)
    assert not await Order.filter(code=code).exists()


async def test_deleted_order_leaves_every_open_grid(user: User, create_user):
    keep, gone = await customer_orders('Ann Peeters'), await customer_orders('Bert Claes')
    other = create_user()
    await sign_in(user)
    await sign_in(other)
    order = await Order.get(code=gone)
    await delete_order(shop_id=order.shop_id, order_id=order.id, typed_code=gone, actor='x')
    await eventually(lambda: [row['code'] for row in table_rows(other)] == [keep])
