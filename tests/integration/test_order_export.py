"""The CSV export on a real SQLite file: the grid's filter, both layouts, a spreadsheet's reading of the text."""

import csv
import io
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise import connections

from domain import order_export
from domain.checkout import place_order
from domain.models import Order, Product, Shop
from domain.order_codes import format_order_code
from domain.order_export import BOM, ExportLayout, export_orders, header
from domain.order_queries import orders_page
from domain.schemas import parse_checkout
from domain.sql import fetch, insert_rows
from domain.statuses import OrderStatus
from integrations.search_index import ensure_order_search_index

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
LINE = ('FLT-100', 'Paper filters (100)', 2, '6.95', '21.00', '13.90')


@pytest.fixture
async def indexed_shop(shop) -> Shop:
    await ensure_order_search_index()
    return shop


async def add_order(shop: Shop, *, name: str = 'Ann Peeters', email: str = 'ann@example.com',
                    status: OrderStatus = OrderStatus.ORDER_RECEIVED, created_at: datetime = T0,
                    lines: tuple = (LINE,), **columns) -> Order:
    """An order and its lines written as the checkout writes them (raw multi-row INSERTs)."""
    connection = connections.get('default')
    rows = await fetch(connection, 'UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = ? '
                                   'RETURNING next_order_number', shop.id)
    number = rows[0]['next_order_number'] - 1
    await insert_rows(connection, 'order', [{
        'shop_id': shop.id, 'number': number, 'code': format_order_code(shop.code_prefix, number),
        'token': secrets.token_urlsafe(32), 'idempotency_key': secrets.token_urlsafe(18), 'version': 1,
        'status': status, 'is_test': False, 'customer_name': name, 'email': email, 'phone': '', 'vat_number': '',
        'delivery_method': 'shipping', 'street': 'Kerkstraat 1', 'postal_code': '9000', 'city': 'Gent',
        'country': 'BE', 'note': '', 'reference': '', 'currency': shop.currency, 'subtotal': Decimal('13.90'),
        'shipping_cost': Decimal('6.95'), 'vat_total': Decimal('3.62'), 'total': Decimal('20.85'),
        'line_count': len(lines), 'item_count': sum(line[2] for line in lines), 'created_at': created_at,
        'updated_at': created_at, **columns}])
    order = await Order.get(shop_id=shop.id, number=number)
    if lines:
        await insert_rows(connection, 'order_line', [{
            'shop_id': shop.id, 'order_id': order.id, 'product_id': None, 'position': position, 'sku': sku,
            'name': product, 'quantity': quantity, 'unit_price': Decimal(price), 'vat_rate': Decimal(rate),
            'total': Decimal(total)} for position, (sku, product, quantity, price, rate, total) in enumerate(lines)])
    return order


async def export(shop: Shop, **query) -> str:
    return ''.join([chunk async for chunk in export_orders(shop, **query)])


def read(text: str) -> list[dict[str, str]]:
    """The rows as a spreadsheet reads them: BOM first, then CSV."""
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[len(BOM):], newline='')))


async def test_export_is_utf8_with_bom_and_a_header_a_spreadsheet_reads(indexed_shop):
    await add_order(indexed_shop, name='Zoë Maes')
    text = await export(indexed_shop)
    assert text.encode('utf-8').startswith(b'\xef\xbb\xbf')
    assert text.count(BOM) == 1
    reader = csv.reader(io.StringIO(text[1:], newline=''))
    assert next(reader) == header(ExportLayout.ORDERS, 'Europe/Brussels')
    assert next(reader)[3] == 'Zoë Maes'
    assert '\r\n' in text  # the csv module's line ends, which spreadsheets expect


async def test_one_row_per_order_has_every_column_with_dot_amounts_and_the_shops_time(indexed_shop):
    order = await add_order(indexed_shop, name='Ann Peeters', email='ann@example.com', phone='0470 12 34 56',
                            reference='PO 42', status=OrderStatus.SHIPPED, vat_total=Decimal(0),
                            created_at=datetime(2025, 7, 1, 22, 30, 5, 123456, tzinfo=UTC))
    [row] = read(await export(indexed_shop))
    assert row == {
        'Order': order.code, 'Date (Europe/Brussels)': '2025-07-02 00:30:05', 'Status': 'Order shipped',
        'Customer': 'Ann Peeters', 'E-mail': 'ann@example.com', 'Phone': '0470 12 34 56', 'Delivery': 'Shipping',
        'Street': 'Kerkstraat 1', 'Postal code': '9000', 'City': 'Gent', 'Country': 'BE', 'Items': '2',
        'Subtotal': '13.90', 'Shipping': '6.95', 'VAT': '0.00', 'Total': '20.85', 'Currency': 'EUR',
        'Reference': 'PO 42', 'Test order': 'no'}


