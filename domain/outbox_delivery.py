"""Delivering the outbox: claim due messages with a lease, record each attempt's outcome with backoff, log it.

The dispatcher (integrations/outbox_dispatcher.py) drives these functions; a handler per channel tells it what
happened to each message: `Delivered`, `TemporaryFailure` (retried later) or `PermanentFailure` (given up).
Delivery is at least once: a message is marked delivered only after its partner accepted it, so a crash between
the two sends it again, under the same `event_id` (the mail's Message-ID).
"""

import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.errors import OrderlyError
from domain.events import DeliveriesRecorded, OutboxQueued, hub
from domain.models import AdminRole, AdminUser, LogEntry, Order, OutboxMessage, OutboxState, Shop
from domain.outbox import enqueue, new_message
from domain.sql import fetch, for_dialect, insert_rows

# Pause after the 1st, 2nd, … failed attempt; the last one repeats until GIVE_UP_AFTER is covered.
BACKOFF = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
           timedelta(hours=1), timedelta(hours=3), timedelta(hours=6))
GIVE_UP_AFTER = timedelta(days=3)
JITTER = 0.2  # each pause is stretched or shrunk by up to 20 %, so that a burst of failures does not retry as one
LEASE = timedelta(seconds=60)  # how long a claim keeps other workers away; a crashed worker's rows come back then


def retry_delay(attempt: int, *, chance: Callable[[], float] = random.random) -> timedelta:
    """The pause after failed attempt number `attempt` (1-based), with jitter drawn from `chance` (0 ≤ x < 1)."""
    base = BACKOFF[min(attempt, len(BACKOFF)) - 1]
    return base * (1 + JITTER * (2 * chance() - 1))


def _attempts_within(span: timedelta) -> int:
    attempts, waited = 1, timedelta(0)
    while waited < span:
        waited += BACKOFF[min(attempts, len(BACKOFF)) - 1]
        attempts += 1
    return attempts


MAX_ATTEMPTS = _attempts_within(GIVE_UP_AFTER)  # 19: the last one about 3 days after the first


@dataclass(frozen=True)
class Delivered:
    note: str = ''  # said instead of "sent" when it is worth saying: "kept in Settings > Mailbox (…)"


@dataclass(frozen=True)
class TemporaryFailure:
    error: str  # in words fit for the merchant: "connection refused by smtp.example.com:587"
    retry_after: timedelta | None = None  # the partner asked for this pause (Retry-After): never retried sooner


@dataclass(frozen=True)
class PermanentFailure:
    error: str  # "550 5.1.1 mailbox unavailable"


Outcome = Delivered | TemporaryFailure | PermanentFailure

NOTICE_TEMPLATE = 'shop_notice'  # the 'mail' template of a `ShopNotice`


@dataclass(frozen=True)
class ShopNotice:
    """Something the shop's owner must hear about by mail; `kind` picks its wording (integrations/mail)."""

    kind: str  # 'api_push_disabled', 'api_push_given_up'
    details: dict[str, Any] = field(default_factory=dict)  # shown in the mail: url, event, order_code, error, …


# What a channel tells the owner when one of its messages is given up after retrying for days; None: nothing.
# Called in the transaction that records it. Channels add theirs with `notify_owner_when_given_up`.
GiveUpNotice = Callable[[BaseDBAsyncClient, OutboxMessage, str, int], Awaitable[ShopNotice | None]]
_GIVE_UP_NOTICES: dict[str, GiveUpNotice] = {}


def notify_owner_when_given_up(channel: str, notice: GiveUpNotice) -> None:
    """Have `notice(connection, message, last_error, attempts)` say what to mail the owner about a given-up message."""
    _GIVE_UP_NOTICES[channel] = notice


