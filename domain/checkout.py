"""Placing an order: validate, reserve stock, number it, and queue its side effects in one transaction.

This is the hottest write path, so it speaks few statements: one each for the number, the stock of all lines,
the order, its lines, its log entry, the API PUSH endpoints that want the order, and all outbox rows. The
statement that takes the number also reads the shop's delivery settings, so an order follows Settings > Checkout
as they are at that moment.
"""

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.customer_settings import ACCOUNT_REQUIRED, CustomerAccounts, accounts_setting
from domain.delivery import COLUMNS as DELIVERY_COLUMNS
from domain.delivery import DeliveryOffer
from domain.errors import InvalidCheckout, OutOfStock, ProductUnavailable
from domain.events import OrderPlaced, OutboxQueued, hub
from domain.logs import write_log
from domain.models import Order, OrderLine, Shop
from domain.money import PricedLine, format_money
from domain.order_codes import format_order_code
from domain.outbox import enqueue, order_placed_messages
from domain.schemas import CheckoutForm, DeliveryMethod
from domain.sql import decimal, fetch, insert_rows
from domain.statuses import OrderStatus
from domain.webhook_payload import ORDER_CREATED, order_data
from domain.webhooks import event_messages, subscribers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedOrder:
    """What the caller learns about a placed order."""

    id: int
    number: int
    code: str
    token: str
    customer_name: str
    email: str
    total: Decimal
    currency: str
    is_test: bool
    replayed: bool  # True when the idempotency key had already placed this order

    @classmethod
    def of(cls, order: Order, *, replayed: bool) -> 'PlacedOrder':
        return cls(id=order.id, number=order.number, code=order.code, token=order.token,
                   customer_name=order.customer_name, email=order.email, total=order.total, currency=order.currency,
                   is_test=order.is_test, replayed=replayed)


class _DuplicateSubmission(Exception):
    pass


async def place_order(*, shop: Shop, form: CheckoutForm, is_test: bool = False, actor: str = 'customer',
                      initial_status: OrderStatus = OrderStatus.ORDER_RECEIVED, customer_id: int | None = None,
                      storefront: bool = False) -> PlacedOrder:
    """Place the order in `form` for `shop`; a repeated idempotency key returns the first order unchanged.

    `customer_id` links the order to a signed-in customer's account. A `storefront` order follows Settings >
    Customers checkout as it is at that moment: refused without a customer when an account is required, never
    linked to an account in a guests-only shop.
    """
    try:
        placed, outbox_count = await _place_in_transaction(shop, form, is_test, actor, initial_status,
                                                           customer_id, storefront)
    except _DuplicateSubmission:
        existing = await Order.get(shop_id=shop.id, idempotency_key=form.idempotency_key)
        return PlacedOrder.of(existing, replayed=True)
    log.info('order placed: %s %s', placed.total, placed.currency, extra={'order_code': placed.code, 'shop': shop.id})
    await hub.publish(OrderPlaced(shop_id=shop.id, order_id=placed.id, code=placed.code,
                                  customer_name=placed.customer_name, total=placed.total, currency=placed.currency,
                                  is_test=placed.is_test))
    await hub.publish(OutboxQueued(shop_id=shop.id, count=outbox_count))
    return placed


async def _next_order_number(connection: BaseDBAsyncClient,
                             shop: Shop) -> tuple[int, list[str], DeliveryOffer, CustomerAccounts]:
    """Take the shop's next number, who gets the merchant's mail about it, and what delivery and accounts the shop
    offers now.

    The row lock (PostgreSQL) or the single writer (SQLite) serializes concurrent takers.
    """
    columns = ', '.join(('next_order_number', 'order_mail_recipients', *DELIVERY_COLUMNS, 'customer_accounts'))
    rows = await fetch(connection, 'UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = ? '
                                   f'RETURNING {columns}', shop.id)
    recipients = rows[0]['order_mail_recipients']
    recipients = json.loads(recipients) if isinstance(recipients, str) else recipients
    return (rows[0]['next_order_number'] - 1, recipients, DeliveryOffer.from_row(rows[0]),
            accounts_setting(rows[0]['customer_accounts']))


