"""The outbox dispatcher: a background worker that hands due outbox messages to the handler of their channel.

It wakes when the domain announces new rows (`OutboxQueued`), when a recorded outcome makes more due (the next
event of an order delivered in order) and on a timer: at the next retry's time, or the poll for rows of other
processes. It claims due rows with a lease, lets the channel's handler deliver them in batches, and records each
message's outcome as it finishes (`OutcomeRecorder`), so a crash sends again only what was in flight.
Channels without a handler are never claimed: their rows wait, untouched, until one registers.
"""

import asyncio
import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from domain.events import hub
from domain.models import OutboxMessage
from domain.outbox_delivery import (
    LEASE,
    Delivered,
    Outcome,
    TemporaryFailure,
    claim_due,
    delivers_in_order,
    next_due,
    release_leases,
    store_outcomes,
)

log = logging.getLogger(__name__)

# A delivery goes on while this many of its batch's outcomes are being written; beyond, it waits. Per connection,
# a crash therefore sends again at most the message out and these (measured with bench/mail.py: waiting for each
# write ties a batch's pace to the database's; a busy PostgreSQL took up to 0.6 s for a write of 1 or 2 outcomes).
UNSTORED_PER_BATCH = 2

Report = Callable[[OutboxMessage, Outcome], Awaitable[None]]


class DeliveryHandler(Protocol):
    """Delivers the messages of one channel ('mail', 'push', 'webhook', 'invoice').

    A handler whose `reports_each` is true is called as `deliver(messages, report=…)` and awaits
    `report(message, outcome)` as each message finishes: the outcome is stored at once, so a crash later does not
    send that message again (`report` returns while at most UNSTORED_PER_BATCH of the batch's are being written).
    Outcomes it did not report are stored when `deliver` returns.
    """

    channel: str
    batch_size: int  # messages per `deliver` call: one connection serves them all
    concurrency: int  # `deliver` calls of this channel in flight at once

    async def deliver(self, messages: Sequence[OutboxMessage]) -> Sequence[Outcome]:
        """One outcome per message, in the same order. Raising is a bug: the whole batch is then retried."""
        ...