async def queue_shop_notice(connection: BaseDBAsyncClient, *, shop_id: int, notice: ShopNotice,
                            now: datetime) -> int:
    """Queue the notice mail in the caller's transaction: to the shop's address, or else to each owner; returns how
    many mails (publish `OutboxQueued` once it commits)."""
    shop_email = await Shop.filter(id=shop_id).using_db(connection).first().values_list('email', flat=True)
    addresses = [shop_email] if shop_email else await AdminUser.filter(
        shop_id=shop_id, role=AdminRole.OWNER).using_db(connection).order_by('id').values_list('email', flat=True)
    messages = [new_message(shop_id=shop_id, order=None, channel='mail', event=f'notice.{notice.kind}'[:40],
                            template=NOTICE_TEMPLATE, recipient=address, now=now,
                            payload={**notice.details, 'kind': notice.kind})
                for address in dict.fromkeys(address.lower() for address in addresses)]
    await enqueue(connection, messages)
    return len(messages)


# What a message is, in the merchant's words, by channel and template
WHAT = {('mail', 'customer_confirmation'): 'Confirmation mail', ('mail', 'merchant_new_order'): 'New-order mail',
        ('mail', 'status_update'): 'Status update mail', ('mail', NOTICE_TEMPLATE): 'Notice mail',
        ('mail', 'invoice'): 'Invoice mail', ('invoice', 'issue_invoice'): 'Automatic invoice',
        ('push', 'new_order'): 'New-order push', ('push', 'test'): 'Test push'}
CHANNELS = {'mail': 'Mail', 'push': 'Push notification', 'webhook': 'API PUSH', 'invoice': 'Invoice'}


def what_it_is(message: OutboxMessage) -> str:
    """"Confirmation mail", "API PUSH order.created"."""
    return WHAT.get((message.channel, message.template)) or \
        f'{CHANNELS.get(message.channel, message.channel)} {message.event}'


def describe(message: OutboxMessage) -> str:
    """"Confirmation mail to ann@example.com"."""
    what = what_it_is(message)
    if message.channel == 'webhook':  # its recipient is the endpoint's id
        return f'{what} to endpoint #{message.recipient}'
    return f'{what} to {message.recipient}' if message.recipient else what


_IN_ORDER: set[str] = set()


def deliver_in_order(channel: str) -> None:
    """Claim the channel's messages for one recipient and order one at a time, oldest first: the next only once the
    one before it is delivered or given up. A wait for a retry then holds back the order's later messages too."""
    _IN_ORDER.add(channel)


def delivers_in_order(channel: str) -> bool:
    """Whether finishing one of the channel's messages can make the next one of its order due."""
    return channel in _IN_ORDER


def _head_of_its_order(channels: Sequence[str]) -> tuple[str, list]:
    """The claim's condition for in-order channels: no earlier message of the same recipient and order is pending,
    whether it waits for its retry or is out with a worker (leased). Claiming only these, one statement per claim,
    is what keeps the order across batches, workers and processes."""
    in_order = [channel for channel in channels if channel in _IN_ORDER]
    if not in_order:
        return '', []
    return (f" AND (m.channel NOT IN ({', '.join('?' for _ in in_order)}) OR m.order_code = '' OR NOT EXISTS ("
            'SELECT 1 FROM outbox_message AS earlier WHERE earlier.order_code = m.order_code '
            'AND earlier.recipient = m.recipient AND earlier.channel = m.channel AND earlier.state = ? '
            'AND earlier.id < m.id))'), [*in_order, OutboxState.PENDING.value]


