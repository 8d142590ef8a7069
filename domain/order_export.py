"""The orders grid's filter as CSV for a spreadsheet: streamed in batches, so 100k orders never sit in memory.

UTF-8 with a byte order mark (so Excel reads accents), the csv module's quoting, amounts with a dot, dates in the
shop's timezone. Orders are read newest first with keyset paging: each batch starts where the last one ended
(never an OFFSET), and the connection is free for checkouts between batches.
"""

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.transactions import in_transaction

from domain.logs import write_log
from domain.models import Shop
from domain.order_queries import order_filter
from domain.schemas import DeliveryMethod
from domain.sql import decimal, fetch
from domain.statuses import OrderStatus

BATCH_SIZE = 2000  # orders per query: each query rebuilds a search's matches (a 1-2 letter search scans them all)
SLICE_SIZE = 100  # orders formatted between two turns of the event loop: 3-10 ms
BOM = '\ufeff'
# A cell starting with one of these is a formula to a spreadsheet: "=HYPERLINK(...)" typed in as a customer name.
FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


class ExportLayout(StrEnum):
    ORDERS = 'orders'  # one row per order
    LINES = 'lines'  # one row per order line

    @property
    def label(self) -> str:
        return {'orders': 'One row per order', 'lines': 'One row per order line'}[self.value]


ProgressCallback = Callable[[int, int], Any]  # (orders done, orders in the export)

_ORDER_COLUMNS = ('o.id, o.code, o.created_at, o.status, o.is_test, o.customer_name, o.email, o.phone, '
                  'o.delivery_method, o.street, o.postal_code, o.city, o.country, o.reference, o.currency, '
                  'o.subtotal, o.shipping_cost, o.vat_total, o.total, o.item_count')
_LINE_COLUMNS = 'l.order_id, l.sku, l.name, l.quantity, l.unit_price, l.vat_rate, l.total'


def header(layout: ExportLayout, timezone: str) -> list[str]:
    """The first row of an export in `layout`."""
    if layout is ExportLayout.LINES:
        return [f'Date ({timezone})' if name == 'Date' else name for name in (
            'Order', 'Date', 'Status', 'Customer', 'E-mail', 'Currency', 'Test order',
            'SKU', 'Product', 'Quantity', 'Unit price', 'VAT rate (%)', 'Line total')]
    return [f'Date ({timezone})' if name == 'Date' else name for name in (
        'Order', 'Date', 'Status', 'Customer', 'E-mail', 'Phone', 'Delivery', 'Street', 'Postal code', 'City',
        'Country', 'Items', 'Subtotal', 'Shipping', 'VAT', 'Total', 'Currency', 'Reference', 'Test order')]


async def export_orders(shop: Shop, *, search: str = '', status: OrderStatus | None = None,
                        layout: ExportLayout = ExportLayout.ORDERS, on_progress: ProgressCallback | None = None,
                        batch_size: int = BATCH_SIZE) -> AsyncIterator[str]:
    """CSV text of the shop's orders the grid shows for `search` and `status`, newest first, in chunks.

    The first chunk is the BOM and the header, then one per SLICE_SIZE orders. `on_progress(done, total)`, counting
    orders, is called before the first chunk and before each next one.
    """
    connection = connections.get('default')
    where, values = order_filter(shop.id, search.strip(), status, connection.capabilities.dialect)
    counted = await fetch(connection, f'SELECT COUNT(*) AS n FROM "order" o WHERE {where}', *values)
    total = counted[0]['n']
    timezone = ZoneInfo(shop.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(layout, shop.timezone))
    if on_progress:
        on_progress(0, total)
    yield BOM + _take(buffer)
    done, after = 0, ()
    while True:
        # (created_at, id) below the last row's: the "<=" is a range on the shop's (created_at) index, the rest
        # skips the rows of that same moment already written.
        keyset = ' AND o.created_at <= ? AND (o.created_at < ? OR o.id < ?)' if after else ''
        orders = await fetch(connection,
                             f'SELECT {_ORDER_COLUMNS} FROM "order" o WHERE {where}{keyset} '
                             f'ORDER BY o.created_at DESC, o.id DESC LIMIT ?', *values, *after, batch_size)
        if not orders:
            break
        lines = await _lines(connection, shop.id, [order[0] for order in orders]) \
            if layout is ExportLayout.LINES else {}
        for start in range(0, len(orders), SLICE_SIZE):
            orders_slice = orders[start:start + SLICE_SIZE]
            if layout is ExportLayout.LINES:
                for order in orders_slice:
                    fields = _line_order_fields(order, timezone)
                    # An order without lines (none is written so, but) still gets its row: no order goes missing.
                    writer.writerows([*fields, *_line_fields(line)] for line in lines.get(order[0], [None]))
            else:
                writer.writerows(_order_fields(order, timezone) for order in orders_slice)
            done += len(orders_slice)
            if on_progress:
                on_progress(done, max(total, done))  # orders may enter the filter while it runs
            yield _take(buffer)
            await asyncio.sleep(0)  # let other requests in, even if the consumer does not await
        if len(orders) < batch_size:
            break
        last = orders[-1]
        after = (last[2], last[2], last[0])  # created_at, id


