"""place_order on a real SQLite file: stock, sequences, idempotency, the outbox and rollback."""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.admins import add_admin
from domain.checkout import place_order
from domain.errors import OutOfStock, ProductUnavailable
from domain.events import OrderPlaced, hub
from domain.models import AdminRole, LogEntry, Order, OrderLine, OutboxMessage, OutboxState, Product, Shop
from domain.order_codes import parse_order_code
from domain.outbox import pending_outbox
from domain.schemas import parse_checkout
from domain.webhooks import EndpointForm, create_endpoint


def checkout(*lines: tuple[int, int], key: str | None = None, **fields):
    data = {'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1', 'postal_code': '9000',
            'city': 'Gent', 'lines': [{'product_id': pid, 'quantity': qty} for pid, qty in lines],
            'idempotency_key': key or secrets.token_urlsafe(18), **fields}
    return parse_checkout(data)


async def product(shop: Shop, sku: str) -> Product:
    return await Product.get(shop_id=shop.id, sku=sku)


async def test_order_is_stored_with_lines_totals_log_and_outbox(shop):
    beans, mug = await product(shop, 'COF-ESP-1K'), await product(shop, 'MUG-SAG-35')
    placed = await place_order(shop=shop, form=checkout((beans.id, 2), (mug.id, 1)))
    order = await Order.get(id=placed.id).prefetch_related('lines')
    assert parse_order_code(order.code, prefix='DEMO').number == order.number == 1001
    assert len(order.token) >= 40 and order.token not in order.code
    assert [(line.sku, line.quantity, line.total) for line in order.lines] == [
        ('COF-ESP-1K', 2, Decimal('49.90')), ('MUG-SAG-35', 1, Decimal('14.50'))]
    assert (order.subtotal, order.shipping_cost, order.total, order.vat_total) == (
        Decimal('64.40'), Decimal('6.95'), Decimal('71.35'), Decimal('6.54'))
    assert (order.line_count, order.item_count) == (2, 3)
    assert (await product(shop, 'COF-ESP-1K')).stock == beans.stock - 2
    log = await LogEntry.get(order_id=order.id)
    assert (log.kind, log.actor, log.order_code) == ('order.placed', 'customer', order.code)
    assert 'Ann Peeters' in log.message and '€ 71.35' in log.message


async def test_each_side_effect_is_one_pending_outbox_row(shop):
    endpoint, _ = await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(
        url='https://pos.example.com/orderly', events=['order.created']))
    await add_admin(shop=shop, email='Clerk@demo-shop.example', password='a long password', role=AdminRole.EMPLOYEE)
    await add_admin(shop=shop, email='quiet@demo-shop.example', password='a long password',
                    receives_order_mails=False)
    beans = await product(shop, 'COF-ESP-1K')
    placed = await place_order(shop=shop, form=checkout((beans.id, 1)))
    rows = await OutboxMessage.filter(order_id=placed.id).order_by('id')
    assert sorted((r.channel, r.template, r.recipient) for r in rows) == sorted([
        ('mail', 'customer_confirmation', 'ann@example.com'),
        ('mail', 'merchant_new_order', 'owner@demo-shop.example'),
        ('mail', 'merchant_new_order', 'clerk@demo-shop.example'),
        ('mail', 'merchant_new_order', 'orders@demo-shop.example'),
        ('push', 'new_order', ''),
        ('webhook', '', str(endpoint.id)),
    ])
    assert {r.event for r in rows} == {'order.created'}
    assert len({r.event_id for r in rows}) == len(rows)
    assert {r.id for r in await pending_outbox()} == {r.id for r in rows}


