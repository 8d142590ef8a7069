"""A shop's orders for other programs: the grid's search and status filter plus a date range and the test flag,
newest first, paged by keyset (where the last page ended), so that new orders never shift or repeat a page."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections

from domain.order_queries import order_filter
from domain.sql import decimal, fetch
from domain.statuses import OrderStatus

MAX_LIMIT = 100


@dataclass(frozen=True)
class ListedOrder:
    """One order of a list, plain data: what a program needs to decide whether to fetch the whole order."""

    id: int
    code: str
    status: OrderStatus
    is_test: bool
    customer_name: str
    email: str
    item_count: int
    total: Decimal
    currency: str
    reference: str
    created_at: datetime
    updated_at: datetime


_COLUMNS = ('o.id, o.code, o.status, o.is_test, o.customer_name, o.email, o.item_count, o.total, o.currency, '
            'o.reference, o.created_at, o.updated_at')


@dataclass(frozen=True)
class OrderListFilter:
    search: str = ''
    status: OrderStatus | None = None
    created_from: datetime | None = None  # inclusive, timezone-aware
    created_to: datetime | None = None  # exclusive, timezone-aware
    is_test: bool | None = None  # None: real and test orders


@dataclass(frozen=True)
class OrderPosition:
    """Where a page ended: the last order's creation time and id."""

    created_at: datetime
    id: int


@dataclass(frozen=True)
class OrderSlice:
    orders: list[ListedOrder]
    next: OrderPosition | None  # None: this was the last page


async def orders_newest_first(shop_id: int, *, matching: OrderListFilter | None = None,
                              after: OrderPosition | None = None, limit: int = 50) -> OrderSlice:
    """Up to `limit` of the shop's orders `matching` a filter, newest first, starting after `after`."""
    wanted = matching or OrderListFilter()
    connection = connections.get('default')
    limit = min(max(limit, 1), MAX_LIMIT)
    where, values = order_filter(shop_id, wanted.search.strip(), wanted.status, connection.capabilities.dialect)
    conditions = [where]
    # Times are compared as the database stores them: UTC (SQLite keeps ISO text, which then sorts by time).
    if wanted.created_from is not None:
        conditions.append('o.created_at >= ?')
        values.append(wanted.created_from.astimezone(UTC))
    if wanted.created_to is not None:
        conditions.append('o.created_at < ?')
        values.append(wanted.created_to.astimezone(UTC))
    if wanted.is_test is not None:
        conditions.append('o.is_test = ?')
        values.append(wanted.is_test)
    if after is not None:
        # "<=" is a range on the shop's (created_at) index; the rest skips that moment's orders already sent
        conditions.append('o.created_at <= ? AND (o.created_at < ? OR o.id < ?)')
        moment = after.created_at.astimezone(UTC)
        values += [moment, moment, after.id]
    rows = await fetch(connection,
                       f'SELECT {_COLUMNS} FROM "order" o WHERE {" AND ".join(conditions)} '
                       'ORDER BY o.created_at DESC, o.id DESC LIMIT ?', *values, limit + 1)
    page = [_listed(row) for row in rows[:limit]]
    more = len(rows) > limit
    return OrderSlice(orders=page, next=OrderPosition(page[-1].created_at, page[-1].id) if more else None)


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)  # SQLite: ISO text


def _listed(row: Any) -> ListedOrder:
    return ListedOrder(id=row['id'], code=row['code'], status=OrderStatus(row['status']), is_test=bool(row['is_test']),
                       customer_name=row['customer_name'], email=row['email'], item_count=row['item_count'],
                       total=decimal(row['total']), currency=row['currency'], reference=row['reference'],
                       created_at=_moment(row['created_at']), updated_at=_moment(row['updated_at']))
