"""Browser tests run the app in a server thread with its own event loop; ask the database there."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import core


def run_query(query: Callable[[], Awaitable[Any]], timeout: float = 5) -> Any:
    async def run() -> Any:
        return await query()
    return asyncio.run_coroutine_threadsafe(run(), core.loop).result(timeout)
