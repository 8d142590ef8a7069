"""The outbox dispatcher: a background worker that hands due outbox messages to the handler of their channel.

It wakes when the domain announces new rows (`OutboxQueued`) and on a timer (retries, rows of other processes),
claims due rows with a lease, lets the channel's handler deliver them in batches, and records the outcomes.
Channels without a handler are never claimed: their rows wait, untouched, until one registers.
"""

import asyncio
import logging
import os
import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Protocol

from domain.models import OutboxMessage
from domain.outbox_delivery import (
    LEASE,
    Delivered,
    Outcome,
    TemporaryFailure,
    claim_due,
    record_outcomes,
    release_leases,
)

log = logging.getLogger(__name__)


class DeliveryHandler(Protocol):
    """Delivers the messages of one channel ('mail', 'push', 'webhook', 'invoice')."""

    channel: str
    batch_size: int  # messages per `deliver` call: one connection serves them all
    concurrency: int  # `deliver` calls of this channel in flight at once

    async def deliver(self, messages: Sequence[OutboxMessage]) -> Sequence[Outcome]:
        """One outcome per message, in the same order. Raising is a bug: the whole batch is then retried."""
        ...


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
            claimed_at = asyncio.get_running_loop().time()
            try:
                batch = await claim_due(worker=self.worker, channels=[handler.channel], limit=handler.batch_size,
                                        lease=self.lease)
            except Exception:
                slots.release()
                log.warning('could not claim %s messages; trying again', handler.channel, exc_info=True)
                await asyncio.sleep(1)
                continue
            if not batch:
                slots.release()
                tick = asyncio.get_running_loop().call_later(self.poll_seconds, wake.set)
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
        try:
            async with asyncio.timeout_at(claimed_at + limit):
                outcomes = list(await handler.deliver(batch))
            if len(outcomes) != len(batch):
                raise ValueError(f'{handler.channel} handler gave {len(outcomes)} outcomes for {len(batch)} messages')
        except TimeoutError:
            outcomes = [TemporaryFailure(f'no answer within {limit:.0f} s')] * len(batch)
        except Exception as error:
            log.exception('%s handler failed on %d messages', handler.channel, len(batch))
            outcomes = [TemporaryFailure(f'internal error: {type(error).__name__}')] * len(batch)
        for message, outcome in zip(batch, outcomes, strict=True):
            log.info('%s %s: %s', handler.channel, message.event, type(outcome).__name__,
                     extra={'order_code': message.order_code, 'shop': message.shop_id})
        failed = sum(not isinstance(outcome, Delivered) for outcome in outcomes)
        if failed:
            log.info('%s: %d of %d messages not delivered this time', handler.channel, failed, len(batch))
        try:
            await record_outcomes(worker=self.worker, messages=batch, outcomes=outcomes)
        except Exception:
            # the lease runs out and the batch is sent again: at least once, never lost
            log.exception('could not record the outcomes of %d %s messages', len(batch), handler.channel)
