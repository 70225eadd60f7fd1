"""A small in-process memory of recent icon results, so that previews of many pages on one
site fetch that site's /favicon.ico once an hour rather than once per page (SECURITY-CASES
F5: many URLs on one host must not multiply requests to it), and a failing icon is not asked
for again on every preview (F2)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class RecentResults(Generic[V]):
    """Least-recently-used map with per-entry expiry; `None` results are remembered too,
    for `failure_ttl` seconds."""

    def __init__(
        self,
        *,
        max_entries: int = 4096,
        ttl: float = 3600.0,
        failure_ttl: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, V | None]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._clock = clock

    def get(self, key: str) -> tuple[bool, V | None]:
        """(found, value); found is False for a missing or expired entry."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, value = entry
        if expires <= self._clock():
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, value

    def put(self, key: str, value: V | None) -> None:
        ttl = self._ttl if value is not None else self._failure_ttl
        self._entries[key] = (self._clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
