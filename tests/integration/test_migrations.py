"""Schema migrations (migrations/): they match the models, upgrade a database of the previous schema with its
orders intact, and build the same schema as the models on SQLite and PostgreSQL."""

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tortoise import Tortoise, connections
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationTarget

from domain.models import Order
from domain.sql import fetch, for_dialect
from integrations.database import tortoise_config
from integrations.schema_migrations import APP, APPS, Migrator, migrate_database, pending_migrations
from integrations.search_index import ensure_order_search_index
from tests.integration.test_backup import ROOT


@pytest.fixture(params=['sqlite', 'postgres'])
def new_url(request, tmp_path) -> Callable[[str], str]:
    """A function giving the URL of a new, empty database of the parameter's kind."""
    if request.param == 'sqlite':
        return lambda name: f'sqlite://{tmp_path}/{name}.sqlite3'
    server = request.getfixturevalue('postgres_server')
    return lambda _: server.database()


async def open_empty(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


def committed_migrations() -> list[str]:
    executor = Migrator(None, APPS)
    executor.loader.load_disk()
    return sorted(key.name for key in executor.loader.disk_migrations)


async def database_at_previous_schema() -> None:
    """The schema before the newest migration; with only the initial one, a database made before Orderly had
    migrations (generate_schemas, no migration history)."""
    names = committed_migrations()
    executor = Migrator(connections.get('default'), APPS)
    if len(names) > 1:
        await executor.migrate([MigrationTarget(APP, names[-2])])
    else:
        await executor.migrate()
        await connections.get('default').execute_script('DROP TABLE tortoise_migrations')


async def columns() -> dict[str, set[str]]:
    connection = connections.get('default')
    if connection.capabilities.dialect == 'sqlite':
        tables = await fetch(connection, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'order_search%' "
                                         "AND name != 'tortoise_migrations'")
        return {table['name']: {f"{c['name']} {c['type']} {c['notnull']}"
                                for c in await fetch(connection, f'PRAGMA table_info("{table["name"]}")')}
                for table in tables}
    rows = await fetch(connection, 'SELECT table_name, column_name, data_type, is_nullable '
                                   'FROM information_schema.columns WHERE table_schema = current_schema() '
                                   "AND table_name != 'tortoise_migrations'")
    schema: dict[str, set[str]] = {}
    for row in rows:
        schema.setdefault(row['table_name'], set()).add(f"{row['column_name']} {row['data_type']} "
                                                        f"{row['is_nullable']}")
    return schema


async def indexes() -> set[str]:
    connection = connections.get('default')
    if connection.capabilities.dialect == 'sqlite':
        rows = await fetch(connection, "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                       "AND name NOT LIKE 'order_s%' AND tbl_name != 'tortoise_migrations'")
        return {' '.join(row['sql'].split()) for row in rows}
    rows = await fetch(connection, "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                   "AND indexname NOT LIKE 'order_s%' AND tablename != 'tortoise_migrations'")
    return {row['indexdef'] for row in rows}


async def insert(table: str, **values) -> int:
    """A row of `table` as the schema of the moment has it: `values`, and a plain value for every other
    required column (a migration test cannot use today's models on yesterday's tables)."""
    connection = connections.get('default')
    if connection.capabilities.dialect == 'sqlite':
        info = await fetch(connection, f'PRAGMA table_info("{table}")')
        required = {c['name']: c['type'].lower() for c in info if c['notnull'] and not c['pk']}
    else:
        info = await fetch(connection, 'SELECT column_name, data_type, is_nullable, column_default '
                                       'FROM information_schema.columns WHERE table_schema = current_schema() '
                                       'AND table_name = ?', table)
        required = {c['column_name']: c['data_type'] for c in info
                    if c['is_nullable'] == 'NO' and not (c['column_default'] or '').startswith('nextval')}
    row = {name: _plain_value(kind) for name, kind in required.items() if name not in values} | values
    if connection.capabilities.dialect == 'sqlite':  # Tortoise keeps decimals as text there
        row = {name: str(value) if isinstance(value, Decimal) else value for name, value in row.items()}
    names = ', '.join(f'"{name}"' for name in row)
    marks = ', '.join('?' for _ in row)
    sql = for_dialect(f'INSERT INTO "{table}" ({names}) VALUES ({marks}) RETURNING id', connection.capabilities.dialect)
    rows = await connection.execute_query_dict(sql, list(row.values()))  # execute_query drops an INSERT's rows
    return rows[0]['id']


def _plain_value(kind: str) -> object:
    if 'time' in kind:
        return datetime.now(UTC)
    if 'int' in kind:
        return 0
    if 'bool' in kind:
        return False
    if 'numeric' in kind or 'decimal' in kind:
        return Decimal(0)
    if 'json' in kind:
        return '[]'
    return ''


async def test_upgrade_keeps_the_orders_of_a_database_of_the_previous_schema(new_url):
    await open_empty(new_url('previous'))
    try:
        await database_at_previous_schema()
        shop = await insert('shop', name='Old shop', code_prefix='OLD', currency='EUR', next_order_number=1002,
                            shipping_cost=Decimal('4.95'), shipping_vat_rate=Decimal(21))
        order = await insert('order', shop_id=shop, number=1001, code='OLD-1001-XY', token='t' * 43,
                             idempotency_key='k1', status='processing', customer_name='Ada Lovelace',
                             email='ada@example.com', delivery_method='pickup', currency='EUR', line_count=2,
                             item_count=3, subtotal=Decimal('12.50'), shipping_cost=Decimal(0),
                             vat_total=Decimal('2.17'), total=Decimal('12.50'))
        for position, (name, quantity) in enumerate([('Espresso', 2), ('Tea', 1)]):
            await insert('order_line', shop_id=shop, order_id=order, position=position, sku=name.lower(),
                         name=name, quantity=quantity, unit_price=Decimal('4.1667'), vat_rate=Decimal(21),
                         total=Decimal('6.25'))
        assert await pending_migrations() == committed_migrations()[-1:]

        applied = await migrate_database()

        assert applied == committed_migrations()[1:][-1:]  # without a history, the initial one is only recorded
        assert await pending_migrations() == []
        migrated = await Order.get(code='OLD-1001-XY').prefetch_related('lines', 'shop')
        assert (migrated.shop.name, migrated.customer_name, migrated.total) == ('Old shop', 'Ada Lovelace',
                                                                                 Decimal('12.50'))
        assert sorted((line.name, line.quantity) for line in migrated.lines) == [('Espresso', 2), ('Tea', 1)]
        upgraded_columns, upgraded_indexes = await columns(), await indexes()
    finally:
        await Tortoise.close_connections()
    await open_empty(new_url('fresh'))
    try:
        await migrate_database()  # a new database: the models' tables
        assert (upgraded_columns, upgraded_indexes) == (await columns(), await indexes())
    finally:
        await Tortoise.close_connections()


async def test_migrations_replayed_build_the_schema_of_the_models(new_url):
    await open_empty(new_url('replayed'))
    try:
        applied = await migrate_database(replay=True)
        assert applied == committed_migrations()
        assert await pending_migrations() == []
        replayed = await columns(), await indexes()
    finally:
        await Tortoise.close_connections()
    await open_empty(new_url('generated'))
    try:
        await Tortoise.generate_schemas()
        await ensure_order_search_index()
        assert replayed == (await columns(), await indexes())
        assert len(replayed[0]) > 20 and any('(shop_id, created_at)' in index.replace('"', '') for index in replayed[1])
    finally:
        await Tortoise.close_connections()


async def test_committed_migrations_describe_the_models(db):
    """A model changed without a migration fails here: run `tortoise makemigrations` and commit the file."""
    changes = await MigrationAutodetector(Tortoise.apps, APPS).changes()
    assert [operation.describe() for writer in changes for operation in writer.operations] == []


async def test_a_second_start_applies_nothing(db):
    assert await migrate_database() == []
    assert await pending_migrations() == []


def test_instances_starting_together_on_postgresql_migrate_once(postgres_server, tmp_path):
    url = postgres_server.database()
    commands = [subprocess.Popen([sys.executable, 'main.py', 'migrate'], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env={'PATH': '/usr/bin:/bin', 'ORDERLY_DATABASE_URL': url,
                                      'ORDERLY_DATA_DIR': str(tmp_path / f'instance-{number}')})
                for number in (1, 2)]
    outputs = [command.communicate(timeout=90) for command in commands]
    assert [command.returncode for command in commands] == [0, 0], [error[-2000:] for _, error in outputs]
    answers = sorted(output.strip() for output, _ in outputs)
    assert answers == sorted([f'Applied {", ".join(committed_migrations())}.', 'The database is up to date.'])
    recorded = postgres_server.sql('SELECT name FROM tortoise_migrations ORDER BY name', database=url.rsplit('/', 1)[1])
    assert recorded.split() == committed_migrations()


async def test_upgrade_moves_an_invoice_iban_to_the_one_iban_of_the_payment_settings(new_url):
    """0003: invoices and bank transfers share one IBAN; an IBAN kept only in the invoice settings is not lost."""
    await open_empty(new_url('iban'))
    try:
        await Migrator(connections.get('default'), APPS).migrate([MigrationTarget(APP,
                                                                  '0002_customer_accounts_and_settings')])
        shops = {}
        for prefix, invoice_iban, payment_iban in [('A', 'BE68539007547034', ''), ('B', 'BE71096123456769', None),
                                                   ('C', 'NL91ABNA0417164300', 'BE68539007547034')]:
            shops[prefix] = await insert('shop', name=f'Shop {prefix}', code_prefix=prefix, currency='EUR')
            await insert('invoice_settings', shop_id=shops[prefix], iban=invoice_iban)
            if payment_iban is not None:
                await insert('payment_settings', shop_id=shops[prefix], iban=payment_iban, provider='demo')
        await migrate_database()
        rows = await fetch(connections.get('default'), 'SELECT shop_id, iban FROM payment_settings')
        assert {row['shop_id']: row['iban'] for row in rows} == {
            shops['A']: 'BE68539007547034', shops['B']: 'BE71096123456769', shops['C']: 'BE68539007547034'}
    finally:
        await Tortoise.close_connections()