class OutcomeRecorder:
    """Stores outcomes as deliveries report them, in small groups: what is reported while one write is under way
    goes into the next, so under load a write carries several outcomes (one per delivery in flight, at most) and
    an outcome waits for at most the write before its own."""

    def __init__(self, worker: str, written: Callable[[Sequence[OutboxMessage], Sequence[Outcome]], None]) -> None:
        self.worker, self.written = worker, written
        self._waiting: list[tuple[OutboxMessage, Outcome, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._announcing: set[asyncio.Task] = set()

    async def record(self, message: OutboxMessage, outcome: Outcome) -> None:
        """Store the outcome; returns once it is written (or could not be: then the lease runs out, and the message
        is sent again: at least once, never lost)."""
        stored = asyncio.get_running_loop().create_future()
        self._waiting.append((message, outcome, stored))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name='outbox outcomes')
        await stored

    async def record_all(self, messages: Sequence[OutboxMessage], outcomes: Sequence[Outcome]) -> None:
        await asyncio.gather(*(self.record(m, o) for m, o in zip(messages, outcomes, strict=True)))

    async def wait(self, timeout: float) -> None:
        """Let the write under way finish (at stop: the database closes next)."""
        if self._writer is not None and not self._writer.done():
            await asyncio.wait([self._writer], timeout=timeout)
        if self._announcing:
            await asyncio.wait(self._announcing, timeout=timeout)

    async def _write(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            messages, outcomes = [m for m, _, _ in group], [o for _, o, _ in group]
            events = []
            try:
                events = await store_outcomes(worker=self.worker, messages=messages, outcomes=outcomes)
            except Exception:
                log.exception('could not record the outcomes of %d messages', len(group))
            else:
                self.written(messages, outcomes)
            finally:
                for _, _, stored in group:
                    if not stored.done():  # its waiter may have been cancelled (the batch's time ran out)
                        stored.set_result(None)
            if events:  # pages and other instances hear of it beside the next write, not before it
                task = asyncio.create_task(self._announce(events), name='outbox outcomes announced')
                self._announcing.add(task)
                task.add_done_callback(self._announcing.discard)

    @staticmethod
    async def _announce(events: list) -> None:
        for event in events:
            await hub.publish(event)


class OutboxDispatcher:
    """Start it once the database is open, stop it before the database closes; `wake` it when rows are queued."""

    def __init__(self, handlers: Iterable[DeliveryHandler] = (), *, slot: str = 'local', poll_seconds: float = 5,
                 lease: timedelta = LEASE) -> None:
        self.slot = slot[:40]  # "host:port": only one process at a time runs in a slot
        self.worker = f'{self.slot}/{os.getpid()}-{secrets.token_hex(3)}'
        self.poll_seconds, self.lease = poll_seconds, lease
        self.handlers: dict[str, DeliveryHandler] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._loops: list[asyncio.Task] = []
        self._deliveries: set[asyncio.Task] = set()
        self.recorder = OutcomeRecorder(self.worker, self._recorded)
        for handler in handlers:
            self.register(handler)

    def register(self, handler: DeliveryHandler) -> None:
        if self._loops:
            raise RuntimeError('register handlers before the dispatcher starts')
        self.handlers[handler.channel] = handler

    def wake(self, _event: object = None) -> None:
        """Look for due messages now rather than at the next tick."""
        for event in self._wake.values():
            event.set()

    def _recorded(self, messages: Sequence[OutboxMessage], outcomes: Sequence[Outcome]) -> None:
        """Look again at once when an outcome may have made something due sooner than the loop's timer: the next
        event of an order delivered in order, or a retry earlier than the next poll."""
        for channel in {m.channel for m, o in zip(messages, outcomes, strict=True)
                        if delivers_in_order(m.channel) or isinstance(o, TemporaryFailure)}:
            if channel in self._wake:
                self._wake[channel].set()

    @property
    def running(self) -> bool:
        """Whether its workers run (started, not stopped, none crashed): /readyz asks."""
        return bool(self._loops) and not any(task.done() for task in self._loops)

    async def start(self) -> None:
        """Start the workers; a second call while they run does nothing (NiceGUI's tests nest the app's lifespan)."""
        if self._loops:
            return
        returned = await release_leases(slot=self.slot, keep=self.worker)
        if returned:
            log.info('%d messages leased by an earlier run of %s are due again', returned, self.slot)
        for channel, handler in self.handlers.items():
            self._wake[channel] = asyncio.Event()
            self._loops.append(asyncio.create_task(self._run(handler), name=f'outbox {channel}'))

    async def stop(self, timeout: float = 10) -> None:
        """Stop claiming, let deliveries in flight finish (up to `timeout` s), and give back what was not recorded.

        The first call stops: the database may close right after it.
        """
        if not self._loops:
            return
        for task in self._loops:
            task.cancel()
        await asyncio.wait(self._loops, timeout=5)
        self._loops.clear()
        if self._deliveries:
            _, unfinished = await asyncio.wait(self._deliveries, timeout=timeout)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.wait(unfinished, timeout=5)
        await self.recorder.wait(timeout=5)
        returned = await release_leases(worker=self.worker)
        if returned:
            log.info('gave back %d messages whose delivery was not finished', returned)

    async def deliver_due(self) -> int:
        """Deliver everything due now, in the caller's task, until nothing is left; returns how many were handled.

        For scripts and tests that want no background worker.
        """
        handled, loop = 0, asyncio.get_running_loop()
        for handler in self.handlers.values():
            while True:
                claimed_at = loop.time()
                batch = await claim_due(worker=self.worker, channels=[handler.channel], limit=handler.batch_size,
                                        lease=self.lease)
                if not batch:
                    break
                await self._deliver(handler, batch, claimed_at)
                handled += len(batch)
        return handled

    async def _run(self, handler: DeliveryHandler) -> None:
        wake, slots = self._wake[handler.channel], asyncio.Semaphore(handler.concurrency)
        while True:
            await slots.acquire()
            wake.clear()  # before claiming: a wake-up during the claim is not lost
            claimed_at, now = asyncio.get_running_loop().time(), datetime.now(UTC)
            try:
                batch = await claim_due(worker=self.worker, channels=[handler.channel], limit=handler.batch_size,
                                        lease=self.lease, now=now)
                due = None if batch else await next_due(channels=[handler.channel], after=now)
            except Exception:
                slots.release()
                log.warning('could not claim %s messages; trying again', handler.channel, exc_info=True)
                await asyncio.sleep(1)
                continue
            if not batch:
                slots.release()
                # until the next retry falls due (a few ms after, so it is due when the claim looks), at most a poll
                pause = self.poll_seconds if due is None else \
                    min(self.poll_seconds, max((due - datetime.now(UTC)).total_seconds(), 0) + 0.005)
                tick = asyncio.get_running_loop().call_later(pause, wake.set)
                try:
                    await wake.wait()
                finally:
                    tick.cancel()
                continue
            task = asyncio.create_task(self._deliver(handler, batch, claimed_at), name=f'deliver {handler.channel}')
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
            task.add_done_callback(lambda _: slots.release())

    async def _deliver(self, handler: DeliveryHandler, batch: list[OutboxMessage], claimed_at: float) -> None:
        # The lease must outlive the attempt, or another worker would send the batch a second time meanwhile. It runs
        # from the claim: time spent waiting for a pooled connection or a busy event loop before the attempt counts.
        limit = self.lease.total_seconds() * 0.75
        reported: dict[int, Outcome] = {}

        storing: list[asyncio.Task] = []

        async def report(message: OutboxMessage, outcome: Outcome) -> None:
            reported[message.id] = outcome  # stored even if the batch's time runs out meanwhile
            storing.append(asyncio.create_task(self.recorder.record(message, outcome)))
            while len(unstored := [task for task in storing if not task.done()]) > UNSTORED_PER_BATCH:
                await asyncio.wait(unstored, return_when=asyncio.FIRST_COMPLETED)

        try:
            async with asyncio.timeout_at(claimed_at + limit):
                outcomes = list(await handler.deliver(batch, report=report) if getattr(handler, 'reports_each', False)
                                else await handler.deliver(batch))
            if len(outcomes) != len(batch):
                raise ValueError(f'{handler.channel} handler gave {len(outcomes)} outcomes for {len(batch)} messages')
        except TimeoutError:
            outcomes = [TemporaryFailure(f'no answer within {limit:.0f} s')] * len(batch)
        except Exception as error:
            log.exception('%s handler failed on %d messages', handler.channel, len(batch))
            outcomes = [TemporaryFailure(f'internal error: {type(error).__name__}')] * len(batch)
        outcomes = [reported.get(message.id, outcome) for message, outcome in zip(batch, outcomes, strict=True)]
        for message, outcome in zip(batch, outcomes, strict=True):
            log.info('%s %s: %s', handler.channel, message.event, type(outcome).__name__,
                     extra={'order_code': message.order_code, 'shop': message.shop_id})
        failed = sum(not isinstance(outcome, Delivered) for outcome in outcomes)
        if failed:
            log.info('%s: %d of %d messages not delivered this time', handler.channel, failed, len(batch))
        rest = [(message, outcome) for message, outcome in zip(batch, outcomes, strict=True)
                if message.id not in reported]
        if rest:
            await self.recorder.record_all([m for m, _ in rest], [o for _, o in rest])
        if storing:  # the batch (and its slot) ends when all its outcomes are stored
            await asyncio.wait(storing)
