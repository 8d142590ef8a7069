"""`python main.py backup PATH`: SQLite's online backup gives a consistent copy while orders are being placed;
`python main.py migrate` applies the migrations; PostgreSQL is pointed to pg_dump."""

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

from domain.checkout import place_order
from domain.models import Product
from integrations.backup import backup_sqlite
from tests.conftest import sqlite_only
from tests.integration.test_place_order import checkout

ROOT = Path(__file__).parents[2]


def orderly(*arguments: str, data_dir: Path, **settings: str) -> subprocess.CompletedProcess:
    environment = {'PATH': '/usr/bin:/bin', 'ORDERLY_DATA_DIR': str(data_dir),
                   **{f'ORDERLY_{name.upper()}': value for name, value in settings.items()}}
    return subprocess.run([sys.executable, 'main.py', *arguments], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=60)


@sqlite_only
async def test_backup_while_orders_are_placed_holds_every_committed_order_complete(shop, tmp_path):
    await Product.filter(shop_id=shop.id).update(stock=1_000_000)
    products = [product.id for product in await Product.filter(shop_id=shop.id).limit(3)]
    for _ in range(300):  # enough pages that the copy takes a while
        await place_order(shop=shop, form=checkout(*[(product, 1) for product in products]))
    committed = {row[0] for row in sqlite3.connect(tmp_path / 'orderly.sqlite3').execute('SELECT code FROM "order"')}
    placing = True

    async def keep_placing() -> int:
        placed = 0
        while placing:
            await place_order(shop=shop, form=checkout(*[(product, 1) for product in products]))
            placed += 1
        return placed
    writer = asyncio.create_task(keep_placing())
    await asyncio.sleep(0.05)
    copied = await asyncio.to_thread(backup_sqlite, tmp_path / 'orderly.sqlite3', tmp_path / 'backup' / 'copy.db')
    placing = False
    placed_meanwhile = await writer

    copy = sqlite3.connect(tmp_path / 'backup' / 'copy.db')
    assert copy.execute('PRAGMA integrity_check').fetchall() == [('ok',)]
    assert copy.execute('PRAGMA journal_mode').fetchone() == ('delete',)  # one file, nothing beside it
    codes = {row[0] for row in copy.execute('SELECT code FROM "order"')}
    assert committed <= codes and len(codes) == copied
    incomplete = copy.execute('SELECT COUNT(*) FROM "order" o WHERE o.line_count != '
                              '(SELECT COUNT(*) FROM order_line l WHERE l.order_id = o.id)').fetchone()[0]
    assert incomplete == 0  # as of one commit: no order without its lines
    assert placed_meanwhile > 0 and sorted((tmp_path / 'backup').iterdir()) == [tmp_path / 'backup' / 'copy.db']


def test_migrate_and_backup_commands(tmp_path):
    migrated = orderly('migrate', data_dir=tmp_path / 'data')
    names = sorted(path.stem for path in (Path(__file__).parents[2] / 'migrations').glob('0*.py'))
    assert len(names) >= 2 and names[0] == '0001_initial'
    assert (migrated.returncode, migrated.stdout.strip()) == (0, f'Applied {", ".join(names)}.'), migrated.stderr

    backup = orderly('backup', str(tmp_path / 'copy.sqlite3'), data_dir=tmp_path / 'data')
    assert backup.returncode == 0 and 'integrity check ok' in backup.stdout, backup.stderr
    tables = sqlite3.connect(tmp_path / 'copy.sqlite3').execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert {'order', 'order_line', 'tortoise_migrations'} <= {row[0] for row in tables}


def test_backup_of_postgresql_points_to_pg_dump_without_showing_the_password(tmp_path):
    answer = orderly('backup', str(tmp_path / 'copy.dump'), data_dir=tmp_path / 'data',
                     database_url='postgres://orderly:s3cret-pass@db.internal:5432/orderly')
    assert answer.returncode == 2
    assert 'pg_dump --format=custom' in answer.stdout and 'postgres://orderly@db.internal:5432/orderly' in answer.stdout
    assert 's3cret-pass' not in answer.stdout + answer.stderr and not (tmp_path / 'copy.dump').exists()
