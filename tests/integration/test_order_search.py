"""What a merchant types into the grid's search: codes however written, cities and tracking codes; and an index made
by an older Orderly is rebuilt to the current definition (SQLite, and PostgreSQL through the `postgres_server`)."""

import pytest
from tortoise import Tortoise, connections

from domain.catalogue import default_shop
from domain.models import Order, Shop
from domain.order_codes import format_order_code
from domain.order_queries import orders_page
from domain.seed import ensure_demo_shop
from domain.sql import fetch
from integrations.database import open_database
from integrations.search_index import ensure_order_search_index
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sqlite_only
from tests.integration.test_order_queries import add_order


async def codes(shop: Shop, search: str) -> list[str]:
    return [row.code for row in (await orders_page(shop.id, search=search, page_size=100)).rows]


async def three_orders(shop: Shop) -> dict[str, Order]:
    orders = {'ann': await add_order(shop, name='Ann Peeters', email='ann@example.com'),
              'jan': await add_order(shop, name='Jan Janssens', email='jan@example.com'),
              'zoe': await add_order(shop, name='Zoë Maes', email='zoe@example.com')}
    # a city set at the checkout and a tracking code set later, both by an UPDATE: the index must follow
    await Order.filter(id=orders['ann'].id).update(city='Antwerpen', reference='3S123456789')
    await Order.filter(id=orders['jan'].id).update(city='Gent', reference='1Z999AA10123456784')
    return orders


async def searches_find_codes_cities_and_tracking_codes(shop: Shop) -> None:
    orders = await three_orders(shop)
    ann, jan, zoe = orders['ann'], orders['jan'], orders['zoe']
    compact = zoe.code.replace('-', '')  # DEMO10037X
    assert await codes(shop, zoe.code.lower()) == [zoe.code]
    assert await codes(shop, compact) == [zoe.code]
    assert await codes(shop, compact.lower()) == [zoe.code]
    assert await codes(shop, zoe.code.replace('-', ' ').lower()) == [zoe.code]
    assert await codes(shop, f'demo{zoe.number}') == [zoe.code]
    assert await codes(shop, 'antwerp') == [ann.code]
    assert await codes(shop, 'GENT') == [jan.code]
    assert await codes(shop, '3s1234') == [ann.code]
    assert await codes(shop, '1Z999AA10123456784') == [jan.code]
    await Order.filter(id=ann.id).update(reference='')
    assert await codes(shop, '3s1234') == []


async def test_search_finds_codes_without_dashes_in_any_case_cities_and_tracking_codes(shop):
    await ensure_order_search_index()
    await searches_find_codes_cities_and_tracking_codes(shop)


OLD_INDEX = [  # the index as Orderly made it before city and reference were searched
    """CREATE VIRTUAL TABLE order_search USING fts5(
        code, customer_name, email, content='order', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER order_search_insert AFTER INSERT ON "order" BEGIN
        INSERT INTO order_search (rowid, code, customer_name, email)
        VALUES (new.id, new.code, new.customer_name, new.email);
    END""",
    """CREATE TRIGGER order_search_delete AFTER DELETE ON "order" BEGIN
        INSERT INTO order_search (order_search, rowid, code, customer_name, email)
        VALUES ('delete', old.id, old.code, old.customer_name, old.email);
    END""",
    """CREATE TRIGGER order_search_update AFTER UPDATE OF code, customer_name, email ON "order" BEGIN
        INSERT INTO order_search (order_search, rowid, code, customer_name, email)
        VALUES ('delete', old.id, old.code, old.customer_name, old.email);
        INSERT INTO order_search (rowid, code, customer_name, email)
        VALUES (new.id, new.code, new.customer_name, new.email);
    END""",
]


@sqlite_only  # FTS5's table and triggers; PostgreSQL's trigram indexes are only ever added
async def test_an_index_made_by_an_older_orderly_is_rebuilt_with_city_and_reference(shop):
    connection = connections.get('default')
    for trigger in ('order_search_insert', 'order_search_delete', 'order_search_update'):  # the shop made today's
        await connection.execute_script(f'DROP TRIGGER IF EXISTS {trigger}')
    await connection.execute_script('DROP TABLE IF EXISTS order_search')
    for statement in OLD_INDEX:
        await connection.execute_script(statement)
    ann = await add_order(shop, name='Ann Peeters')
    await Order.filter(id=ann.id).update(city='Antwerpen', reference='3S123456789')
    await ensure_order_search_index()
    assert await codes(shop, 'antwerp') == [ann.code]
    assert await codes(shop, '3S1234') == [ann.code]
    assert await codes(shop, 'peeters') == [ann.code]
    jan = await add_order(shop, name='Jan Janssens')  # the new triggers index new orders
    assert await codes(shop, 'janssens') == [jan.code]
    await ensure_order_search_index()  # current now: nothing to rebuild, still complete
    assert await codes(shop, 'antwerp') == [ann.code]


async def test_a_search_that_is_no_code_finds_no_code(shop):
    await ensure_order_search_index()
    zoe = (await three_orders(shop))['zoe']
    assert await codes(shop, format_order_code('DEMO', 999)) == []
    assert await codes(shop, f'DEMO{zoe.number}ZZ') == []  # wrong check characters: no order


@pytest.fixture
async def pg_shop(postgres_server) -> Shop:
    await open_database(postgres_server.database())
    try:
        await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
        yield await default_shop()
    finally:
        await Tortoise.close_connections()


async def test_postgres_search_finds_codes_without_dashes_cities_and_tracking_codes(pg_shop):
    await searches_find_codes_cities_and_tracking_codes(pg_shop)
    indexes = {row['indexname'] for row in await fetch(connections.get('default'),
                                                       "SELECT indexname FROM pg_indexes WHERE tablename = 'order'")}
    assert {'order_city_trgm', 'order_reference_trgm'} <= indexes
