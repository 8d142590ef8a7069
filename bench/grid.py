"""Server time of the merchant's orders grid (`orders_page`) at 100,000 orders: median per query, limit 20 ms.

Builds a temporary database with N orders (3 lines each) for one shop, spread over a year, then times each grid query
many times through Tortoise. SQLite (default): written with raw sqlite3 through the search index's triggers.
PostgreSQL: written with COPY into a throwaway server (`--postgres`, Debian's binaries via tests/postgres_server.py)
or into an empty database you name (`--database-url postgres://…`), searched through the pg_trgm indexes.
    python bench/grid.py [N] [--postgres | --database-url URL]
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

from bench.database_choice import parse_arguments, postgres_url
from domain.order_codes import format_order_code
from domain.order_queries import orders_page
from domain.seed import ensure_demo_shop
from domain.sql import fetch
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


ORDER_COLUMNS = ('id', 'shop_id', 'number', 'code', 'token', 'idempotency_key', 'version', 'status', 'is_test',
                 'customer_name', 'email', 'phone', 'vat_number', 'delivery_method', 'street', 'postal_code', 'city',
                 'country', 'note', 'reference', 'currency', 'subtotal', 'shipping_cost', 'vat_total', 'total',
                 'line_count', 'item_count', 'created_at', 'updated_at')
LINE_COLUMNS = ('shop_id', 'order_id', 'position', 'sku', 'name', 'quantity', 'unit_price', 'vat_rate', 'total')


def generate(n: int) -> tuple[list[tuple], list[tuple]]:
    """N orders (rows of ORDER_COLUMNS) with 3 lines each (LINE_COLUMNS), oldest first; amounts as text."""
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
        orders.append((number, 1, number, format_order_code('DEMO', number), secrets.token_urlsafe(32),
                       secrets.token_urlsafe(18), 1, status.value, False, f'{first} {last}', email, '', '',
                       'shipping', 'Kerkstraat 1', '9000', 'Gent', 'BE', '', '', 'EUR', f'{subtotal:.2f}', '6.95',
                       '0', f'{subtotal + 6.95:.2f}', 3, sum(qty for _, qty in picked), created, created))
        lines += [(1, number, position, sku, name, qty, price, rate, f'{float(price) * qty:.2f}')
                  for position, ((sku, name, price, rate), qty) in enumerate(picked)]
    return orders, lines


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'


def fill_sqlite(path: Path, n: int) -> None:
    """The orders in one transaction, with raw sqlite3; the triggers fill the search index."""
    orders, lines = generate(n)
    # the text Tortoise and place_order store: '2025-01-31 12:00:00.123456+00:00'
    orders = [(*row[:-2], str(row[-2]), str(row[-1])) for row in orders]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('BEGIN')
    db.executemany(_insert('order', ORDER_COLUMNS), orders)
    db.executemany(_insert('order_line', LINE_COLUMNS), lines)
    db.execute('UPDATE shop SET next_order_number = ? WHERE id = 1', (1001 + n,))
    db.execute('COMMIT')
    db.close()


async def fill_postgres(n: int) -> None:
    """The orders with COPY on Tortoise's own asyncpg connection; PostgreSQL keeps its trigram indexes itself."""
    orders, lines = generate(n)
    connection = Tortoise.get_connection('default')
    async with connection.acquire_connection() as raw:
        await raw.copy_records_to_table('order', records=orders, columns=ORDER_COLUMNS)
        await raw.copy_records_to_table('order_line', records=lines, columns=LINE_COLUMNS)
        await raw.execute('UPDATE shop SET next_order_number = $1 WHERE id = 1', 1001 + n)
        await raw.execute("SELECT setval(pg_get_serial_sequence('\"order\"', 'id'), $1)", n)
        await raw.execute('VACUUM ANALYZE "order"')  # fresh statistics and visibility map, as autovacuum would make
        await raw.execute('VACUUM ANALYZE order_line')


async def median_ms(**query) -> float:
    await orders_page(1, **query)  # warm-up: statement cache, pages in memory
    times = []
    for _ in range(REPETITIONS):
        start = time.perf_counter()
        await orders_page(1, **query)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def build_sqlite(folder: Path, n: int) -> str:
    path = folder / 'grid.sqlite3'
    await open_database(f'sqlite://{path}')
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await ensure_order_search_index()  # triggers first, so the bulk insert goes through them
    await Tortoise.close_connections()
    fill_sqlite(path, n)
    await open_database(f'sqlite://{path}')
    await ensure_order_search_index()  # finds the index complete: no rebuild
    return f'SQLite {sqlite3.sqlite_version} WAL (search index filled by the triggers)'


async def build_postgres(url: str, n: int) -> str:
    await open_database(url)  # the schema with the pg_trgm indexes
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await fill_postgres(n)
    version = (await fetch(Tortoise.get_connection('default'), 'SHOW server_version'))[0]['server_version']
    return f'PostgreSQL {version} (pg_trgm GIN indexes on code, name, e-mail)'


async def run(folder: Path, n: int, database_url: str) -> None:
    start = time.perf_counter()
    described = await (build_postgres(database_url, n) if database_url else build_sqlite(folder, n))
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
    print(f'orders: {n:,}, lines: {3 * n:,}, one shop, {described}; build {build:.1f} s')
    print(f'median of {REPETITIONS} runs of orders_page (rows + total), limit {LIMIT_MS} ms:')
    for label, query in cases.items():
        result = await orders_page(1, **query)
        ms = await median_ms(**query)
        print(f'  {label:42} {ms:7.2f} ms  ratio/limit = {ms / LIMIT_MS:.2f}  '
              f'{"ok" if ms <= LIMIT_MS else "SLOW"}  ({len(result.rows)} rows of {result.total:,})')
    await Tortoise.close_connections()


def main() -> None:
    arguments = parse_arguments(__doc__.splitlines()[0], 100_000, 'orders (default 100,000)')
    with postgres_url(arguments) as url, tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder), arguments.n, url))


if __name__ == '__main__':
    main()
