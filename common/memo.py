"""`TtlLru`: the one in-process memo of the tree, bounded by entry count and, when given a
weigher, by total bytes, with an optional lifetime per entry and an injectable clock.

Every memo here (normalised URLs, recent cache reads, icon results, persisted queries, parsed
documents, plans) needs the same two bounds: memory (a fixed number of entries and, for values
whose size a client chooses, a fixed number of bytes, the least recently used going first, so
a flood of new keys never drops the hot ones all at once) and staleness (a lifetime, read from
a clock a test can move). A count alone is no memory bound when one entry may be 1 KiB or
1 MiB: 10 000 documents of 234 KiB each are gigabytes.
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
    """At most `max_entries` values and, with `weigh`, at most `max_bytes` of them by its
    measure; each put lives `ttl` seconds (None: until evicted).

    `weigh(key, value)` says what an entry holds in bytes (an estimate is fine: it is a bound,
    not an account); an entry heavier than `max_bytes` on its own is not kept at all.
    """

    def __init__(
        self,
        max_entries: int,
        *,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int | None = None,
        weigh: Callable[[K, V], int] | None = None,
    ) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must not be negative")
        if (max_bytes is None) != (weigh is None):
            raise ValueError("max_bytes and weigh go together")
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._weigh = weigh
        self._ttl = ttl
        self._clock = clock
        # key -> (expiry or None, value, weight), oldest use first.
        self._entries: OrderedDict[K, tuple[float | None, V, int]] = OrderedDict()
        self._bytes = 0

    @property
    def held_bytes(self) -> int:
        """The weight held now (0 without a weigher)."""
        return self._bytes

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: D | None = None) -> V | D | None:
        """The live value of `key` (now the most recently used), else `default`."""
        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value, _ = entry
        if expires is not None and expires <= self._clock():
            self.pop(key)
            return default
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V, *, ttl: float | None = None) -> bool:
        """Keep `value` for `ttl` seconds (default: the memo's own lifetime); False when it
        is heavier than the whole memo may hold, and so not kept."""
        weight = 0 if self._weigh is None else self._weigh(key, value)
        self.pop(key)
        if self._max_bytes is not None and weight > self._max_bytes:
            return False
        lifetime = self._ttl if ttl is None else ttl
        expires = None if lifetime is None else self._clock() + lifetime
        self._entries[key] = (expires, value, weight)
        self._bytes += weight
        while len(self._entries) > self._max_entries or (
            self._max_bytes is not None and self._bytes > self._max_bytes
        ):
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped
        return key in self._entries

    def pop(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2]

    def __len__(self) -> int:
        """Entries held, expired ones not yet noticed included (they count against the bound
        until a read finds them or eviction reaches them)."""
        return len(self._entries)
