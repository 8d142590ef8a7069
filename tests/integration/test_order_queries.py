"""The orders grid's query on a real SQLite file: order, paging, sorting, filters, search and its FTS index."""

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise import connections

from domain.checkout import place_order
from domain.models import Order, Product, Shop
from domain.order_codes import format_order_code
from domain.order_queries import order_row, orders_page
from domain.schemas import parse_checkout
from domain.sql import fetch, insert_rows
from domain.statuses import OrderStatus
from integrations.search_index import ensure_order_search_index

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def indexed_shop(shop) -> Shop:
    await ensure_order_search_index()
    return shop


async def add_order(shop: Shop, *, name: str = 'Ann Peeters', email: str = 'ann@example.com', total: str = '10.00',
                    status: OrderStatus = OrderStatus.ORDER_RECEIVED, created_at: datetime = T0,
                    is_test: bool = False) -> Order:
    """An order written as the checkout writes it (raw multi-row INSERT), with the number taken from the shop."""
    connection = connections.get('default')
    rows = await fetch(connection, 'UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = ? '
                                   'RETURNING next_order_number', shop.id)
    number = rows[0]['next_order_number'] - 1
    await insert_rows(connection, 'order', [{
        'shop_id': shop.id, 'number': number, 'code': format_order_code(shop.code_prefix, number),
        'token': secrets.token_urlsafe(32), 'idempotency_key': secrets.token_urlsafe(18), 'version': 1,
        'status': status, 'is_test': is_test, 'customer_name': name, 'email': email, 'phone': '', 'vat_number': '',
        'delivery_method': 'shipping', 'street': '', 'postal_code': '', 'city': '', 'country': '', 'note': '',
        'reference': '', 'currency': shop.currency, 'subtotal': Decimal(total), 'shipping_cost': Decimal(0),
        'vat_total': Decimal(0), 'total': Decimal(total), 'line_count': 1, 'item_count': 2,
        'created_at': created_at, 'updated_at': created_at}])
    return await Order.get(shop_id=shop.id, number=number)


async def codes(**query) -> list[str]:
    return [row.code for row in (await orders_page(query.pop('shop_id', 1), **query)).rows]


async def test_newest_order_comes_first(indexed_shop):
    old = await add_order(indexed_shop, created_at=T0)
    new = await add_order(indexed_shop, created_at=T0 + timedelta(days=2))
    middle = await add_order(indexed_shop, created_at=T0 + timedelta(days=1))
    assert await codes(shop_id=indexed_shop.id) == [new.code, middle.code, old.code]
    assert await codes(shop_id=indexed_shop.id, descending=False) == [old.code, middle.code, new.code]


