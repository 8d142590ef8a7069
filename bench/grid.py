"""Server time of the merchant's orders grid (`orders_page`) at 100,000 orders: median per query, limit 20 ms.

Builds a temporary SQLite database with N orders (3 lines each) for one shop, spread over a year, written with
raw sqlite3 through the search index's triggers, then times each grid query many times through Tortoise.
    python bench/grid.py [N]
"""

import asyncio
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from domain.order_codes import format_order_code
from domain.order_queries import orders_page
from domain.seed import ensure_demo_shop
from domain.statuses import OrderStatus
from integrations.database import open_database
from integrations.search_index import ensure_order_search_index

LIMIT_MS = 20
REPETITIONS = 200
FIRST = ['Ann', 'Jan', 'Els', 'Pieter', 'Sofie', 'Tom', 'Lotte', 'Wout', 'Marie', 'Bram', 'Julie', 'Koen', 'Eva',
         'Lucas', 'Nina', 'Thomas', 'Sarah', 'Arne', 'Hanne', 'Ruben', 'Emma', 'Jonas', 'Lien', 'Stijn', 'Zoë']
LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet',
        'Dubois', 'Lambert', 'Dupont', 'Martens', 'Vermeulen', 'Hermans', 'Van Damme', 'Lemmens', 'Aerts', 'Leroy']
DOMAINS = ['gmail.com', 'telenet.be', 'outlook.com', 'hotmail.com', 'proximus.be', 'skynet.be', 'icloud.com']
# Most of a year's orders are done; the last weeks' are still moving.
OLD_STATUSES = ([OrderStatus.COMPLETED] * 85 + [OrderStatus.CANCELLED] * 8 + [OrderStatus.SHIPPED] * 7)
NEW_STATUSES = list(OrderStatus)
PRODUCTS = [('COF-ESP-1K', 'Espresso beans, 1 kg', '24.95', '6'), ('MUG-SAG-35', 'Stoneware mug, sage', '14.50', '21'),
            ('FLT-100', 'Paper filters (100)', '6.95', '21'), ('KET-GN-1L', 'Gooseneck kettle 1 l', '59.00', '21')]


def fill(path: Path, n: int) -> None:
    """N orders with 3 lines each, oldest first, in one transaction; the triggers fill the search index."""
    rnd = random.Random(42)
    now = datetime.now(UTC)
    moments = sorted(now - timedelta(seconds=rnd.uniform(0, 365 * 86400)) for _ in range(n))
    orders, lines = [], []
    for index, created in enumerate(moments):
        number = 1001 + index
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        email = f'{first}.{last.replace(" ", "")}{rnd.randint(1, 99)}@{rnd.choice(DOMAINS)}'.lower()
        status = rnd.choice(NEW_STATUSES if now - created < timedelta(days=21) else OLD_STATUSES)
        picked = [(rnd.choice(PRODUCTS), rnd.randint(1, 3)) for _ in range(3)]
        subtotal = sum(float(price) * qty for (_, _, price, _), qty in picked)
        stamp = str(created)  # the text Tortoise and place_order store: '2025-01-31 12:00:00.123456+00:00'
        orders.append((number, number, format_order_code('DEMO', number), secrets.token_urlsafe(32),
                       secrets.token_urlsafe(18), status.value, f'{first} {last}', email, f'{subtotal:.2f}',
                       f'{subtotal + 6.95:.2f}',
                       sum(qty for _, qty in picked), stamp, stamp))
        lines += [(number, position, sku, name, qty, price, rate, f'{float(price) * qty:.2f}')
                  for position, ((sku, name, price, rate), qty) in enumerate(picked)]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('BEGIN')
    db.executemany(
        'INSERT INTO "order" (id, shop_id, number, code, token, idempotency_key, version, status, is_test, '
        'customer_name, email, phone, vat_number, delivery_method, street, postal_code, city, country, note, '
        'reference, currency, subtotal, shipping_cost, vat_total, total, line_count, item_count, created_at, '
        "updated_at) VALUES (?, 1, ?, ?, ?, ?, 1, ?, 0, ?, ?, '', '', 'shipping', 'Kerkstraat 1', '9000', 'Gent', "
        "'BE', '', '', 'EUR', ?, '6.95', '0', ?, 3, ?, ?, ?)", orders)
    db.executemany('INSERT INTO order_line (shop_id, order_id, position, sku, name, quantity, unit_price, vat_rate, '
                   'total) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)', lines)
    db.execute('UPDATE shop SET next_order_number = ? WHERE id = 1', (1001 + n,))
    db.execute('COMMIT')
    db.close()


async def median_ms(**query) -> float:
    await orders_page(1, **query)  # warm-up: statement cache, pages in memory
    times = []
    for _ in range(REPETITIONS):
        start = time.perf_counter()
        await orders_page(1, **query)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def run(folder: Path, n: int) -> None:
    path = folder / 'grid.sqlite3'
    start = time.perf_counter()
    await open_database(f'sqlite://{path}')
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await ensure_order_search_index()  # triggers first, so the bulk insert goes through them
    await Tortoise.close_connections()
    fill(path, n)
    await open_database(f'sqlite://{path}')
    await ensure_order_search_index()  # finds the index complete: no rebuild
    build = time.perf_counter() - start
    deep_page = min(2000, n // 50)
    middle = 1001 + n // 2
    cases = {
        'newest page (page 1, 50 rows)': {'page_size': 50},
        f'page {deep_page:,} (50 rows)': {'page': deep_page, 'page_size': 50},
        'e-mail fragment "ann.peeters"': {'search': 'ann.peeters', 'page_size': 50},
        f'order code {format_order_code("DEMO", middle)}': {'search': format_order_code('DEMO', middle)},
        'status filter "processing"': {'status': OrderStatus.PROCESSING, 'page_size': 50},
        f'(extra) middle page {deep_page // 2:,} (50 rows)': {'page': deep_page // 2, 'page_size': 50},
        '(extra) name fragment "peeters"': {'search': 'peeters', 'page_size': 50},
        '(extra) broad fragment "@telenet.be"': {'search': '@telenet.be', 'page_size': 50},
    }
    print(f'orders: {n:,}, lines: {3 * n:,}, one shop, SQLite {sqlite3.sqlite_version} WAL; build {build:.1f} s '
          '(search index filled by the triggers)')
    print(f'median of {REPETITIONS} runs of orders_page (rows + total), limit {LIMIT_MS} ms:')
    for label, query in cases.items():
        result = await orders_page(1, **query)
        ms = await median_ms(**query)
        print(f'  {label:42} {ms:7.2f} ms  ratio/limit = {ms / LIMIT_MS:.2f}  '
              f'{"ok" if ms <= LIMIT_MS else "SLOW"}  ({len(result.rows)} rows of {result.total:,})')
    await Tortoise.close_connections()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder), n))


if __name__ == '__main__':
    main()