async def claim_due(*, worker: str, channels: Sequence[str], limit: int, lease: timedelta = LEASE,
                    now: datetime | None = None) -> list[OutboxMessage]:
    """Lease up to `limit` due messages of `channels` to `worker`, oldest first; nobody else gets them meanwhile.

    One statement takes them, so concurrent workers never share a row: SQLite has one writer; PostgreSQL locks the
    rows it takes (`FOR UPDATE SKIP LOCKED`) and re-checks them when a concurrent claim changed them first.
    Of a channel that delivers in order (`deliver_in_order`), only the oldest pending message per recipient and
    order is taken.
    """
    if not channels or limit < 1:
        return []
    now = now or datetime.now(UTC)
    free = '(m.lease_expires_at IS NULL OR m.lease_expires_at < ?)'
    in_channels = ', '.join('?' for _ in channels)
    head, head_values = _head_of_its_order(channels)
    due = (f'SELECT m.id FROM outbox_message AS m WHERE m.state = ? AND m.channel IN ({in_channels}) '
           f'AND m.next_attempt_at <= ? AND {free}{head} ORDER BY m.next_attempt_at, m.id LIMIT ?')
    due_values = [OutboxState.PENDING.value, *channels, now, now, *head_values, limit]
    connection = connections.get('default')
    if connection.capabilities.dialect == 'postgres':
        # Rows another worker is claiming right now are passed over, not waited for. MATERIALIZED: the planner
        # must not re-run the subquery per row, or each run would skip the rows just leased and take more.
        rows = await fetch(
            connection,
            f'WITH due AS MATERIALIZED ({due} FOR UPDATE OF m SKIP LOCKED) UPDATE outbox_message '
            'SET leased_by = ?, lease_expires_at = ? FROM due WHERE outbox_message.id = due.id '
            'RETURNING outbox_message.id', *due_values, worker, now + lease)
    else:
        rows = await fetch(
            connection,
            f'UPDATE outbox_message SET leased_by = ?, lease_expires_at = ? WHERE id IN ({due}) '
            'AND state = ? AND (lease_expires_at IS NULL OR lease_expires_at < ?) RETURNING id',
            worker, now + lease, *due_values, OutboxState.PENDING.value, now)
    if not rows:
        return []
    return await OutboxMessage.filter(id__in=[row['id'] for row in rows]).order_by('next_attempt_at', 'id')


async def next_due(*, channels: Sequence[str], after: datetime) -> datetime | None:
    """When the next pending message of `channels` that is not due at `after` falls due (its retry); None if none.

    The dispatcher sleeps until then rather than until its next poll, so a retry comes at its time.
    """
    if not channels:
        return None
    return await OutboxMessage.filter(state=OutboxState.PENDING, channel__in=list(channels),
                                      next_attempt_at__gt=after).order_by('next_attempt_at') \
        .first().values_list('next_attempt_at', flat=True)


async def release_leases(*, worker: str = '', slot: str = '', keep: str = '') -> int:
    """Give back the pending messages leased by `worker`, or by any earlier run of `slot` other than `keep`.

    A worker id is "slot/run". Only one process at a time can run in a slot (its host and port), so a new run
    knows that leases of older runs in its slot belong to a process that died: they need not wait for expiry.
    """
    connection = connections.get('default')
    if worker:
        condition, values = 'leased_by = ?', [worker]
    else:
        prefix = f'{slot}/'
        condition, values = 'substr(leased_by, 1, ?) = ? AND leased_by <> ?', [len(prefix), prefix, keep]
    rows = await fetch(connection, "UPDATE outbox_message SET leased_by = '', lease_expires_at = NULL "
                                   f'WHERE state = ? AND {condition} RETURNING id', OutboxState.PENDING.value, *values)
    return len(rows)


SECRET_PAYLOAD_KEYS = frozenset({'token'})  # a mailed single-use link: kept only until its mail is out


async def _forget_secrets(connection: BaseDBAsyncClient, sent: Sequence[OutboxMessage]) -> None:
    """Drop the one-time links from delivered rows: whoever reads the database later cannot use them."""
    for message in sent:
        if SECRET_PAYLOAD_KEYS & message.payload.keys():
            kept = {key: value for key, value in message.payload.items() if key not in SECRET_PAYLOAD_KEYS}
            await OutboxMessage.filter(id=message.id).using_db(connection).update(payload=kept)


async def record_outcomes(*, worker: str, messages: Sequence[OutboxMessage], outcomes: Sequence[Outcome],
                          now: datetime | None = None, chance: Callable[[], float] = random.random) -> None:
    """Store what happened to each claimed message, log every attempt with its order, and announce it: one
    transaction, for a batch or for the small group of messages whose deliveries just finished."""
    for event in await store_outcomes(worker=worker, messages=messages, outcomes=outcomes, now=now, chance=chance):
        await hub.publish(event)


