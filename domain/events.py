"""Domain events announced after commit, and the in-process hub that pages and workers subscribe to.

The domain only publishes; the UI (live pages) and integrations (outbox dispatcher) subscribe in main.py.
"""

import asyncio
import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.statuses import OrderStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderPlaced:
    shop_id: int
    order_id: int
    code: str
    customer_name: str
    total: Decimal
    currency: str
    is_test: bool


@dataclass(frozen=True)
class OrderStatusChanged:
    shop_id: int
    order_id: int
    code: str
    status: OrderStatus
    version: int
    actor: str


@dataclass(frozen=True)
class OrderDeleted:
    shop_id: int
    order_id: int
    code: str
    actor: str


@dataclass(frozen=True)
class OrderNoteAdded:
    shop_id: int
    order_id: int
    code: str
    actor: str


@dataclass(frozen=True)
class OutboxQueued:
    """New outbox rows are waiting: wakes the dispatcher without waiting for its timer."""

    shop_id: int
    count: int


@dataclass(frozen=True)
class DeliveriesRecorded:
    """Delivery attempts of outbox messages were recorded: the Deliveries, Mailbox and Logs pages update."""

    shop_id: int
    order_ids: frozenset[int]
    delivered: int
    failed: int  # will be retried
    dead: int  # given up


@dataclass(frozen=True)
class Resync:
    """Events from other instances may have been missed (their connection was lost and is back): live pages
    reload what they show."""


Handler = Callable[[Any], Awaitable[None] | None]


class EventHub:
    """Publish/subscribe by event type; a failing subscriber is logged and never breaks the publisher."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> Callable[[], None]:
        """Call `handler` for every event of `event_type`; returns a function that unsubscribes."""
        self._handlers[event_type].append(handler)
        return lambda: self._handlers[event_type].remove(handler) if handler in self._handlers[event_type] else None

    async def publish(self, event: object) -> None:
        """Call every subscriber of the event's type; returns when all are done. Async ones run side by side, so
        hundreds of open pages wait for one shared read, not for each other, and a slow one delays no other."""
        pending = []
        for handler in list(self._handlers[type(event)]):
            try:
                result = handler(event)
            except Exception:
                log.exception('subscriber %r failed on %r', handler, event)
                continue
            if inspect.isawaitable(result):
                pending.append(self._settle(handler, event, result))
        if pending:
            await asyncio.gather(*pending)

    @staticmethod
    async def _settle(handler: Handler, event: object, result: Awaitable[None]) -> None:
        try:
            await result
        except Exception:
            log.exception('subscriber %r failed on %r', handler, event)

    def clear(self) -> None:
        self._handlers.clear()


hub = EventHub()
