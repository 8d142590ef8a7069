"""The merchant's orders grid: one page of a shop's orders, searched, filtered and sorted, fast at 100k orders.

Raw SQL (through `domain.sql.fetch`) because the grid needs what Tortoise cannot say: an FTS5 match (PostgreSQL:
ILIKE on pg_trgm indexes), and paging that walks only an index. The search index and the extra indexes are made by
`integrations.search_index`.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise import connections

from domain.models import Order
from domain.order_codes import code_beginnings, mistyped_code
from domain.sql import decimal, fetch
from domain.statuses import OrderStatus


@dataclass(frozen=True)
class OrderRow:
    """One grid row, plain data."""

    id: int
    code: str
    created_at: datetime
    customer_name: str
    email: str
    item_count: int
    total: Decimal
    currency: str
    status: OrderStatus
    is_test: bool
    version: int


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    total: int  # orders matching the filter, on all pages


SORTABLE = {'created_at', 'total', 'status'}
PAGE_SIZES = (25, 50, 100)
# The order's columns the search looks into (integrations/search_index.py indexes them)
SEARCHED_COLUMNS = ('code', 'customer_name', 'email', 'city', 'reference')
_FEW_MATCHES = 1000  # sorting this many rows costs about what walking the index does

_COLUMNS = ('o.id, o.code, o.created_at, o.customer_name, o.email, o.item_count, o.total, o.currency, o.status, '
            'o.is_test, o.version')
_NUMBER = re.compile(r'[0-9]{1,12}')
_CODE_START = re.compile(r'[A-Z0-9-]+')


async def orders_page(shop_id: int, *, search: str = '', status: OrderStatus | None = None,
                      sort: str = 'created_at', descending: bool = True, page: int = 1,
                      page_size: int = 25) -> OrderPage:
    """One page of the shop's orders, newest first by default; `search` matches order code (however typed), number,
    customer name, e-mail, city or reference (tracking code)."""
    connection = connections.get('default')
    dialect = connection.capabilities.dialect
    page, page_size = max(page, 1), page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    search = search.strip()
    where, values = order_filter(shop_id, search, status, dialect)
    sort = sort if sort in SORTABLE else 'created_at'
    order_by = _order_by(sort, descending, dialect)
    counted = await fetch(connection, f'SELECT COUNT(*) AS n FROM "order" o WHERE {where}', *values)
    total, offset = counted[0]['n'], (page - 1) * page_size
    if offset >= total:
        return OrderPage(rows=[], total=total)
    # Left alone, SQLite walks the shop's index in the sort's order and probes each order against the matches:
    # quick when many match (the page fills early), 15 ms at 100k orders for one match. Few matches are
    # cheaper to fetch by id and sort; NOT INDEXED leaves it only that way.
    hint = ' NOT INDEXED' if dialect == 'sqlite' and search and total <= _FEW_MATCHES else ''
    # Past the middle, page from the other end, so OFFSET never skips more than half the orders.
    limit = min(page_size, total - offset)
    from_end = total - offset - limit < offset
    inner_order = _order_by(sort, not descending, dialect) if from_end else order_by
    # Pages over ids first, so that for the default sort (and a status filter) OFFSET walks a covering index
    # instead of reading every skipped order; then reads the page's rows by id, in the asked order.
    page_ids = f'SELECT o.id FROM "order" o{hint} WHERE {where} ORDER BY {inner_order} LIMIT ? OFFSET ?'
    rows = await fetch(connection,
                       f'SELECT {_COLUMNS} FROM "order" o WHERE {_id_in(page_ids, dialect)} ORDER BY {order_by}',
                       *values, limit, total - offset - limit if from_end else offset)
    return OrderPage(rows=[_order_row(row) for row in rows], total=total)


@dataclass(frozen=True)
class CodeHint:
    """A search that was meant as an order code but has wrong check characters."""

    typed: str  # as a code is written: DEMO-1042-7L
    suggestion: str | None  # the shop's order one typo away, if there is one


async def code_hint(shop_id: int, prefix: str, search: str) -> CodeHint | None:
    """For a search that found nothing: if it is a code of this shop with wrong check characters, the nearest
    code of one of the shop's orders."""
    mistyped = mistyped_code(search, prefix=prefix)
    if mistyped is None:
        return None
    existing = set(await Order.filter(shop_id=shop_id, code__in=mistyped.near).values_list('code', flat=True))
    return CodeHint(typed=mistyped.typed, suggestion=next((code for code in mistyped.near if code in existing), None))


async def order_row(shop_id: int, order_id: int) -> OrderRow | None:
    """A single row (for live updates of one row)."""
    rows = await fetch(connections.get('default'),
                       f'SELECT {_COLUMNS} FROM "order" o WHERE o.shop_id = ? AND o.id = ?', shop_id, order_id)
    return _order_row(rows[0]) if rows else None


async def matching_orders(shop_id: int, *, search: str = '', status: OrderStatus | None = None,
                          limit: int = 5000) -> list[int]:
    """Ids of up to `limit` orders matching the grid's search and filter (for "select all matching")."""
    connection = connections.get('default')
    where, values = order_filter(shop_id, search.strip(), status, connection.capabilities.dialect)
    rows = await fetch(connection, f'SELECT o.id FROM "order" o WHERE {where} LIMIT ?', *values, limit)
    return [row['id'] for row in rows]