async def test_one_row_per_order_line_repeats_the_order_columns_that_matter(indexed_shop):
    order = await add_order(indexed_shop, is_test=True, lines=(
        ('COF-ESP-1K', 'Espresso beans, 1 kg', 3, '24.95', '6.00', '74.85'), LINE))
    rows = read(await export(indexed_shop, layout=ExportLayout.LINES))
    assert list(rows[0]) == header(ExportLayout.LINES, 'Europe/Brussels')
    assert [list(row.values()) for row in rows] == [
        [order.code, '2025-03-01 10:00:00', 'Order received', 'Ann Peeters', 'ann@example.com', 'EUR', 'yes',
         'COF-ESP-1K', 'Espresso beans, 1 kg', '3', '24.95', '6', '74.85'],
        [order.code, '2025-03-01 10:00:00', 'Order received', 'Ann Peeters', 'ann@example.com', 'EUR', 'yes',
         'FLT-100', 'Paper filters (100)', '2', '6.95', '21', '13.90']]


async def test_an_order_placed_at_the_checkout_exports_its_exact_amounts(indexed_shop):
    filters = await Product.get(shop_id=indexed_shop.id, sku='FLT-100')
    placed = await place_order(shop=indexed_shop, form=parse_checkout({
        'name': 'Lotte Claes', 'email': 'lotte@skynet.be', 'street': 'Kerkstraat 1', 'postal_code': '9000',
        'city': 'Gent', 'lines': [{'product_id': filters.id, 'quantity': 3}],
        'idempotency_key': secrets.token_urlsafe(18)}))
    order = await Order.get(code=placed.code)
    [row] = read(await export(indexed_shop))
    assert (row['Order'], row['Items'], row['Subtotal'], row['Shipping'], row['VAT'], row['Total']) == (
        placed.code, '3', f'{order.subtotal:.2f}', f'{order.shipping_cost:.2f}', f'{order.vat_total:.2f}',
        f'{order.total:.2f}')
    [line] = read(await export(indexed_shop, layout=ExportLayout.LINES))
    assert (line['SKU'], line['Quantity'], line['Unit price'], line['Line total']) == (
        'FLT-100', '3', f'{filters.price:.2f}', f'{filters.price * 3:.2f}')


@pytest.mark.parametrize(('search', 'status'), [
    ('', None), ('peeters', None), ('ee', None), ('@telenet', None), ('', OrderStatus.SHIPPED),
    ('peeters', OrderStatus.SHIPPED), ('DEMO-100', None), ('1003', None), ('nobody', None),
    ('  peeters ', OrderStatus.CANCELLED),
])
async def test_export_holds_exactly_the_orders_the_grid_shows_for_the_filter(indexed_shop, search, status):
    for index, (name, email) in enumerate([('Ann Peeters', 'ann@telenet.be'), ('Jan Janssens', 'jj@example.com'),
                                           ('Bart Peeters', 'bart@gmail.com'), ('Els Maes', 'els@telenet.be')] * 3):
        await add_order(indexed_shop, name=name, email=email, created_at=T0 + timedelta(hours=index),
                        status=list(OrderStatus)[index % 3 * 2])
    grid = await orders_page(indexed_shop.id, search=search, status=status, page_size=100)
    for layout in ExportLayout:
        rows = read(await export(indexed_shop, search=search, status=status, layout=layout))
        assert [row['Order'] for row in rows] == [row.code for row in grid.rows]  # one line each, newest first


async def test_text_that_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(indexed_shop):
    dangerous = ['=HYPERLINK("http://evil.example","click")', '+32 470 12 34 56', '-2+3', '@SUM(A1:A2)',
                 '\t=1+1', '\r=1+1']
    for text in dangerous:
        await add_order(indexed_shop, name=text, email=text, phone=text[:30], street=text, city=text,
                        reference=text, lines=(('=SKU', text, 1, '1.00', '21', '1.00'),))
    await add_order(indexed_shop, name='Ann = Peeters', email='a-b@example.com', reference='PO-1')
    rows = read(await export(indexed_shop))
    for row, text in zip(reversed(rows[1:]), dangerous, strict=True):
        for column in ('Customer', 'E-mail', 'Street', 'City', 'Reference'):
            assert row[column] == "'" + text
        assert row['Phone'] == "'" + text[:30]
    assert (rows[0]['Customer'], rows[0]['E-mail'], rows[0]['Reference']) == ('Ann = Peeters', 'a-b@example.com',
                                                                             'PO-1')
    lines = read(await export(indexed_shop, layout=ExportLayout.LINES))
    assert {(line['SKU'], line['Product']) for line in lines[1:]} == {("'=SKU", "'" + text) for text in dangerous}


