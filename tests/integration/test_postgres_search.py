"""The orders grid's fragment search on PostgreSQL: pg_trgm GIN indexes answer it, case-insensitively, and a `%` or
`_` in the search is a character, not a wildcard. Always runs on PostgreSQL (the `postgres_server` fixture)."""

import asyncio
from hashlib import md5

import pytest
from tortoise import Tortoise, connections

from domain.catalogue import default_shop
from domain.models import Shop
from domain.order_queries import order_filter, orders_page
from domain.seed import ensure_demo_shop
from domain.sql import fetch, for_dialect
from integrations.database import open_database
from integrations.search_index import ensure_order_search_index
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.integration.test_order_queries import add_order


@pytest.fixture
async def pg_shop(postgres_server) -> Shop:
    await open_database(postgres_server.database())
    try:
        await ensure_demo_shop(admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD)
        yield await default_shop()
    finally:
        await Tortoise.close_connections()


async def codes(shop: Shop, search: str) -> list[str]:
    return [row.code for row in (await orders_page(shop.id, search=search, page_size=100)).rows]


async def test_fragments_of_name_email_and_code_match_whatever_their_case(pg_shop):
    ann = await add_order(pg_shop, name='Ann Peeters', email='ann.peeters@telenet.be')
    jan = await add_order(pg_shop, name='Jan Janssens', email='JAN@Skynet.be')
    assert await codes(pg_shop, 'PEETERS') == [ann.code]
    assert await codes(pg_shop, 'skynet') == [jan.code]
    assert await codes(pg_shop, jan.code[2:9].lower()) == [jan.code]
    assert set(await codes(pg_shop, '.be')) == {ann.code, jan.code}
    assert await codes(pg_shop, 'nobody') == []


async def test_percent_and_underscore_in_a_search_are_characters(pg_shop):
    odd = await add_order(pg_shop, name='Fifty_50 % off', email='odd@example.com')
    await add_order(pg_shop, name='Fifty 50 off', email='plain@example.com')
    assert await codes(pg_shop, 'y_50') == [odd.code]
    assert await codes(pg_shop, '0 % o') == [odd.code]


async def many_orders(shop: Shop, count: int) -> None:
    """`count` more orders, copies of one with their own number, code, name and e-mail, in one statement."""
    await add_order(shop)
    connection = connections.get('default')
    columns = [row['column_name'] for row in await fetch(
        connection, "SELECT column_name FROM information_schema.columns WHERE table_name = 'order' "
                    "AND column_name <> 'id' ORDER BY ordinal_position")]
    own = {'number': 'o.number + g', 'code': "o.code || '-' || g", 'token': 'o.token || g',
           'idempotency_key': 'o.idempotency_key || g', 'customer_name': "'Customer ' || substr(md5(g::text), 1, 12)",
           'email': "substr(md5(g::text), 13, 12) || '@example.com'"}
    await fetch(connection, f'INSERT INTO "order" ({", ".join(columns)}) '
                            f'SELECT {", ".join(own.get(column, "o." + column) for column in columns)} '
                            'FROM "order" o, generate_series(1, ?) g', count)
    await fetch(connection, 'VACUUM ANALYZE "order"')  # as autovacuum would: GIN's pending list into the index


async def test_fragment_search_is_answered_by_the_trigram_indexes(pg_shop):
    await ensure_order_search_index()  # idempotent: the schema has them already
    await many_orders(pg_shop, 5000)
    fragment = md5(b'1234').hexdigest()[3:10].upper()  # of the 1,234th copy's name
    assert len(await codes(pg_shop, fragment)) == 1
    where, values = order_filter(pg_shop.id, fragment, None, 'postgres')
    plan = await fetch(connections.get('default'),
                       for_dialect(f'EXPLAIN SELECT o.id FROM "order" o WHERE {where}', 'postgres'), *values)
    text = '\n'.join(row[0] for row in plan)
    for index in ('order_code_trgm', 'order_customer_name_trgm', 'order_email_trgm'):
        assert f'Bitmap Index Scan on {index}' in text, text


async def test_instances_starting_together_create_the_search_indexes_once_without_failing(pg_shop):
    connection = connections.get('default')
    await fetch(connection, 'DROP EXTENSION pg_trgm CASCADE')  # and with it the trigram indexes
    await asyncio.gather(*(ensure_order_search_index() for _ in range(4)))
    indexes = await fetch(connection, "SELECT indexname FROM pg_indexes WHERE tablename = 'order' "
                                      "AND indexname LIKE '%\\_trgm' ORDER BY indexname")
    assert [row['indexname'] for row in indexes] == ['order_city_trgm', 'order_code_trgm', 'order_customer_name_trgm',
                                                     'order_email_trgm', 'order_reference_trgm']