async def record_export(*, shop_id: int, actor: str, orders: int, layout: 'ExportLayout', search: str,
                        status: OrderStatus | None) -> None:
    """Put an export in the shop's Logs: customer data left the shop, the merchant should see who took it."""
    parts = (f'search "{search}"' if search else '', status.label if status else '')
    filters = ', '.join(part for part in parts if part)
    row = 'line' if layout is ExportLayout.LINES else 'order'
    message = f'{orders:,} order{"" if orders == 1 else "s"} exported as CSV, one row per {row}'
    async with in_transaction() as connection:
        await write_log(connection, shop_id=shop_id, order=None, kind='order.exported', actor=actor,
                        now=datetime.now(UTC), message=message + (f' ({filters})' if filters else ''),
                        data={'orders': orders, 'layout': layout.value, 'search': search,
                              'status': status.value if status else ''})


def spreadsheet_text(value: str | None) -> str:
    """Text as a cell shows it, never run as a formula: a leading apostrophe where a formula could start."""
    if not value:
        return ''
    return "'" + value if value.startswith(FORMULA_START) else value


async def _lines(connection: Any, shop_id: int, order_ids: Sequence[int]) -> dict[int, list[Any]]:
    rows = await fetch(connection,
                       f'SELECT {_LINE_COLUMNS} FROM order_line l WHERE l.shop_id = ? AND l.order_id IN '
                       f'({", ".join("?" for _ in order_ids)}) ORDER BY l.order_id, l.position, l.id',
                       shop_id, *order_ids)
    lines: dict[int, list[Any]] = {}
    for row in rows:
        lines.setdefault(row[0], []).append(row)
    return lines


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _money(value: Any) -> str:
    # decimal() reads the stored text exactly; formatting a Decimal never goes through a float
    return f'{decimal(value):.2f}'


def _rate(value: Any) -> str:
    return format(decimal(value).normalize(), 'f')  # 21, 5.5: as the merchant typed it


def _local_time(value: Any, timezone: ZoneInfo) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)  # SQLite: ISO text
    return moment.astimezone(timezone).strftime('%Y-%m-%d %H:%M:%S')


_STATUS = {status.value: status.label for status in OrderStatus}
_DELIVERY = {method.value: method.label for method in DeliveryMethod}
_YES_NO = ('no', 'yes')
_text = spreadsheet_text

# Rows are read by position, in the order of _ORDER_COLUMNS and _LINE_COLUMNS: a SQLite row looks a name up by
# comparing it with each column's, which was most of the export's time.


def _order_fields(order: Sequence[Any], timezone: ZoneInfo) -> list[str | int]:
    (_, code, created_at, status, is_test, name, email, phone, delivery, street, postal_code, city, country,
     reference, currency, subtotal, shipping, vat, total, items) = order
    return [code, _local_time(created_at, timezone), _STATUS[status], _text(name), _text(email), _text(phone),
            _DELIVERY[delivery], _text(street), _text(postal_code), _text(city), _text(country), items,
            _money(subtotal), _money(shipping), _money(vat), _money(total), currency, _text(reference),
            _YES_NO[bool(is_test)]]


def _line_order_fields(order: Sequence[Any], timezone: ZoneInfo) -> list[str]:
    (_, code, created_at, status, is_test, name, email, _, _, _, _, _, _, _, currency, _, _, _, _, _) = order
    return [code, _local_time(created_at, timezone), _STATUS[status], _text(name), _text(email), currency,
            _YES_NO[bool(is_test)]]


def _line_fields(line: Sequence[Any] | None) -> list[str | int]:
    if line is None:
        return ['', '', '', '', '', '']
    _, sku, name, quantity, unit_price, vat_rate, total = line
    return [_text(sku), _text(name), quantity, _money(unit_price), _rate(vat_rate), _money(total)]
