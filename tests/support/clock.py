"""A clock that moves only when a test moves it, for the caches' and memos' `clock`."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """Epoch seconds, starting at the real time (Redis's own expiry is on its real clock, so
    deadlines written by this clock land in its future), advanced by `advance` alone."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