async def test_commas_quotes_and_line_breaks_in_customer_text_stay_in_their_cell(indexed_shop):
    await add_order(indexed_shop, name='Peeters, Ann "the boss"', street='Kerkstraat 1\nbus 2')
    text = await export(indexed_shop)
    assert '"Peeters, Ann ""the boss"""' in text
    [row] = read(text)
    assert (row['Customer'], row['Street'], row['City']) == ('Peeters, Ann "the boss"', 'Kerkstraat 1\nbus 2', 'Gent')


async def test_a_large_export_reads_in_batches_newest_first_with_no_order_twice_or_missing(indexed_shop):
    # Groups of four share a moment, so batches of 7 end inside a group: only the id keeps the place.
    orders = [await add_order(indexed_shop, created_at=T0 + timedelta(minutes=i // 4)) for i in range(30)]
    expected = [o.code for o in sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)]
    progress: list[tuple[int, int]] = []
    chunks = [chunk async for chunk in export_orders(indexed_shop, batch_size=7,
                                                     on_progress=lambda *done: progress.append(done))]
    assert len(chunks) == 1 + 5  # header, then one chunk per batch
    assert [row['Order'] for row in read(''.join(chunks))] == expected
    assert progress == [(0, 30), (7, 30), (14, 30), (21, 30), (28, 30), (30, 30)]
    lines = read(''.join([chunk async for chunk in export_orders(indexed_shop, batch_size=7,
                                                                 layout=ExportLayout.LINES)]))
    assert [row['Order'] for row in lines] == expected


async def test_batches_are_written_in_slices_that_report_progress(indexed_shop, monkeypatch):
    monkeypatch.setattr(order_export, 'SLICE_SIZE', 3)
    orders = [await add_order(indexed_shop, created_at=T0 + timedelta(minutes=i // 4)) for i in range(16)]
    progress: list[tuple[int, int]] = []
    for layout in ExportLayout:
        progress.clear()
        rows = read(''.join([chunk async for chunk in export_orders(
            indexed_shop, layout=layout, batch_size=7, on_progress=lambda *done: progress.append(done))]))
        assert [row['Order'] for row in rows] == [order.code for order in reversed(orders)]
        assert [done for done, _ in progress] == [0, 3, 6, 7, 10, 13, 14, 16]


async def test_a_filtered_export_pages_through_the_matches_only(indexed_shop):
    for index in range(40):
        await add_order(indexed_shop, name='Peeters' if index % 3 == 0 else 'Janssens',
                        created_at=T0 + timedelta(minutes=index // 2))
    grid = await orders_page(indexed_shop.id, search='peeters', page_size=100)
    rows = read(''.join([chunk async for chunk in export_orders(indexed_shop, search='peeters', batch_size=4)]))
    assert [row['Order'] for row in rows] == [row.code for row in grid.rows] and len(rows) == 14


async def test_an_empty_export_is_the_header_alone(indexed_shop):
    progress: list[tuple[int, int]] = []
    text = ''.join([chunk async for chunk in export_orders(indexed_shop, search='nobody',
                                                           on_progress=lambda *done: progress.append(done))])
    assert read(text) == [] and text.startswith(BOM + 'Order,')
    assert progress == [(0, 0)]


async def test_another_shops_orders_and_lines_never_appear(indexed_shop):
    ours = await add_order(indexed_shop, name='Ann Peeters', email='ann.peeters@telenet.be')
    other = await Shop.create(name='Other', code_prefix='OTHR', timezone='America/New_York')
    await add_order(other, name='Ann Peeters', email='ann.peeters@telenet.be')
    await add_order(other, name='Ee Jan', email=f'{ours.number}@example.com')
    for search in ('', 'peeters', 'ee', str(ours.number), 'OTHR'):
        for layout in ExportLayout:
            rows = read(await export(indexed_shop, search=search, layout=layout))
            assert {row['Order'] for row in rows} <= {ours.code}
    theirs = read(await export(other, layout=ExportLayout.LINES))
    assert len(theirs) == 2 and all(row['Order'].startswith('OTHR-') for row in theirs)
    assert list(theirs[0])[1] == 'Date (America/New_York)' and theirs[0]['Date (America/New_York)'] == \
        '2025-03-01 04:00:00'


async def test_an_order_without_lines_still_has_its_row_per_line(indexed_shop):
    order = await add_order(indexed_shop, lines=())
    [row] = read(await export(indexed_shop, layout=ExportLayout.LINES))
    assert row['Order'] == order.code and row['SKU'] == '' and row['Line total'] == ''