async def test_pages_are_stable_and_total_counts_every_order(indexed_shop):
    # Groups of five orders share a moment: only the id can keep them in place across pages.
    orders = [await add_order(indexed_shop, created_at=T0 + timedelta(hours=i // 5)) for i in range(60)]
    expected = [o.code for o in sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)]
    pages = [await orders_page(indexed_shop.id, page=page) for page in (1, 2, 3, 4)]
    assert [page.total for page in pages] == [60, 60, 60, 60]
    assert [len(page.rows) for page in pages] == [25, 25, 10, 0]
    assert [row.code for page in pages for row in page.rows] == expected  # page 3 is read from the other end
    assert [row.code for row in (await orders_page(indexed_shop.id, page=2, descending=False)).rows] == \
        expected[::-1][25:50]


async def test_sort_by_total_is_numeric_both_ways(indexed_shop):
    for total in ('9.50', '100.00', '25.00', '9.50'):
        await add_order(indexed_shop, total=total)
    page = await orders_page(indexed_shop.id, sort='total', descending=False)
    assert [row.total for row in page.rows] == [Decimal('9.50'), Decimal('9.50'), Decimal('25.00'), Decimal('100.00')]
    assert page.rows[0].id < page.rows[1].id  # equal totals: by id
    page = await orders_page(indexed_shop.id, sort='total')
    assert [row.total for row in page.rows] == [Decimal('100.00'), Decimal('25.00'), Decimal('9.50'), Decimal('9.50')]


async def test_sort_by_status_then_time_both_ways(indexed_shop):
    shipped = await add_order(indexed_shop, status=OrderStatus.SHIPPED, created_at=T0)
    cancelled_old = await add_order(indexed_shop, status=OrderStatus.CANCELLED, created_at=T0)
    cancelled_new = await add_order(indexed_shop, status=OrderStatus.CANCELLED, created_at=T0 + timedelta(hours=1))
    assert await codes(shop_id=indexed_shop.id, sort='status', descending=False) == [
        cancelled_old.code, cancelled_new.code, shipped.code]
    assert await codes(shop_id=indexed_shop.id, sort='status') == [
        shipped.code, cancelled_new.code, cancelled_old.code]


async def test_status_filter_shows_only_that_status_and_counts_it(indexed_shop):
    for index in range(5):
        await add_order(indexed_shop, status=OrderStatus.SHIPPED if index % 2 else OrderStatus.COMPLETED)
    page = await orders_page(indexed_shop.id, status=OrderStatus.SHIPPED)
    assert page.total == 2 and {row.status for row in page.rows} == {OrderStatus.SHIPPED}
    assert (await orders_page(indexed_shop.id, status=OrderStatus.CANCELLED)).total == 0


@pytest.fixture
async def customers(indexed_shop) -> dict[str, Order]:
    return {
        'ann': await add_order(indexed_shop, name='Ann Peeters', email='ann.peeters@telenet.be'),
        'jan': await add_order(indexed_shop, name='Jan Janssens', email='jj@example.com'),
        'zoe': await add_order(indexed_shop, name='Zoë Maes', email='zoe.maes@gmail.com'),
    }


@pytest.mark.parametrize(('search', 'who'), [
    ('peet', ['ann']),  # a name fragment
    ('PEETERS', ['ann']),  # any case
    ('@example.c', ['jan']),  # an e-mail fragment
    ('MAES@GMAIL', ['zoe']),
    ('  janssens ', ['jan']),  # stripped
    ('zoë', ['zoe']),  # accents
    ('ee', ['ann']),  # too short for trigrams: the LIKE fallback
    ('j', ['jan']),
    ('%', []),  # a LIKE wildcard is just a character
    ('nobody', []),
])
async def test_search_finds_name_and_email_fragments(customers, search, who):
    page = await orders_page(1, search=search)
    assert [row.code for row in page.rows] == [customers[name].code for name in who]
    assert page.total == len(who)


async def test_search_finds_an_order_by_full_or_partial_code_or_number(customers):
    zoe = customers['zoe']  # DEMO-1003-..
    assert await codes(search=zoe.code) == [zoe.code]
    assert await codes(search=zoe.code.lower()) == [zoe.code]
    assert await codes(search='demo-1003') == [zoe.code]
    assert await codes(search='1003') == [zoe.code]
    assert await codes(search=' 1003 ') == [zoe.code]
    assert sorted(await codes(search='DEMO-100')) == sorted(order.code for order in customers.values())
    assert await codes(search='DEMO-1004') == []


async def test_search_combines_with_status_and_pages(indexed_shop):
    for index in range(30):
        await add_order(indexed_shop, name=f'Peeters {index}', status=OrderStatus.SHIPPED if index < 27 else
                        OrderStatus.CANCELLED, created_at=T0 + timedelta(minutes=index))
    await add_order(indexed_shop, name='Someone Else', status=OrderStatus.SHIPPED)
    page = await orders_page(indexed_shop.id, search='peeters', status=OrderStatus.SHIPPED, page=2)
    assert page.total == 27
    assert [row.customer_name for row in page.rows] == ['Peeters 1', 'Peeters 0']


async def test_another_shops_orders_never_appear(customers, indexed_shop):
    other = await Shop.create(name='Other', code_prefix='OTHR')
    theirs = await add_order(other, name='Ann Peeters', email='ann.peeters@telenet.be')
    await add_order(other, name='Ee Jan', email='1001@example.com')
    assert (await orders_page(indexed_shop.id)).total == 3
    assert await codes(search='peeters') == [customers['ann'].code]
    assert await codes(search='ee') == [customers['ann'].code]
    assert await codes(search='1001') == [customers['ann'].code]  # their e-mail holds our order number
    assert await codes(search=theirs.code) == []
    assert await codes(shop_id=other.id, search='peeters') == [theirs.code]
    assert await order_row(indexed_shop.id, theirs.id) is None


async def test_search_index_follows_renames_and_deletions(customers):
    ann, jan = customers['ann'], customers['jan']
    await Order.filter(id=ann.id).update(customer_name='Ann Wouters', email='ann@proximus.be')
    assert await codes(search='peeters') == []
    assert await codes(search='wouters') == [ann.code]
    assert await codes(search='proximus') == [ann.code]
    await Order.filter(id=ann.id).update(status=OrderStatus.SHIPPED)  # not a searched column: index untouched
    assert await codes(search='wouters') == [ann.code]
    await Order.filter(id=jan.id).delete()
    assert await codes(search='janssens') == []
    assert (await orders_page(1)).total == 2


async def test_orders_placed_at_the_checkout_are_searchable(indexed_shop):
    filters = await Product.get(shop_id=indexed_shop.id, sku='FLT-100')
    placed = await place_order(shop=indexed_shop, form=parse_checkout({
        'name': 'Lotte Claes', 'email': 'lotte@skynet.be', 'street': 'Kerkstraat 1', 'postal_code': '9000',
        'city': 'Gent', 'lines': [{'product_id': filters.id, 'quantity': 3}],
        'idempotency_key': secrets.token_urlsafe(18)}))
    page = await orders_page(indexed_shop.id, search='skynet')
    assert [(row.code, row.customer_name, row.item_count) for row in page.rows] == [
        (placed.code, 'Lotte Claes', 3)]


async def test_orders_from_before_the_index_are_backfilled(shop):
    ann = await add_order(shop, name='Ann Peeters')
    await ensure_order_search_index()
    await ensure_order_search_index()  # idempotent
    assert await codes(search='peeters') == [ann.code]
    jan = await add_order(shop, name='Jan Janssens')
    assert await codes(search='janssens') == [jan.code]


async def test_page_size_and_page_are_clamped_and_unknown_sort_is_by_time(indexed_shop):
    orders = [await add_order(indexed_shop, created_at=T0 + timedelta(minutes=i)) for i in range(30)]
    assert len((await orders_page(indexed_shop.id, page_size=7)).rows) == 25
    assert len((await orders_page(indexed_shop.id, page_size=1000)).rows) == 25
    assert len((await orders_page(indexed_shop.id, page_size=50)).rows) == 30
    assert await codes(shop_id=indexed_shop.id, page=0, page_size=100, sort='email; DROP TABLE shop') == [
        o.code for o in reversed(orders)]
    assert await codes(shop_id=indexed_shop.id, page=-3) == [o.code for o in reversed(orders)][:25]


async def test_order_row_is_plain_data_of_that_order(indexed_shop):
    order = await add_order(indexed_shop, name='Ann Peeters', total='71.35', status=OrderStatus.AWAITING_PAYMENT,
                            is_test=True)
    row = await order_row(indexed_shop.id, order.id)
    assert row is not None
    assert (row.id, row.code, row.customer_name, row.email, row.item_count, row.total, row.currency, row.status,
            row.is_test, row.version) == (order.id, order.code, 'Ann Peeters', 'ann@example.com', 2,
                                          Decimal('71.35'), 'EUR', OrderStatus.AWAITING_PAYMENT, True, 1)
    assert row.created_at == T0 and row.created_at.tzinfo is not None
    assert await order_row(indexed_shop.id, order.id + 1) is None
