"""The shop's Logs: one entry per thing that happened, written in the transaction of the change it records."""

from datetime import datetime
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.models import LogEntry
from domain.sql import insert_rows


class OrderRef(Protocol):
    """An order as logs and outbox rows refer to it: an `Order` or a `PlacedOrder`."""

    id: int
    code: str


async def write_log(connection: BaseDBAsyncClient, *, shop_id: int, order: OrderRef | None, kind: str, actor: str,
                    message: str, now: datetime, data: dict[str, Any] | None = None) -> None:
    """Record `message` in the shop's Logs (and the order's history when `order` is given)."""
    await insert_rows(connection, LogEntry._meta.db_table, [{
        'shop_id': shop_id, 'order_id': order.id if order else None, 'order_code': order.code if order else '',
        'kind': kind, 'actor': actor, 'message': message, 'data': data or {}, 'created_at': now,
    }])