def order_filter(shop_id: int, search: str, status: OrderStatus | None, dialect: str) -> tuple[str, list[Any]]:
    """The grid's filter as a WHERE condition on `"order" o` and its values; `search` must be stripped already.

    Shared by the grid and the CSV export, so that both always show the same orders.
    """
    conditions, values = ['o.shop_id = ?'], [shop_id]
    if status is not None:
        conditions.append('o.status = ?')
        values.append(OrderStatus(status).value)
    if search:
        subqueries, more = _matching_ids(shop_id, search, dialect)
        conditions.append(_id_in(' UNION ALL '.join(subqueries), dialect))
        values += more
    return ' AND '.join(conditions), values


def _matching_ids(shop_id: int, search: str, dialect: str) -> tuple[list[str], list[Any]]:
    """Subqueries of ids whose code, number, name, e-mail, city or reference match `search`, each answered by an index.

    They may include other shops' orders (the code and FTS indexes have no shop): the caller filters by shop.
    """
    subqueries, values = [], []
    if _NUMBER.fullmatch(search):  # "1042": the order number, on the (shop_id, number) unique index
        subqueries.append('SELECT id FROM "order" WHERE shop_id = ? AND number = ?')
        values += [shop_id, int(search)]
    # "demo-1042", "DEMO10427K", "demo 1042": codes as merchants type them, as the beginnings of codes written
    # with dashes, each a range on the unique code index (SQLite compares codes byte-wise; PostgreSQL's collation
    # may not, so there a prefix ILIKE on the code's trigram index).
    beginnings = code_beginnings(search)
    code = search.upper()
    if _CODE_START.fullmatch(code) and code not in beginnings:
        beginnings.append(code)
    for beginning in beginnings:
        if dialect == 'sqlite':
            subqueries.append('SELECT id FROM "order" WHERE code >= ? AND code < ?')
            values += [beginning, beginning[:-1] + chr(ord(beginning[-1]) + 1)]
        elif len(beginning) >= 3:
            subqueries.append("""SELECT id FROM "order" WHERE shop_id = ? AND code ILIKE ? ESCAPE '!'""")
            values += [shop_id, _escape_like(beginning) + '%']
    if dialect == 'sqlite' and len(search) >= 3:
        # Any fragment of code, name, e-mail, city or reference; the trigram tokenizer ignores case.
        subqueries.append('SELECT rowid FROM order_search WHERE order_search MATCH ?')
        values.append('"' + search.replace('"', '""') + '"')
    else:
        # SQLite: 1-2 characters (too short for trigrams) scan the shop's orders. PostgreSQL: ILIKE on the searched
        # columns' pg_trgm GIN indexes (integrations/search_index.py) for 3 characters or more; shorter ones scan
        # the shop's orders there too.
        like = 'LIKE' if dialect == 'sqlite' else 'ILIKE'  # SQLite's LIKE already ignores (ASCII) case
        pattern = '%' + _escape_like(search) + '%'
        matches = ' OR '.join(f"{column} {like} ? ESCAPE '!'" for column in SEARCHED_COLUMNS)
        if dialect == 'sqlite':
            # No shop_id here, on purpose: through its index SQLite would seek every order (200 ms at 100k
            # orders) where a plain scan takes 45; the caller filters by shop.
            subqueries.append(f'SELECT id FROM "order" WHERE {matches}')
        else:
            subqueries.append(f'SELECT id FROM "order" WHERE shop_id = ? AND ({matches})')
            values.append(shop_id)
        values += [pattern] * len(SEARCHED_COLUMNS)
    return subqueries, values


def _escape_like(text: str) -> str:
    return re.sub(r'([!%_])', r'!\1', text)


def _id_in(subquery: str, dialect: str) -> str:
    """`o.id IN (subquery)`; on PostgreSQL the ids as an array, found once, then read by primary key: a plain IN
    lets the generic plan of a prepared statement (asyncpg's, from the 6th run) guess 10% of all orders match and
    hash-join them against a scan of every order."""
    return f'o.id = ANY(ARRAY({subquery}))' if dialect == 'postgres' else f'o.id IN ({subquery})'


def _order_by(sort: str, descending: bool, dialect: str) -> str:
    # total is text in SQLite ('100.00' < '9.50'): sort by its value, as the (shop_id, CAST(total AS REAL)) index does.
    total = 'CAST(o.total AS REAL)' if dialect == 'sqlite' else 'o.total'
    keys = {'created_at': ['o.created_at'], 'total': [total], 'status': ['o.status', 'o.created_at']}[sort]
    direction = 'DESC' if descending else 'ASC'
    return ', '.join(f'{key} {direction}' for key in [*keys, 'o.id'])  # id last: equal keys keep their place


def _order_row(row: Any) -> OrderRow:
    created_at = row['created_at']  # SQLite: ISO text; PostgreSQL: a datetime
    return OrderRow(
        id=row['id'], code=row['code'],
        created_at=created_at if isinstance(created_at, datetime) else datetime.fromisoformat(created_at),
        customer_name=row['customer_name'], email=row['email'], item_count=row['item_count'],
        total=decimal(row['total']), currency=row['currency'], status=OrderStatus(row['status']),
        is_test=bool(row['is_test']), version=row['version'])
