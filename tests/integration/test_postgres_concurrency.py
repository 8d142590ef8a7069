"""What SQLite's single writer made safe is safe on PostgreSQL by design: many real connections at once (a pool of 20)
take order codes, stock, invoice numbers, outbox leases and order versions, and nothing is shared or lost.

Always runs on PostgreSQL (the `postgres_server` fixture), whichever database the rest of the suite uses.
"""

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import Tortoise, connections
from tortoise.transactions import in_transaction

from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.errors import OutOfStock
from domain.invoices import issue_invoice
from domain.models import Invoice, Order, OrderLine, OutboxMessage, OutboxState, Product, Shop
from domain.order_changes import ChangedMeanwhile, StatusUpdate, change_status
from domain.outbox import enqueue, new_message
from domain.outbox_delivery import claim_due
from domain.seed import ensure_demo_shop
from domain.statuses import OrderStatus
from integrations.database import open_database
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.integration.test_place_order import checkout

CONNECTIONS = 20
CHECKOUTS = 200


@pytest.fixture
async def pg_shop(postgres_server) -> Shop:
    """The demo shop in a fresh PostgreSQL database, reached through a pool of up to 20 connections."""
    await open_database(f'{postgres_server.database()}?maxsize={CONNECTIONS}')
    try:
        await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
        yield await default_shop()
    finally:
        await Tortoise.close_connections()


def connections_opened() -> int:
    """How many connections the pool holds: it grows past one only when transactions overlapped."""
    return connections.get('default')._pool.get_size()


async def place_many(shop: Shop, count: int) -> list[Order]:
    filters = await Product.get(shop_id=shop.id, sku='FLT-100')
    await Product.filter(id=filters.id).update(stock=10 * count)
    placed = await asyncio.gather(*(place_order(shop=shop, form=checkout((filters.id, 1))) for _ in range(count)))
    return await Order.filter(id__in=[order.id for order in placed]).order_by('number')


async def test_200_concurrent_checkouts_take_200_consecutive_codes_and_exactly_their_stock(pg_shop):
    beans, mug = [await Product.get(shop_id=pg_shop.id, sku=sku) for sku in ('COF-ESP-1K', 'MUG-SAG-35')]
    await Product.filter(id__in=[beans.id, mug.id]).update(stock=1000)
    rnd = random.Random(7)
    wanted = [(rnd.randint(1, 3), rnd.randint(1, 3)) for _ in range(CHECKOUTS)]
    placed = await asyncio.gather(*(place_order(shop=pg_shop, form=checkout((beans.id, b), (mug.id, m)))
                                    for b, m in wanted))
    assert connections_opened() > 1
    assert sorted(order.number for order in placed) == list(range(1001, 1001 + CHECKOUTS))
    assert len({order.code for order in placed}) == CHECKOUTS
    assert (await Product.get(id=beans.id)).stock == 1000 - sum(b for b, _ in wanted)
    assert (await Product.get(id=mug.id)).stock == 1000 - sum(m for _, m in wanted)
    assert await OrderLine.filter(product_id=beans.id).count() == CHECKOUTS
    assert (await Shop.get(id=pg_shop.id)).next_order_number == 1001 + CHECKOUTS


async def test_200_concurrent_checkouts_for_151_items_sell_75_pairs_and_refused_ones_leave_no_gap(pg_shop):
    book = await Product.get(shop_id=pg_shop.id, sku='BOOK-BAR')
    await Product.filter(id=book.id).update(stock=151)
    results = await asyncio.gather(*(place_order(shop=pg_shop, form=checkout((book.id, 2))) for _ in range(CHECKOUTS)),
                                   return_exceptions=True)
    sold = [result for result in results if not isinstance(result, BaseException)]
    refused = [result for result in results if isinstance(result, BaseException)]
    assert len(sold) == 75 and all(isinstance(error, OutOfStock) for error in refused)
    assert (await Product.get(id=book.id)).stock == 1
    # a refused checkout gives its number back: the sold orders' numbers have no gaps
    assert sorted(order.number for order in sold) == list(range(1001, 1001 + 75))


