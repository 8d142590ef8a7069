"""Orders left unpaid longer than the shop allows are cancelled, their stock given back, and the Logs say so."""

import secrets
from datetime import UTC, datetime, timedelta

from domain.checkout import place_order
from domain.models import LogEntry, Order, Payment, PaymentStatus, Product, Shop
from domain.payment_settings import PaymentOptions, update_payment_methods
from domain.payments import mark_as_paid
from domain.schemas import parse_checkout
from domain.statuses import OrderStatus
from domain.unpaid_orders import cancel_unpaid_orders_of_all_shops


async def waiting_order(shop: Shop, days_ago: int, quantity: int = 2) -> Order:
    beans = await Product.get(shop_id=shop.id, sku='FLT-100')
    form = parse_checkout({'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1',
                           'postal_code': '9000', 'city': 'Gent',
                           'lines': [{'product_id': beans.id, 'quantity': quantity}],
                           'idempotency_key': secrets.token_urlsafe(18)})
    placed = await place_order(shop=shop, form=form, initial_status=OrderStatus.AWAITING_PAYMENT)
    await Order.filter(id=placed.id).update(created_at=datetime.now(UTC) - timedelta(days=days_ago))
    return await Order.get(id=placed.id)


async def test_unpaid_order_is_cancelled_after_the_shops_days_and_its_stock_comes_back(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(auto_cancel_days=7))
    stock = (await Product.get(shop_id=shop.id, sku='FLT-100')).stock
    old, recent, paid = await waiting_order(shop, 8), await waiting_order(shop, 2), await waiting_order(shop, 9)
    await mark_as_paid(shop_id=shop.id, order_id=paid.id, actor='owner@x')
    assert await cancel_unpaid_orders_of_all_shops() == {shop.id: [old.code]}
    assert (await Order.get(id=old.id)).status is OrderStatus.CANCELLED
    assert (await Order.get(id=recent.id)).status is OrderStatus.AWAITING_PAYMENT
    assert (await Order.get(id=paid.id)).status is OrderStatus.PAYMENT_RECEIVED
    assert (await Product.get(shop_id=shop.id, sku='FLT-100')).stock == stock - 4  # recent and paid keep theirs
    entry = await LogEntry.get(order_id=old.id, kind='order.auto_cancelled')
    assert entry.actor == 'system' and 'not paid within 7 days' in entry.message
    assert await cancel_unpaid_orders_of_all_shops() == {}  # nothing twice


async def test_order_with_a_payment_under_way_is_left_alone(shop):
    await update_payment_methods(shop_id=shop.id, actor='owner@x', options=PaymentOptions(auto_cancel_days=3))
    order = await waiting_order(shop, 5)
    now = datetime.now(UTC)
    await Payment.create(shop_id=shop.id, order_id=order.id, order_code=order.code, provider='demo',
                         provider_payment_id='tr_underway', amount=order.total, currency='EUR',
                         status=PaymentStatus.OPEN, created_at=now, updated_at=now)
    assert await cancel_unpaid_orders_of_all_shops() == {}


async def test_shops_without_the_setting_never_cancel(shop):
    await waiting_order(shop, 400)
    assert await cancel_unpaid_orders_of_all_shops() == {}