async def _reserve_stock(connection: BaseDBAsyncClient, shop: Shop, form: CheckoutForm) -> list[PricedLine]:
    """Decrement the stock of every line in one statement and price the lines from the rows it returns.

    A stock that went below zero fails the order, and the transaction's rollback restores it: no concurrent
    checkout can ever sell more than there is.
    """
    wanted: dict[int, int] = {}
    for line in form.lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    cases = ' '.join('WHEN ? THEN CAST(? AS INTEGER)' for _ in wanted)  # PostgreSQL must know the type
    rows = await fetch(
        connection,
        f'UPDATE product SET stock = stock - CASE id {cases} END '
        f'WHERE shop_id = ? AND active = ? AND id IN ({", ".join("?" for _ in wanted)}) '
        'RETURNING id, sku, name, price, vat_rate, stock',
        *(value for item in wanted.items() for value in item), shop.id, True, *wanted)
    products = {row['id']: row for row in rows}
    for index, line in enumerate(form.lines):
        if line.product_id not in products:
            raise ProductUnavailable(f'lines.{index}')
        if products[line.product_id]['stock'] < 0:
            available = products[line.product_id]['stock'] + wanted[line.product_id]
            raise OutOfStock(f'lines.{index}', products[line.product_id]['name'], available)
    return [PricedLine(product_id=line.product_id, sku=row['sku'], name=row['name'], quantity=line.quantity,
                       unit_price=decimal(row['price']), vat_rate=decimal(row['vat_rate']))
            for line in form.lines for row in [products[line.product_id]]]


async def _place_in_transaction(shop: Shop, form: CheckoutForm, is_test: bool, actor: str,
                                initial_status: OrderStatus, customer_id: int | None,
                                storefront: bool) -> tuple[PlacedOrder, int]:
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        number, mail_recipients, delivery, accounts = await _next_order_number(connection, shop)
        delivery.check(form.delivery_method)  # refused: the rollback gives the number back
        if storefront and accounts is CustomerAccounts.GUESTS:
            customer_id = None
        if storefront and accounts is CustomerAccounts.REQUIRED and customer_id is None:
            raise InvalidCheckout({'account': ACCOUNT_REQUIRED})  # a page opened before the owner required accounts
        priced = await _reserve_stock(connection, shop, form)
        totals = delivery.totals(priced, form.delivery_method)
        values = {
            'shop_id': shop.id, 'number': number, 'code': format_order_code(shop.code_prefix, number),
            'token': secrets.token_urlsafe(32), 'idempotency_key': form.idempotency_key, 'version': 1,
            'status': initial_status, 'is_test': is_test, 'customer_id': customer_id, 'customer_name': form.name,
            'email': str(form.email), 'phone': form.phone, 'vat_number': '', 'delivery_method': form.delivery_method,
            'note': form.note, 'reference': '', 'currency': shop.currency, 'subtotal': totals.subtotal,
            'shipping_cost': totals.shipping, 'vat_total': totals.vat_total, 'total': totals.total,
            'line_count': len(priced), 'item_count': sum(line.quantity for line in priced),
            'created_at': now, 'updated_at': now, **_address(form),
        }
        try:
            rows = await insert_rows(connection, Order._meta.db_table, [values], returning='id')
        except IntegrityError as error:  # the idempotency key already placed an order: undo all of this one
            raise _DuplicateSubmission from error
        order = PlacedOrder(id=rows[0]['id'], number=number, code=values['code'], token=values['token'],
                            customer_name=form.name, email=values['email'], total=totals.total,
                            currency=shop.currency, is_test=is_test, replayed=False)
        lines = [
            {'shop_id': shop.id, 'order_id': order.id, 'product_id': line.product_id, 'position': index,
             'sku': line.sku, 'name': line.name, 'quantity': line.quantity, 'unit_price': line.unit_price,
             'vat_rate': line.vat_rate, 'total': line.total}
            for index, line in enumerate(priced)
        ]
        await insert_rows(connection, OrderLine._meta.db_table, lines)
        what = 'Test order' if is_test else 'Order'
        amount = format_money(order.total, order.currency)
        await write_log(connection, shop_id=shop.id, order=order, kind='order.placed', actor=actor, now=now,
                        message=f'{what} {order.code} placed by {order.customer_name} ({amount})',
                        data={'total': str(order.total), 'lines': len(priced), 'is_test': is_test})
        messages = order_placed_messages(shop, order, mail_recipients, now)
        messages += event_messages(await subscribers(connection, shop.id, ORDER_CREATED), shop_id=shop.id,
                                   event=ORDER_CREATED, order=order, now=now,
                                   data=lambda: {'order': order_data(values, lines)})
        await enqueue(connection, messages)
    return order, len(messages)


def _address(form: CheckoutForm) -> dict[str, str]:
    if form.delivery_method is DeliveryMethod.PICKUP and not form.street:
        return {'street': '', 'postal_code': '', 'city': '', 'country': ''}
    return {'street': form.street, 'postal_code': form.postal_code, 'city': form.city, 'country': form.country}
