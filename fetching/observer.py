"""What the fetcher reports about its work, to whoever watches (the app's metrics).

A protocol here, implemented above (web/metrics.py), keeps the dependency pointing one way:
the fetcher knows nothing of Prometheus.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Literal, Protocol


class FetchObserver(Protocol):
    def fetch_in_flight(self) -> AbstractContextManager[None]:
        """Held for as long as one fetch runs (after it got a concurrency slot)."""
        ...

    def record_fetch(self, outcome: Literal["ok", "error"], code: str | None) -> None:
        """One finished fetch: `ok` with its HTTP status, or `error` with its error code."""
        ...