async def store_outcomes(*, worker: str, messages: Sequence[OutboxMessage], outcomes: Sequence[Outcome],
                         now: datetime | None = None,
                         chance: Callable[[], float] = random.random) -> list[DeliveriesRecorded | OutboxQueued]:
    """`record_outcomes` without the announcing: returns the events to publish once the caller has let those waiting
    for the commit go on."""
    if len(messages) != len(outcomes):
        raise ValueError(f'{len(outcomes)} outcomes for {len(messages)} messages')
    if not messages:
        return []
    now = now or datetime.now(UTC)
    # only a retry's time is shown in the shop's timezone: a group of deliveries (the usual one) needs no query
    retrying = {m.shop_id for m, o in zip(messages, outcomes, strict=True) if isinstance(o, TemporaryFailure)}
    timezones = {shop_id: ZoneInfo(timezone) for shop_id, timezone in
                 await Shop.filter(id__in=retrying).values_list('id', 'timezone')} if retrying else {}
    delivered: list[int] = []
    failures: list[list] = []
    given_up: list[tuple[OutboxMessage, str, int, list]] = []  # whose channel tells the owner
    logs: list[dict] = []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {'delivered': 0, 'failed': 0, 'dead': 0})
    for message, outcome in zip(messages, outcomes, strict=True):
        attempt = message.attempts + 1
        what = describe(message)
        data = {'outbox_id': message.id, 'event_id': message.event_id, 'channel': message.channel,
                'attempt': attempt}
        if isinstance(outcome, Delivered):
            delivered.append(message.id)
            if outcome.note:
                text = f'{what} {outcome.note}'
            else:
                text = f'{what_it_is(message)} sent' + (f' to {message.recipient}' if message.recipient else '')
            kind = 'delivery.sent'
            counts[message.shop_id]['delivered'] += 1
        elif isinstance(outcome, TemporaryFailure) and attempt < MAX_ATTEMPTS:
            retry_at = now + max(retry_delay(attempt, chance=chance), outcome.retry_after or timedelta(0))
            failures.append([OutboxState.PENDING.value, attempt, retry_at, outcome.error[:2000], message.id, worker])
            local = retry_at.astimezone(timezones.get(message.shop_id, UTC))
            when = local.strftime('%H:%M:%S') if retry_at - now < timedelta(hours=12) else \
                local.strftime('%d %b %H:%M')
            kind, text = 'delivery.failed', f'{what} failed: {outcome.error}; retry at {when}'
            data |= {'error': outcome.error, 'next_attempt_at': retry_at.isoformat()}
            counts[message.shop_id]['failed'] += 1
        else:
            if isinstance(outcome, TemporaryFailure):
                reason = f'failed: {outcome.error}; given up after {attempt} attempts'
            else:
                reason = f'refused: {outcome.error}; not retried'
            failure = [OutboxState.DEAD.value, attempt, now, f'{reason[0].upper()}{reason[1:]}'[:2000], message.id,
                       worker]
            # never a notice about a notice: one that cannot be delivered must not queue another
            if isinstance(outcome, TemporaryFailure) and message.channel in _GIVE_UP_NOTICES and \
                    message.template != NOTICE_TEMPLATE:
                given_up.append((message, outcome.error, attempt, failure))
            else:
                failures.append(failure)
            kind, text = 'delivery.dead', f'{what} {reason}'
            data |= {'error': outcome.error}
            counts[message.shop_id]['dead'] += 1
        logs.append({'shop_id': message.shop_id, 'order': message.order_id, 'order_code': message.order_code,
                     'kind': kind, 'actor': 'system', 'message': text, 'data': data, 'created_at': now})
    notices: dict[int, int] = defaultdict(int)
    async with in_transaction() as connection:
        if delivered:
            await fetch(connection, "UPDATE outbox_message SET state = ?, delivered_at = ?, attempts = attempts + 1, "
                                    "last_error = '', leased_by = '', lease_expires_at = NULL "
                                    f'WHERE state = ? AND id IN ({", ".join("?" for _ in delivered)})',
                        OutboxState.DELIVERED.value, now, OutboxState.PENDING.value, *delivered)
            await _forget_secrets(connection, [m for m in messages if m.id in delivered])
        if failures:
            # Only while the lease is still ours: a worker that lost it leaves the row to the one that took it.
            await connection.execute_many(for_dialect(_RECORD_FAILURE, connection.capabilities.dialect), failures)
        for message, error, attempt, failure in given_up:
            if await fetch(connection, f'{_RECORD_FAILURE} RETURNING id', *failure):  # given up by us: tell once
                notice = await _GIVE_UP_NOTICES[message.channel](connection, message, error, attempt)
                if notice is not None:
                    notices[message.shop_id] += await queue_shop_notice(connection, shop_id=message.shop_id,
                                                                        notice=notice, now=now)
        await _write_attempt_logs(connection, logs)
    events: list[DeliveriesRecorded | OutboxQueued] = [
        DeliveriesRecorded(shop_id=shop_id, order_ids=frozenset(
            m.order_id for m in messages if m.shop_id == shop_id and m.order_id), **count)
        for shop_id, count in counts.items()]
    return events + [OutboxQueued(shop_id=shop_id, count=count) for shop_id, count in notices.items() if count]


