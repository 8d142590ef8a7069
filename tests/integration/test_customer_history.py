"""The order history a customer is told (status page and account): each status once, never the merchant's notes."""

from domain.customer_orders import customer_history
from domain.order_changes import StatusUpdate, change_status
from domain.order_notes import add_note
from domain.payments import mark_as_paid
from domain.statuses import OrderStatus
from tests.integration.test_customer_accounts import guest_order


async def test_a_paid_order_says_payment_received_once(shop):
    order = await guest_order(shop)
    order = await change_status(shop_id=shop.id, order_id=order.id, expected_version=order.version,
                                update=StatusUpdate(OrderStatus.AWAITING_PAYMENT), actor='owner')
    await mark_as_paid(shop_id=shop.id, order_id=order.id, actor='owner@demo-shop.example')
    await add_note(shop_id=shop.id, order_id=order.id, text='Paid late again', actor='owner@demo-shop.example')
    history = await customer_history(order)
    assert [entry.what for entry in history] == ['Order placed', 'Waiting for payment', 'Payment received']
    assert 'late' not in repr(history)
