"""Placing an order: validate, reserve stock, number it, and queue its side effects in one transaction."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.catalogue import cart_totals, priced_line, products_by_id
from domain.errors import OutOfStock, ProductUnavailable
from domain.events import OrderPlaced, OutboxQueued, hub
from domain.models import AdminUser, LogEntry, Order, OrderLine, OutboxMessage, Product, Shop
from domain.money import format_money
from domain.order_codes import format_order_code
from domain.outbox import order_placed_messages
from domain.schemas import CheckoutForm, DeliveryMethod
from domain.statuses import OrderStatus


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    replayed: bool  # True when the idempotency key had already placed this order


class _DuplicateSubmission(Exception):
    pass


async def place_order(*, shop: Shop, form: CheckoutForm, is_test: bool = False, actor: str = 'customer',
                      initial_status: OrderStatus = OrderStatus.ORDER_RECEIVED) -> PlacedOrder:
    """Place the order in `form` for `shop`; a repeated idempotency key returns the first order unchanged."""
    existing = await Order.get_or_none(shop_id=shop.id, idempotency_key=form.idempotency_key)
    if existing:
        return PlacedOrder(existing, replayed=True)
    try:
        order, outbox_count = await _place_in_transaction(shop, form, is_test, actor, initial_status)
    except _DuplicateSubmission:
        return PlacedOrder(await Order.get(shop_id=shop.id, idempotency_key=form.idempotency_key), replayed=True)
    await hub.publish(OrderPlaced(shop_id=shop.id, order_id=order.id, code=order.code,
                                  customer_name=order.customer_name, total=order.total, currency=order.currency,
                                  is_test=order.is_test))
    await hub.publish(OutboxQueued(shop_id=shop.id, count=outbox_count))
    return PlacedOrder(order, replayed=False)


async def _load_products(shop: Shop, form: CheckoutForm) -> dict[int, Product]:
    products = await products_by_id(shop, [line.product_id for line in form.lines])
    for index, line in enumerate(form.lines):
        if line.product_id not in products:
            raise ProductUnavailable(f'lines.{index}')
    return products


async def _reserve_stock(shop: Shop, form: CheckoutForm, products: dict[int, Product]) -> None:
    """Decrement stock atomically per line; never below zero, whatever runs concurrently."""
    for index, line in enumerate(form.lines):
        updated = await Product.filter(id=line.product_id, shop_id=shop.id, stock__gte=line.quantity).update(
            stock=F('stock') - line.quantity)
        if not updated:
            product = products[line.product_id]
            available = await Product.filter(id=product.id).first().values_list('stock', flat=True) or 0
            raise OutOfStock(f'lines.{index}', product.name, available)


async def _next_order_number(shop: Shop) -> int:
    """Take the shop's next number; the row lock (PostgreSQL) or the single writer (SQLite) serializes takers."""
    await Shop.filter(id=shop.id).update(next_order_number=F('next_order_number') + 1)
    return await Shop.filter(id=shop.id).first().values_list('next_order_number', flat=True) - 1


async def _place_in_transaction(shop: Shop, form: CheckoutForm, is_test: bool, actor: str,
                                initial_status: OrderStatus) -> tuple[Order, int]:
    products = await _load_products(shop, form)
    priced = [priced_line(products[line.product_id], line.quantity) for line in form.lines]
    totals = cart_totals(shop, priced, form.delivery_method)
    now = datetime.now(UTC)
    async with in_transaction():
        number = await _next_order_number(shop)
        order = Order(
            shop_id=shop.id, number=number, code=format_order_code(shop.code_prefix, number),
            token=secrets.token_urlsafe(32), idempotency_key=form.idempotency_key, status=initial_status,
            is_test=is_test, customer_name=form.name, email=str(form.email), phone=form.phone,
            delivery_method=form.delivery_method, note=form.note, currency=shop.currency,
            subtotal=totals.subtotal, shipping_cost=totals.shipping, vat_total=totals.vat_total, total=totals.total,
            line_count=len(priced), item_count=sum(line.quantity for line in priced), created_at=now, updated_at=now,
            **_address(form),
        )
        try:
            await order.save()
        except IntegrityError as error:
            raise _DuplicateSubmission from error
        await _reserve_stock(shop, form, products)
        await OrderLine.bulk_create([
            OrderLine(shop_id=shop.id, order=order, product_id=line.product_id, position=index, sku=line.sku,
                      name=line.name, quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate,
                      total=line.total)
            for index, line in enumerate(priced)
        ])
        what = 'Test order' if is_test else 'Order'
        amount = format_money(order.total, order.currency)
        await LogEntry.create(
            shop_id=shop.id, order=order, order_code=order.code, kind='order.placed', actor=actor, created_at=now,
            message=f'{what} {order.code} placed by {order.customer_name} ({amount})',
            data={'total': str(order.total), 'lines': len(priced), 'is_test': is_test},
        )
        admins = await AdminUser.filter(shop_id=shop.id, receives_order_mails=True)
        messages = order_placed_messages(shop, order, admins, now)
        await OutboxMessage.bulk_create(messages)
    return order, len(messages)


def _address(form: CheckoutForm) -> dict[str, str]:
    if form.delivery_method is DeliveryMethod.PICKUP and not form.street:
        return {}
    return {'street': form.street, 'postal_code': form.postal_code, 'city': form.city, 'country': form.country}