_RECORD_FAILURE = ("UPDATE outbox_message SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
                   "leased_by = '', lease_expires_at = NULL WHERE id = ? AND leased_by = ? AND state = 'pending'")


async def _write_attempt_logs(connection: BaseDBAsyncClient, logs: list[dict]) -> None:
    """One log row per attempt; an order deleted meanwhile keeps its code in the entry, not its id."""
    order_ids = {entry['order'] for entry in logs if entry['order']}
    existing = set(await Order.filter(id__in=order_ids).using_db(connection).values_list('id', flat=True)) \
        if order_ids else set()
    rows = []
    for entry in logs:
        order_id = entry.pop('order')
        rows.append({**entry, 'order_id': order_id if order_id in existing else None})
    await insert_rows(connection, LogEntry._meta.db_table, rows)


class NotRetried(OrderlyError):
    """The message cannot be retried now: it was delivered, is being delivered, or no longer exists."""


async def retry_now(*, shop_id: int, message_id: int, actor: str) -> OutboxMessage:
    """Put a failed or given-up message back in line for an attempt now, with a fresh retry schedule."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        message = await OutboxMessage.get_or_none(id=message_id, shop_id=shop_id).using_db(connection)
        if message is None or message.state is OutboxState.DELIVERED:
            raise NotRetried('This message was delivered meanwhile.' if message else 'This message no longer exists.')
        if message.lease_expires_at and message.lease_expires_at > now:
            raise NotRetried('This message is being delivered right now.')
        await _retry(connection, [message], actor, now)
    await hub.publish(OutboxQueued(shop_id=shop_id, count=1))
    return message


async def retry_all(*, shop_id: int, actor: str) -> int:
    """Retry every failed and given-up message of the shop now; returns how many."""
    now = datetime.now(UTC)
    async with in_transaction() as connection:
        unleased = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
        messages = await _troubled(shop_id).using_db(connection).filter(unleased)
        await _retry(connection, messages, actor, now)
    if messages:
        await hub.publish(OutboxQueued(shop_id=shop_id, count=len(messages)))
    return len(messages)


async def _retry(connection: BaseDBAsyncClient, messages: list[OutboxMessage], actor: str, now: datetime) -> None:
    if not messages:
        return
    ids = [m.id for m in messages]
    await OutboxMessage.filter(id__in=ids).using_db(connection).update(
        state=OutboxState.PENDING, attempts=0, next_attempt_at=now, leased_by='', lease_expires_at=None)
    await _write_attempt_logs(connection, [
        {'shop_id': m.shop_id, 'order': m.order_id, 'order_code': m.order_code, 'kind': 'delivery.retry',
         'actor': actor, 'message': f'{describe(m)}: retry now requested', 'created_at': now,
         'data': {'outbox_id': m.id, 'event_id': m.event_id, 'channel': m.channel, 'was': m.state.value}}
        for m in messages])


def _troubled(shop_id: int):
    """Given up, or failed at least once and waiting for its retry."""
    return OutboxMessage.filter(shop_id=shop_id, state__in=[OutboxState.PENDING, OutboxState.DEAD]) \
        .exclude(last_error='')


async def troubled_messages(shop_id: int, *, limit: int = 100) -> tuple[list[OutboxMessage], int]:
    """The shop's failed and given-up messages, newest first (at most `limit`), and how many there are in all."""
    query = _troubled(shop_id)
    return await query.order_by('-created_at', '-id').limit(limit), await query.count()
