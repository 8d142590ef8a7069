"""CSV export of 100,000 orders (`export_orders`): rows/s, peak Python memory, and how long it holds the event loop.

Builds the same database as bench/grid.py (N orders, 3 lines each, one shop), then exports every order, one row per
order and one row per line, into a file as the admin's export does; then again under tracemalloc for the peak.
    python bench/export.py [N]
"""

import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from bench.grid import fill
from domain.catalogue import default_shop
from domain.order_export import ExportLayout, export_orders
from domain.seed import ensure_demo_shop
from domain.statuses import OrderStatus
from integrations.database import open_database
from integrations.search_index import ensure_order_search_index


async def build(path: Path, n: int) -> None:
    await open_database(f'sqlite://{path}')
    await ensure_demo_shop(admin_email='owner@bench.example', admin_password='bench password 123')
    await ensure_order_search_index()  # triggers first, so the bulk insert goes through them
    await Tortoise.close_connections()
    fill(path, n)
    await open_database(f'sqlite://{path}')


async def export(target: Path, layout: ExportLayout, **query) -> tuple[int, int, float, float, float]:
    """Rows written, bytes, seconds, CPU seconds (all threads), and the longest the loop went without a turn (ms)."""
    shop = await default_shop()
    longest_stall, running = 0.0, True

    async def watch_loop() -> None:
        nonlocal longest_stall
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            longest_stall = max(longest_stall, time.perf_counter() - before - 0.005)

    watcher = asyncio.create_task(watch_loop())
    start, cpu = time.perf_counter(), time.process_time()
    with target.open('w', encoding='utf-8', newline='') as file:
        async for chunk in export_orders(shop, layout=layout, **query):
            file.write(chunk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    running = False
    await watcher
    with target.open(encoding='utf-8-sig', newline='') as file:
        rows = sum(1 for _ in file) - 1  # no field holds a line break here
    return rows, target.stat().st_size, seconds, cpu, longest_stall * 1000


async def run(folder: Path, n: int) -> None:
    path = folder / 'export.sqlite3'
    start = time.perf_counter()
    await build(path, n)
    print(f'orders: {n:,}, lines: {3 * n:,}, one shop; build {time.perf_counter() - start:.1f} s')
    print('export into a file; peak = tracemalloc, a second run; loop stall = longest gap of a 5 ms ticker:')
    cases = {
        'every order, one row per order': (ExportLayout.ORDERS, {}),
        'every order, one row per line': (ExportLayout.LINES, {}),
        '(extra) status "processing", per order': (ExportLayout.ORDERS, {'status': OrderStatus.PROCESSING}),
        '(extra) search "peeters", per order': (ExportLayout.ORDERS, {'search': 'peeters'}),
        '(extra) search "e" (LIKE scan), per order': (ExportLayout.ORDERS, {'search': 'e'}),
    }
    for label, (layout, query) in cases.items():
        rows, size, seconds, cpu, stall = await export(folder / 'export.csv', layout, **query)
        tracemalloc.start()
        await export(folder / 'export.csv', layout, **query)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f'  {label:42} {rows:>7,} rows {size / 1e6:5.1f} MB {seconds:6.2f} s {rows / seconds:>7,.0f} rows/s '
              f'(CPU {cpu:5.2f} s)  peak {peak / 1e6:4.1f} MB  longest loop stall {stall:5.1f} ms')
    await Tortoise.close_connections()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder), n))


if __name__ == '__main__':
    main()
