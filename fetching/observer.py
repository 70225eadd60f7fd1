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
        """Held for as long as one fetch runs (after it got a concurrency slot)."""
        ...

    def fetch_finished(self, result: int | FetchError) -> None:
        """One finished fetch: its HTTP status, or the error that stopped it (the watcher
        decides what to call it: the fetcher names no product error codes)."""
        ...
