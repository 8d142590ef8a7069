"""Domain events across instances: PostgreSQL LISTEN/NOTIFY between the in-process hubs of every Orderly instance.

Each instance sends the events published on its hub as a `NOTIFY` (a small JSON payload with the sender's id) and
re-emits, on its own hub, what the other instances sent, so a page on instance B updates when instance A placed the
order. The hub publishes after the commit, and the NOTIFY goes out after that on another connection: by the time an
instance receives it, the order's rows are committed and any read it starts sees them. (Sending inside the order's
transaction would also deliver at commit, and would not lose the event if the process died right after the commit,
but it would make every domain service know about this bridge; a lost event only leaves a page behind until its
next reload, while every side effect an order has is in the durable outbox, never in these events.)

One dedicated asyncpg connection listens. When it breaks, it reconnects with backoff and publishes `Resync` on the
hub: events sent meanwhile are lost, so open pages reload what they show.
"""

import asyncio
import contextvars
import dataclasses
import enum
import json
import logging
import secrets
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import connections

from domain.events import (
    DeliveriesRecorded,
    EventHub,
    OrderDeleted,
    OrderNoteAdded,
    OrderPlaced,
    OrderStatusChanged,
    OutboxQueued,
    Resync,
)

log = logging.getLogger(__name__)

CHANNEL = 'orderly_events'
MAX_PAYLOAD = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
# OutboxQueued travels too: it wakes the other instances' dispatchers, so they share a burst of new messages
BRIDGED = {kind.__name__: kind for kind in (OrderPlaced, OrderStatusChanged, OrderDeleted, OrderNoteAdded,
                                            DeliveriesRecorded, OutboxQueued)}
RECEIVED = {**BRIDGED, 'Resync': Resync}  # a Resync is sent only when an event was too big to send
BACKOFF = (0.2, 0.5, 1, 2, 5, 10)  # seconds before the 1st, 2nd, … reconnection attempt; the last one repeats
_re_emitting = contextvars.ContextVar('re_emitting', default=False)  # an event from elsewhere is not sent back


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {'postgres', 'postgresql', 'asyncpg'}


def encode(event: object, sender: str) -> str:
    """The NOTIFY payload: kind, sender and the event's fields as JSON (Decimal and enums as text, sets as lists)."""
    def plain(value: Any) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, frozenset | set):
            return sorted(value)
        raise TypeError(f'cannot send {type(value).__name__}')

    fields = {field.name: getattr(event, field.name) for field in dataclasses.fields(event)}
    return json.dumps({'kind': type(event).__name__, 'from': sender, 'event': fields}, default=plain,
                      separators=(',', ':'))


def decode(payload: str) -> tuple[str, object] | None:
    """(sender, event) from a payload `encode` made; None for anything else (another version, another program)."""
    try:
        data = json.loads(payload)
        kind = RECEIVED[data['kind']]
        hints = typing.get_type_hints(kind)
        values = {name: _typed(hints[name], value) for name, value in data['event'].items()}
        return str(data['from']), kind(**values)
    except (ValueError, KeyError, TypeError, ArithmeticError):
        log.warning('ignored an event notification that is not one of ours: %.200s', payload)
        return None


def _typed(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint) or hint
    if origin is frozenset:
        return frozenset(value)
    if isinstance(origin, type) and issubclass(origin, Decimal | enum.Enum):
        return origin(value)
    return value


def listen_url(url: str) -> str:
    """The database URL as asyncpg takes it: Tortoise's own query options (pool sizes, …) left out."""
    parts = urlsplit(url)
    return urlunsplit(('postgresql', parts.netloc, parts.path, '', ''))


class PgEventBridge:
    """Start it once the database is open, stop it before the database closes."""

    def __init__(self, url: str, hub: EventHub, *, check_seconds: float = 5) -> None:
        self.url, self.hub, self.check_seconds = listen_url(url), hub, check_seconds
        self.instance = secrets.token_hex(8)
        self.connection: asyncpg.Connection | None = None
        self.reconnections = 0
        self._incoming: asyncio.Queue[str] = asyncio.Queue()
        self._lost = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._unsubscribers: list[Callable[[], None]] = []

    async def start(self) -> None:
        """Listen (first connection made before it returns) and send what this instance's hub publishes."""
        if self._tasks:
            return
        await self._listen()
        self._tasks = [asyncio.create_task(self._keep_listening(), name='pg events: listen'),
                       asyncio.create_task(self._re_emit(), name='pg events: re-emit')]
        self._unsubscribers = [self.hub.subscribe(kind, self.send) for kind in BRIDGED.values()]

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._close()

    async def send(self, event: object) -> None:
        """NOTIFY the other instances of an event this one published (after its commit)."""
        if _re_emitting.get():
            return
        payload = encode(event, self.instance)
        if len(payload.encode()) > MAX_PAYLOAD:
            payload = encode(Resync(), self.instance)  # never happens with today's events; still, never silently
        try:
            await connections.get('default').execute_query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
        except Exception as error:  # the database is away: pages elsewhere catch up when their listener reconnects
            log.warning('could not tell the other instances about %s: %s', type(event).__name__, error)

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self.url, timeout=self.check_seconds)
        try:
            await connection.add_listener(CHANNEL, self._notified)
        except BaseException:
            await connection.close()
            raise
        # only for the current connection: closing a lost one must not report the new one lost
        connection.add_termination_listener(lambda closed: self._lost.set() if closed is self.connection else None)
        self._lost.clear()
        self.connection = connection

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._incoming.put_nowait(payload)

    async def _re_emit(self) -> None:
        """Publish what the others sent, one after another in the order PostgreSQL delivered it."""
        while True:
            payload = await self._incoming.get()
            decoded = decode(payload)
            if decoded is not None and decoded[0] != self.instance:
                await self._publish(decoded[1])

    async def _publish(self, event: object) -> None:
        token = _re_emitting.set(True)
        try:
            await self.hub.publish(event)
        finally:
            _re_emitting.reset(token)

    async def _keep_listening(self) -> None:
        """Notice a lost connection (closed, or silent: a query every `check_seconds`) and make a new one."""
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), self.check_seconds)
            except TimeoutError:
                try:
                    await asyncio.wait_for(self.connection.fetchval('SELECT 1'), self.check_seconds)
                    continue
                except Exception:
                    pass
            log.warning('lost the connection that listens to the other instances; reconnecting')
            await self._close()
            attempt = 0
            while True:
                await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                attempt += 1
                try:
                    await self._listen()
                    break
                except Exception as error:  # refused, timed out, shutting down, authentication: all worth a retry
                    log.warning('could not listen to the other instances yet (attempt %d): %s', attempt, error)
            self.reconnections += 1
            log.info('listening to the other instances again: open pages reload what they show')
            await self._publish(Resync())

    async def _close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), 2)
            except Exception:
                connection.terminate()
