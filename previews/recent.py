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
        self._clock = clock
        self._lifetime = lifetime
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, Entry]] = {}

    def split(self, keys: Sequence[str]) -> tuple[dict[str, Entry], list[str]]:
        """The entries still kept for `keys`, and the keys to read from the cache."""
        if self._lifetime <= 0:
            return {}, list(keys)
        now = self._clock()
        found: dict[str, Entry] = {}
        missing: list[str] = []
        for key in keys:
            kept = self._entries.get(key)
            if kept is not None and kept[0] > now:
                found[key] = kept[1]
            else:
                missing.append(key)
        return found, missing

    def keep(self, entries: dict[str, Entry]) -> None:
        if self._lifetime <= 0:
            return
        until = self._clock() + self._lifetime
        for key, entry in entries.items():
            if entry.fresh and not isinstance(entry.outcome, Failure):
                if len(self._entries) >= self._max_entries:
                    # Bounded the cheap way: expired or not, start again.
                    self._entries.clear()
                self._entries[key] = (until, entry)

    def drop(self, key: str) -> None:
        self._entries.pop(key, None)
