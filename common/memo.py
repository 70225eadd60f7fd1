"""`TtlLru`: the one in-process memo of the tree, bounded by entry count, with an optional
lifetime per entry and an injectable clock.

Every memo here (normalised URLs, recent cache reads, icon results, persisted queries) needs
the same two bounds: memory (a fixed number of entries, the least recently used going first,
so a flood of new keys never drops the hot ones all at once) and staleness (a lifetime, read
from a clock a test can move).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, overload

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")


class TtlLru(Generic[K, V]):
    """At most `max_entries` values; each put lives `ttl` seconds (None: until evicted)."""

    def __init__(
        self,
        max_entries: int,
        *,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must not be negative")
        self._max_entries = max_entries
        self._ttl = ttl
        self._clock = clock
        # key -> (expiry or None, value), oldest use first.
        self._entries: OrderedDict[K, tuple[float | None, V]] = OrderedDict()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: D | None = None) -> V | D | None:
        """The live value of `key` (now the most recently used), else `default`."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if expires is not None and expires <= self._clock():
            del self._entries[key]
            return default
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V, *, ttl: float | None = None) -> None:
        """Keep `value` for `ttl` seconds (default: the memo's own lifetime)."""
        lifetime = self._ttl if ttl is None else ttl
        expires = None if lifetime is None else self._clock() + lifetime
        self._entries[key] = (expires, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        """Entries held, expired ones not yet noticed included (they count against the bound
        until a read finds them or eviction reaches them)."""
        return len(self._entries)
