"""Orders/s through `place_order` (Tortoise) against the same rows written with the raw driver (sqlite3, asyncpg).

Each order has 3 lines; both sides write, in one transaction per order: the shop's number, 3 stock decrements,
the order, 3 lines, a log entry and the outbox rows. Goal: ratio >= 0.25. SQLite by default; PostgreSQL on a
throwaway server (`--postgres`, Debian's binaries via tests/postgres_server.py) or in an empty database you name
(`--database-url postgres://…`), where it also times 10 checkouts at once (a pool of 10 connections).
    python bench/place_orders.py [N] [--postgres | --database-url URL]
"""

import asyncio
import json
import secrets
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from tortoise import Tortoise

from bench.database_choice import parse_arguments, postgres_url
from domain.catalogue import default_shop
from domain.checkout import place_order
from domain.models import OutboxMessage, Product
from domain.schemas import parse_checkout
from domain.seed import ensure_demo_shop
from integrations.database import open_database

GOAL = 0.25
CONCURRENT = 10


def form(product_ids: list[int]):
    return parse_checkout({
        'name': 'Bench Customer', 'email': 'bench@example.com', 'street': 'Kerkstraat 1', 'postal_code': '9000',
        'city': 'Gent', 'lines': [{'product_id': pid, 'quantity': 1} for pid in product_ids],
        'idempotency_key': secrets.token_urlsafe(18)})


async def prepare(url: str) -> list[int]:
    await open_database(url)
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await Product.all().update(stock=10**9)
    return [p.id for p in await Product.all().order_by('id').limit(3)]


async def tortoise_seconds(n: int, at_once: int = 1) -> float:
    """`n` orders through place_order, `at_once` checkouts at a time."""
    shop = await default_shop()
    product_ids = [p.id for p in await Product.all().order_by('id').limit(3)]
    forms = [form(product_ids) for _ in range(n)]  # validated beforehand, as the checkout page does

    async def checkouts(share: list) -> None:
        for checkout in share:
            await place_order(shop=shop, form=checkout)
    start = time.perf_counter()
    await asyncio.gather(*(checkouts(forms[i::at_once]) for i in range(at_once)))
    return time.perf_counter() - start


