"""A background loop that cancels orders left unpaid longer than their shop allows (domain/unpaid_orders.py)."""

import asyncio
import contextlib
import logging

from domain.unpaid_orders import cancel_unpaid_orders_of_all_shops

log = logging.getLogger(__name__)


class UnpaidOrderSweeper:
    def __init__(self, *, interval: float = 600, first_run_after: float = 60) -> None:
        self.interval, self.first_run_after = interval, first_run_after
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name='cancel unpaid orders')

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        await asyncio.sleep(self.first_run_after)
        while True:
            try:
                for shop_id, codes in (await cancel_unpaid_orders_of_all_shops()).items():
                    log.info('shop %s: cancelled unpaid orders %s', shop_id, ', '.join(codes))
            except Exception:  # a bad run must not end the loop; the next one tries again
                log.exception('cancelling unpaid orders failed')
            await asyncio.sleep(self.interval)
