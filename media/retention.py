"""Keeping the media store within its byte budget: least recently used goes first.

Use is what the service sees: a rendition stored (again) by an ingest, or served by /media.
Uses are counted in memory on the hot path and written to a small SQLite ledger
(`<data_dir>/media-ledger.sqlite3`) by the background sweep, which then

1. reconciles the ledger with the store's listing: an object written by another instance,
   or before the ledger existed, is adopted with its write time as its last use; a ledger row
   whose object is gone (removed by hand) is dropped and its key remembered as lost;
2. removes objects not used for `orphan_age` (the preview cache's whole lifetime: every
   preview naming them has expired, since a refresh stores its renditions again);
3. removes the least recently used objects until the store is under `low_water` of
   `max_bytes`, so that it does not sweep again at the next write;
4. removes what crashed writers left behind (the store's temporaries).

Keys removed or found missing are reported to `on_lost` (the media service), which then
answers that a cached preview naming one lacks its media, so that preview is fetched again,
and its images stored again, instead of serving a 404.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from media.store import MediaStore

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS media (
    key TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    last_used REAL NOT NULL
)
"""
# Uses held in memory between sweeps at most; past it the oldest is written at the next sweep
# anyway (a use only moves a key later, so losing one costs at most an early eviction).
_MAX_PENDING = 100_000


@dataclass(frozen=True, slots=True)
class SweepReport:
    stored_bytes: int  # after the sweep
    objects: int  # after the sweep
    evicted: int
    evicted_bytes: int
    adopted: int
    vanished: int
    leftovers: int


class MediaRetention:
    def __init__(
        self,
        store: MediaStore,
        ledger: Path,
        *,
        max_bytes: int,
        orphan_age: float | None = None,
        low_water: float = 0.9,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`max_bytes` 0 keeps everything (no budget); `orphan_age` None keeps unused media
        for ever. `clock` gives the epoch seconds uses are stamped with (tests move it)."""
        self._store = store
        self._max_bytes = max_bytes
        self._orphan_age = orphan_age
        self._low_water = low_water
        self._clock = clock
        ledger.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(ledger, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Workers sharing the data directory share the ledger: wait for another's sweep.
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute(_SCHEMA)
        self._db_lock = threading.Lock()
        self._sweep_lock = asyncio.Lock()
        # key -> (size or None when only served, last use)
        self._pending: dict[str, tuple[int | None, float]] = {}
        # Told of every key this sweep removed or found gone (set by MediaService).
        self.on_lost: Callable[[str], None] = lambda key: None

    def stored(self, key: str, size: int) -> None:
        """An ingest stored (or found already stored) `key`: it is in use again."""
        self._note(key, size)

    def served(self, key: str) -> None:
        """/media served `key`."""
        self._note(key, None)

    def _note(self, key: str, size: int | None) -> None:
        known = self._pending.pop(key, None)
        if size is None and known is not None:
            size = known[0]
        self._pending[key] = (size, self._clock())
        if len(self._pending) > _MAX_PENDING:
            del self._pending[next(iter(self._pending))]

    async def sweep(self) -> SweepReport:
        """One pass of the module docstring's four steps; one at a time per process."""
        async with self._sweep_lock:
            await self._flush()
            listing = {info.key: info for info in await self._store.list()}
            known = await asyncio.to_thread(self._known)
            adopt = [(k, i.size, i.modified) for k, i in listing.items() if k not in known]
            vanished = [key for key in known if key not in listing]
            await asyncio.to_thread(self._reconcile, adopt, vanished)
            for key in vanished:
                self.on_lost(key)
            victims = await asyncio.to_thread(
                self._victims, sum(info.size for info in listing.values()), self._clock()
            )
            evicted = evicted_bytes = 0
            for key, size in victims:
                if await self._store.delete(key):
                    evicted += 1
                    evicted_bytes += size
                self.on_lost(key)
            await asyncio.to_thread(self._forget, [key for key, _ in victims])
            leftovers = await self._store.sweep_leftovers()
            stored = sum(info.size for info in listing.values()) - evicted_bytes
            report = SweepReport(
                stored_bytes=stored,
                objects=len(listing) - evicted,
                evicted=evicted,
                evicted_bytes=evicted_bytes,
                adopted=len(adopt),
                vanished=len(vanished),
                leftovers=leftovers,
            )
        if evicted or vanished or leftovers:
            log.info(
                "media retention: %d bytes in %d objects kept; removed %d (%d bytes), "
                "%d vanished, %d crash leftovers",
                report.stored_bytes,
                report.objects,
                evicted,
                evicted_bytes,
                len(vanished),
                leftovers,
            )
        return report

    async def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        if pending:
            await asyncio.to_thread(self._write_uses, pending)

    def _write_uses(self, pending: dict[str, tuple[int | None, float]]) -> None:
        with self._db_lock:
            self._db.execute("BEGIN")
            for key, (size, used) in pending.items():
                if size is None:
                    self._db.execute(
                        "UPDATE media SET last_used = max(last_used, ?) WHERE key = ?", (used, key)
                    )
                else:
                    self._db.execute(
                        "INSERT INTO media (key, size, last_used) VALUES (?, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET size = excluded.size, "
                        "last_used = max(last_used, excluded.last_used)",
                        (key, size, used),
                    )
            self._db.execute("COMMIT")

    def _known(self) -> set[str]:
        with self._db_lock:
            return {key for (key,) in self._db.execute("SELECT key FROM media")}

    def _reconcile(
        self,
        adopt: Iterable[tuple[str, int, float]],
        vanished: Iterable[str],
    ) -> None:
        with self._db_lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO media (key, size, last_used) VALUES (?, ?, ?)", adopt
            )
            self._db.executemany("DELETE FROM media WHERE key = ?", ((k,) for k in vanished))
            self._db.execute("COMMIT")

    def _victims(self, total: int, now: float) -> list[tuple[str, int]]:
        """Keys to remove, least recently used first: the orphans, then enough to get under
        the low-water mark."""
        victims: list[tuple[str, int]] = []
        evicting = self._max_bytes > 0 and total > self._max_bytes
        target = int(self._max_bytes * self._low_water)
        with self._db_lock:
            rows = self._db.execute("SELECT key, size, last_used FROM media ORDER BY last_used")
            for key, size, last_used in rows:
                evicting = evicting and total > target
                orphan = self._orphan_age is not None and last_used < now - self._orphan_age
                if not (orphan or evicting):
                    break
                victims.append((key, size))
                total -= size
        return victims

    def _forget(self, keys: list[str]) -> None:
        with self._db_lock:
            self._db.executemany("DELETE FROM media WHERE key = ?", ((k,) for k in keys))

    async def aclose(self) -> None:
        with self._db_lock:
            self._db.close()