async def test_same_idempotency_key_creates_exactly_one_order(shop):
    beans = await product(shop, 'COF-ESP-1K')
    form = checkout((beans.id, 1), key='double-click-key-0001')
    results = await asyncio.gather(*(place_order(shop=shop, form=form) for _ in range(5)))
    assert len({r.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert await Order.filter(shop_id=shop.id).count() == 1
    assert (await product(shop, 'COF-ESP-1K')).stock == beans.stock - 1
    assert await OutboxMessage.filter(template='customer_confirmation').count() == 1


async def test_concurrent_checkouts_for_the_last_items_sell_exactly_the_stock(shop):
    book = await product(shop, 'BOOK-BAR')  # 3 in stock
    results = await asyncio.gather(*(place_order(shop=shop, form=checkout((book.id, 1))) for _ in range(12)),
                                   return_exceptions=True)
    sold = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(sold) == 3
    assert all(isinstance(r, OutOfStock) and str(r) == '"Barista cookbook" is sold out.' for r in refused)
    assert (await product(shop, 'BOOK-BAR')).stock == 0
    assert await Order.filter(shop_id=shop.id).count() == 3


async def test_concurrent_checkouts_never_share_an_order_code(shop):
    filters = await product(shop, 'FLT-100')
    results = await asyncio.gather(*(place_order(shop=shop, form=checkout((filters.id, 1))) for _ in range(40)))
    numbers = sorted(r.number for r in results)
    assert numbers == list(range(1001, 1041))
    assert len({r.code for r in results}) == 40


async def test_order_codes_never_repeat_after_a_deletion(shop):
    filters = await product(shop, 'FLT-100')
    first = await place_order(shop=shop, form=checkout((filters.id, 1)))
    await Order.filter(id=first.id).delete()
    second = await place_order(shop=shop, form=checkout((filters.id, 1)))
    assert second.number == first.number + 1 and second.code != first.code


async def test_failure_midway_rolls_back_everything(shop):
    filters, book = await product(shop, 'FLT-100'), await product(shop, 'BOOK-BAR')
    logs_before = await LogEntry.all().count()  # the demo shop's set-up logs its owner
    with pytest.raises(OutOfStock) as caught:
        await place_order(shop=shop, form=checkout((filters.id, 2), (book.id, 4)))
    assert caught.value.field_errors == {'lines.1': 'Only 3 of "Barista cookbook" left in stock.'}
    assert (await product(shop, 'FLT-100')).stock == filters.stock  # the first line's decrement is undone
    assert await Order.all().count() == 0
    assert await OrderLine.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    assert await LogEntry.all().count() == logs_before
    assert (await Shop.get(id=shop.id)).next_order_number == 1001


async def test_product_of_another_shop_cannot_be_ordered(shop):
    other = await Shop.create(name='Other', code_prefix='OTHR')
    foreign = await Product.create(shop=other, sku='X', name='Foreign', price=Decimal('1'), vat_rate=21, stock=5)
    with pytest.raises(ProductUnavailable) as caught:
        await place_order(shop=shop, form=checkout((foreign.id, 1)))
    assert caught.value.field_errors == {'lines.0': 'This product is no longer available.'}
    assert (await Product.get(id=foreign.id)).stock == 5


async def test_new_order_is_announced_after_commit(shop):
    seen: list[tuple[str, int]] = []

    async def on_placed(event: OrderPlaced) -> None:
        seen.append((event.code, await Order.filter(code=event.code).count()))

    hub.subscribe(OrderPlaced, on_placed)
    order = await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1)))
    assert seen == [(order.code, 1)]  # the subscriber already finds the committed order


async def test_test_order_is_flagged_and_logged_as_such(shop):
    filters = await product(shop, 'FLT-100')
    placed = await place_order(shop=shop, form=checkout((filters.id, 1)), is_test=True, actor='owner@x')
    order = await Order.get(id=placed.id)
    assert order.is_test and placed.is_test
    log = await LogEntry.get(order_id=order.id)
    assert log.actor == 'owner@x' and log.message.startswith('Test order')


async def test_pending_outbox_skips_delivered_dead_future_and_leased_rows(shop):
    await create_endpoint(shop_id=shop.id, actor='owner@x', form=EndpointForm(  # a fifth row: its API PUSH
        url='https://pos.example.com/orderly', events=['order.created']))
    placed = await place_order(shop=shop, form=checkout(((await product(shop, 'FLT-100')).id, 1)))
    rows = await OutboxMessage.filter(order_id=placed.id).order_by('id')
    now = datetime.now(UTC)
    await OutboxMessage.filter(id=rows[0].id).update(state=OutboxState.DELIVERED, delivered_at=now)
    await OutboxMessage.filter(id=rows[1].id).update(state=OutboxState.DEAD)
    await OutboxMessage.filter(id=rows[2].id).update(next_attempt_at=now + timedelta(minutes=5))
    await OutboxMessage.filter(id=rows[3].id).update(lease_expires_at=now + timedelta(seconds=30), leased_by='w1')
    await OutboxMessage.filter(id=rows[4].id).update(lease_expires_at=now - timedelta(seconds=1), leased_by='w2')
    due = await pending_outbox(now=now)
    assert [m.id for m in due] == [r.id for r in rows[4:]]  # an expired lease comes back; a live one does not