def raw_seconds(path: Path, n: int, outbox_per_order: int) -> float:
    """The same rows with plain sqlite3, one transaction per order: the floor of what SQLite can do here."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode=WAL')
    db.execute('PRAGMA synchronous=NORMAL')
    products = db.execute('SELECT id, sku, name, price, vat_rate FROM product ORDER BY id LIMIT 3').fetchall()
    start = time.perf_counter()
    for _ in range(n):
        now = datetime.now(UTC).isoformat()
        db.execute('BEGIN')
        number = db.execute('UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = 1 '
                            'RETURNING next_order_number').fetchone()[0] - 1
        for pid, *_ in products:
            db.execute('UPDATE product SET stock = stock - 1 WHERE id = ? AND stock >= 1', (pid,))
        order_id = db.execute(
            'INSERT INTO "order" (shop_id, number, code, token, idempotency_key, version, status, is_test, '
            'customer_name, email, phone, vat_number, delivery_method, street, postal_code, city, country, note, '
            'reference, currency, subtotal, shipping_cost, vat_total, total, line_count, item_count, created_at, '
            'updated_at) VALUES (1, ?, ?, ?, ?, 1, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 3, ?, ?)',
            (number, f'RAW-{number}', secrets.token_urlsafe(32), secrets.token_urlsafe(18), 'order_received',
             'Bench Customer', 'bench@example.com', '', '', 'shipping', 'Kerkstraat 1', '9000', 'Gent', 'BE', '', '',
             'EUR', '68.90', '6.95', '7.00', '75.85', now, now)).lastrowid
        db.executemany(
            'INSERT INTO order_line (shop_id, order_id, product_id, position, sku, name, quantity, unit_price, '
            'vat_rate, total) VALUES (1, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
            [(order_id, pid, i, sku, name, price, rate, price) for i, (pid, sku, name, price, rate)
             in enumerate(products)])
        db.execute('INSERT INTO log_entry (shop_id, order_id, order_code, kind, actor, message, data, created_at) '
                   'VALUES (1, ?, ?, ?, ?, ?, ?, ?)',
                   (order_id, f'RAW-{number}', 'order.placed', 'customer', f'Order RAW-{number} placed',
                    json.dumps({'total': '75.85'}), now))
        db.executemany(
            'INSERT INTO outbox_message (shop_id, order_id, order_code, event_id, channel, event, template, '
            'recipient, payload, state, attempts, next_attempt_at, leased_by, last_error, created_at) '
            "VALUES (1, ?, ?, ?, 'mail', 'order.created', '', '', ?, 'pending', 0, ?, '', '', ?)",
            [(order_id, f'RAW-{number}', uuid.uuid4().hex, json.dumps({'order_code': f'RAW-{number}'}), now, now)
             for _ in range(outbox_per_order)])
        db.execute('COMMIT')
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


async def raw_postgres_seconds(url: str, n: int, outbox_per_order: int) -> float:
    """The same rows with plain asyncpg (its prepared statements), one transaction per order."""
    db = await asyncpg.connect(url)
    products = await db.fetch('SELECT id, sku, name, price, vat_rate FROM product ORDER BY id LIMIT 3')
    start = time.perf_counter()
    for _ in range(n):
        now = datetime.now(UTC)
        async with db.transaction():
            number = await db.fetchval('UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = 1 '
                                       'RETURNING next_order_number') - 1
            for product in products:
                await db.execute('UPDATE product SET stock = stock - 1 WHERE id = $1 AND stock >= 1', product['id'])
            order_id = await db.fetchval(
                'INSERT INTO "order" (shop_id, number, code, token, idempotency_key, version, status, is_test, '
                'customer_name, email, phone, vat_number, delivery_method, street, postal_code, city, country, note, '
                'reference, currency, subtotal, shipping_cost, vat_total, total, line_count, item_count, created_at, '
                'updated_at) VALUES (1, $1, $2, $3, $4, 1, $5, false, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '
                '$16, $17, $18, $19, $20, $21, 3, 3, $22, $22) RETURNING id',
                number, f'RAW-{number}', secrets.token_urlsafe(32), secrets.token_urlsafe(18), 'order_received',
                'Bench Customer', 'bench@example.com', '', '', 'shipping', 'Kerkstraat 1', '9000', 'Gent', 'BE', '',
                '', 'EUR', Decimal('68.90'), Decimal('6.95'), Decimal('7.00'), Decimal('75.85'), now)
            await db.executemany(
                'INSERT INTO order_line (shop_id, order_id, product_id, position, sku, name, quantity, unit_price, '
                'vat_rate, total) VALUES (1, $1, $2, $3, $4, $5, 1, $6, $7, $6)',
                [(order_id, product['id'], position, product['sku'], product['name'], product['price'],
                  product['vat_rate']) for position, product in enumerate(products)])
            await db.execute('INSERT INTO log_entry (shop_id, order_id, order_code, kind, actor, message, data, '
                             'created_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7)',
                             order_id, f'RAW-{number}', 'order.placed', 'customer', f'Order RAW-{number} placed',
                             json.dumps({'total': '75.85'}), now)
            await db.executemany(
                'INSERT INTO outbox_message (shop_id, order_id, order_code, event_id, channel, event, template, '
                "recipient, payload, state, attempts, next_attempt_at, leased_by, last_error, created_at) "
                "VALUES (1, $1, $2, $3, 'mail', 'order.created', '', '', $4, 'pending', 0, $5, '', '', $5)",
                [(order_id, f'RAW-{number}', uuid.uuid4().hex, json.dumps({'order_code': f'RAW-{number}'}), now)
                 for _ in range(outbox_per_order)])
    elapsed = time.perf_counter() - start
    await db.close()
    return elapsed


async def compare_postgres(url: str, n: int, rounds: int) -> tuple[float, float, int, float]:
    """Both writers in one database (the shop's numbers keep their orders apart), alternating rounds; then
    CONCURRENT checkouts at once through a pool of as many connections."""
    await prepare(f'{url}?maxsize={CONCURRENT}')
    await tortoise_seconds(50)  # warm-up
    outbox_per_order = await OutboxMessage.all().count() // 50
    orm_seconds = raw_total = 0.0
    for _ in range(rounds):
        orm_seconds += await tortoise_seconds(n // rounds)
        raw_total += await raw_postgres_seconds(url, n // rounds, outbox_per_order)
    concurrent = n / await tortoise_seconds(n, at_once=CONCURRENT)
    await Tortoise.close_connections()
    return n / orm_seconds, n / raw_total, outbox_per_order, concurrent


async def compare(folder: Path, n: int, rounds: int) -> tuple[float, float, int]:
    """Alternate rounds of both writers so that machine noise hits both alike; total orders/s of each."""
    await prepare(f'sqlite://{folder / "raw.sqlite3"}')
    await Tortoise.close_connections()
    await prepare(f'sqlite://{folder / "orm.sqlite3"}')
    await tortoise_seconds(50)  # warm-up
    outbox_per_order = await OutboxMessage.all().count() // 50
    orm_seconds = raw_total = 0.0
    for _ in range(rounds):
        orm_seconds += await tortoise_seconds(n // rounds)
        raw_total += raw_seconds(folder / 'raw.sqlite3', n // rounds, outbox_per_order)
    await Tortoise.close_connections()
    return n / orm_seconds, n / raw_total, outbox_per_order


def report(orm: float, raw: float, raw_name: str) -> None:
    ratio = orm / raw
    print(f'place_order (Tortoise): {orm:8.0f} orders/s')
    print(f'{raw_name + ":":23} {raw:8.0f} orders/s')
    print(f'ratio: {ratio:.2f} (goal >= {GOAL}: {"met" if ratio >= GOAL else "NOT met"}; '
          f'ratio/goal = {ratio / GOAL:.2f})')


def main() -> None:
    arguments = parse_arguments(__doc__.splitlines()[0], 5000, 'orders per writer (default 5,000)')
    with postgres_url(arguments) as url:
        if url:
            orm, raw, outbox_per_order, concurrent = asyncio.run(compare_postgres(url, arguments.n, rounds=5))
    if url:
        print(f'orders: {arguments.n}, 3 lines and {outbox_per_order} outbox rows each, PostgreSQL (asyncpg), '
              'one transaction per order')
        report(orm, raw, 'raw asyncpg')
        print(f'(extra) place_order, {CONCURRENT} checkouts at once: {concurrent:8.0f} orders/s')
        return
    with tempfile.TemporaryDirectory() as folder:
        orm, raw, outbox_per_order = asyncio.run(compare(Path(folder), arguments.n, rounds=5))
    print(f'orders: {arguments.n}, 3 lines and {outbox_per_order} outbox rows each, SQLite WAL synchronous=NORMAL')
    report(orm, raw, 'raw sqlite3')


if __name__ == '__main__':
    main()