async def test_200_concurrent_invoices_get_200_consecutive_numbers(pg_shop):
    orders = await place_many(pg_shop, CHECKOUTS)
    invoices = await asyncio.gather(*(issue_invoice(shop_id=pg_shop.id, order_id=order.id, actor=ADMIN_EMAIL)
                                      for order in orders))
    assert connections_opened() > 1
    assert sorted(invoice.sequence for invoice in invoices) == list(range(1, CHECKOUTS + 1))
    assert len({invoice.number for invoice in invoices}) == CHECKOUTS
    assert await Invoice.filter(shop_id=pg_shop.id).count() == CHECKOUTS


async def test_an_order_invoiced_twice_at_once_gets_one_invoice_and_the_series_no_gap(pg_shop):
    first, second = await place_many(pg_shop, 2)
    results = await asyncio.gather(*(issue_invoice(shop_id=pg_shop.id, order_id=first.id, actor=ADMIN_EMAIL)
                                     for _ in range(10)), return_exceptions=True)
    assert sum(isinstance(result, Invoice) for result in results) == 1
    later = await issue_invoice(shop_id=pg_shop.id, order_id=second.id, actor=ADMIN_EMAIL)
    assert later.sequence == 2


async def test_two_dispatchers_claiming_the_same_due_rows_never_get_the_same_row(pg_shop):
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with in_transaction() as connection:
        await enqueue(connection, [new_message(shop_id=pg_shop.id, order=None, channel='mail', event='test',
                                               recipient=f'{n}@example.com', now=now) for n in range(1000)])
    claimed: dict[str, list[int]] = {'a': [], 'b': []}
    batches: dict[str, list[int]] = {'a': [], 'b': []}

    async def worker(name: str) -> None:
        while True:
            rows = await claim_due(worker=name, channels=['mail'], limit=25)
            if not rows and not await OutboxMessage.filter(state=OutboxState.PENDING, leased_by='').exists():
                return
            claimed[name] += [row.id for row in rows]
            batches[name].append(len(rows))
            await asyncio.sleep(0)

    await asyncio.gather(worker('a'), worker('b'))
    everything = claimed['a'] + claimed['b']
    assert len(everything) == 1000 and len(set(everything)) == 1000
    assert claimed['a'] and claimed['b']
    leased = Counter(await OutboxMessage.all().values_list('leased_by', flat=True))
    assert leased == {'a': len(claimed['a']), 'b': len(claimed['b'])}


async def test_concurrent_claims_skip_locked_rows_instead_of_coming_back_empty(pg_shop):
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with in_transaction() as connection:
        await enqueue(connection, [new_message(shop_id=pg_shop.id, order=None, channel='mail', event='test',
                                               recipient=f'{n}@example.com', now=now) for n in range(200)])
    # ten workers at once, each for 20 rows: locked rows are passed over, so every worker gets a full batch
    results = await asyncio.gather(*(claim_due(worker=f'w{n}', channels=['mail'], limit=20) for n in range(10)))
    ids = [row.id for rows in results for row in rows]
    assert [len(rows) for rows in results] == [20] * 10
    assert len(set(ids)) == 200


async def test_two_status_changes_of_one_order_with_the_same_version_exactly_one_wins(pg_shop):
    orders = await place_many(pg_shop, 20)
    for order in orders:
        results = await asyncio.gather(*(change_status(
            shop_id=pg_shop.id, order_id=order.id, expected_version=order.version, actor=ADMIN_EMAIL,
            update=StatusUpdate(status=status), confirmed=True)
            for status in (OrderStatus.PROCESSING, OrderStatus.CANCELLED)), return_exceptions=True)
        winners = [result for result in results if isinstance(result, Order)]
        assert len(winners) == 1, results
        assert all(isinstance(result, ChangedMeanwhile) for result in results if result not in winners)
        stored = await Order.get(id=order.id)
        assert (stored.status, stored.version) == (winners[0].status, order.version + 1)
