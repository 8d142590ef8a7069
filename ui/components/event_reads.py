"""One database read per domain event, shared by every open page that reacts to it.

Each open page subscribes to the hub on its own; without this, 200 open grids would each read the same new order.
The first page to ask starts the read, the others await the same task, and the result is forgotten with the event.
"""

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

from nicegui import background_tasks

T = TypeVar('T')

_reads: weakref.WeakKeyDictionary[object, dict[tuple, asyncio.Task]] = weakref.WeakKeyDictionary()


async def read_once(event: object, read: Callable[..., Awaitable[T]], *args: Hashable) -> T:
    """`await read(*args)`, run once for `event` however many pages ask for it."""
    reads = _reads.setdefault(event, {})
    task = reads.get((read, args))
    if task is None:
        # the pages await it, and each re-raises its error to the hub, which logs it
        task = background_tasks.create(read(*args), name=f'{read.__name__} once', handle_exceptions=False)
        reads[(read, args)] = task
    return await asyncio.shield(task)  # a page closing while it waits must not cancel the read for the others
