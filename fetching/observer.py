"""What the fetcher reports about its work, to whoever watches (the app's metrics).

A protocol here, implemented above (web/metrics.py), keeps the dependency pointing one way:
the fetcher knows nothing of Prometheus.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from fetching.errors import FetchError


class FetchObserver(Protocol):
    def fetch_in_flight(self) -> AbstractContextManager[None]:
        """Held for each request of a fetch (one per redirect hop) while it holds a slot; not
        while it queues for one or waits for the per-site limit."""
        ...

    def fetch_finished(self, result: int | FetchError) -> None:
        """One finished fetch: its HTTP status, or the error that stopped it (the watcher
        decides what to call it: the fetcher names no product error codes)."""
        ...
