"""`SingleFlight`: concurrent callers asking for the same key share one task.

The work runs as a task of its own and each caller awaits it through `asyncio.shield`, so a
caller going away (its client disconnected) cancels only its own wait while others still
wait; when the last caller of a task goes away, nobody is left to use what it would get, so
the task is cancelled too (a streamed batch whose client left stops fetching its links). A
task started with no caller (`start`: a background refresh) is kept: the cache wants its
result whoever asks. The task forgets its key when it ends, so the next caller starts afresh.
This is Synapse's in-flight cache: the preview service, background refreshes and the media
service all use it.
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
        # Callers awaiting each task through `run`; a task absent here was `start`ed with
        # none, and is never cancelled for want of callers.
        self._waiters: dict[asyncio.Task[V], int] = {}

    def start(self, key: K, work: Callable[[], Coroutine[Any, Any, V]]) -> asyncio.Task[V]:
        """The task in flight for `key`, or `work()` started as one that runs to its end
        whoever waits for it (a background refresh)."""
        task = self._task(key, work)
        self._waiters.pop(task, None)
        return task

    async def run(self, key: K, work: Callable[[], Coroutine[Any, Any, V]]) -> V:
        """The result of the work in flight for `key`, started by this call if none is; the
        work is cancelled if this was its last caller and it goes away."""
        before = self._tasks.get(key)
        task = self._task(key, work)
        if task is not before or task in self._waiters:
            self._waiters[task] = self._waiters.get(task, 0) + 1
        try:
            return await asyncio.shield(task)
        finally:
            left = self._waiters.get(task)
            if left is not None:
                if left > 1:
                    self._waiters[task] = left - 1
                else:
                    del self._waiters[task]
                    if not task.done():
                        # Forgotten at once: the next caller must not join a dying task.
                        if self._tasks.get(key) is task:
                            del self._tasks[key]
                        task.cancel()

    def _task(self, key: K, work: Callable[[], Coroutine[Any, Any, V]]) -> asyncio.Task[V]:
        task = self._tasks.get(key)
        # A task of another event loop (a test's or a restarted app's) cannot be awaited here.
        # (Not `task.cancelling()`: anyio's cancel scopes cancel and uncancel the task inside
        # its own work, as httpcore's happy-eyeballs connect does, and a caller arriving then
        # would start a second fetch.)
        if task is None or task.get_loop() is not asyncio.get_running_loop():
            task = asyncio.create_task(work())
            self._tasks[key] = task

            def forget(done: asyncio.Task[V]) -> None:
                if self._tasks.get(key) is done:
                    del self._tasks[key]
                self._waiters.pop(done, None)

            task.add_done_callback(forget)
        return task

    def tasks(self) -> list[asyncio.Task[V]]:
        """The tasks in flight now (what a shutdown waits for)."""
        return list(self._tasks.values())

    def __len__(self) -> int:
        return len(self._tasks)
