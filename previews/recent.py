"""Entries this process read from the cache a moment ago, kept decoded.

A warm link asked for again and again would otherwise cost a cache read (a thread hop and a
query for SQLite, a round trip for Redis) and a decode per request, most of a warm request's
time outside GraphQL. Only fresh previews are kept, for a short lifetime (at most a tenth of
their fresh time): a preview is then served at most that long after another instance
replaced it, and a stale one always goes back to the cache, which starts its refresh. This
process's own writes drop the key at once, so its refreshes show immediately.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from common.memo import TtlLru
from model.record import Failure
from previews.cache import Entry


class RecentEntries:
    def __init__(
        self,
        *,
        lifetime: float,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lifetime = lifetime
        self._entries: TtlLru[str, Entry] = TtlLru(max_entries, ttl=lifetime, clock=clock)

    def split(self, keys: Sequence[str]) -> tuple[dict[str, Entry], list[str]]:
        """The entries still kept for `keys`, and the keys to read from the cache."""
        if self._lifetime <= 0:
            return {}, list(keys)
        found: dict[str, Entry] = {}
        missing: list[str] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None:
                found[key] = entry
            else:
                missing.append(key)
        return found, missing

    def keep(self, entries: dict[str, Entry]) -> None:
        if self._lifetime <= 0:
            return
        for key, entry in entries.items():
            if entry.fresh and not isinstance(entry.outcome, Failure):
                self._entries.put(key, entry)

    def drop(self, key: str) -> None:
        self._entries.pop(key)
