"""`SingleFlight`: concurrent callers asking for the same key share one task.

The work runs as a task of its own and each caller awaits it through `asyncio.shield`, so a
caller going away (its client disconnected) cancels only its own wait, never the work the
others are waiting for; the task forgets its key when it ends, so the next caller starts
afresh. This is Synapse's in-flight cache: the preview service, background refreshes and the
media service all use it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    def __init__(self) -> None:
        self._tasks: dict[K, asyncio.Task[V]] = {}

    def start(self, key: K, work: Callable[[], Coroutine[Any, Any, V]]) -> asyncio.Task[V]:
        """The task in flight for `key`, or `work()` started as one; awaiting the task
        itself (not through `run`) lets a cancelled caller cancel it."""
        task = self._tasks.get(key)
        # A task of another event loop (a test's or a restarted app's) cannot be awaited here.
        if task is None or task.get_loop() is not asyncio.get_running_loop():
            task = asyncio.create_task(work())
            self._tasks[key] = task

            def forget(done: asyncio.Task[V]) -> None:
                if self._tasks.get(key) is done:
                    del self._tasks[key]

            task.add_done_callback(forget)
        return task

    async def run(self, key: K, work: Callable[[], Coroutine[Any, Any, V]]) -> V:
        """The result of the work in flight for `key`, started by this call if none is."""
        return await asyncio.shield(self.start(key, work))

    def tasks(self) -> list[asyncio.Task[V]]:
        """The tasks in flight now (what a shutdown waits for)."""
        return list(self._tasks.values())

    def __len__(self) -> int:
        return len(self._tasks)
