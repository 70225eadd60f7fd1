"""The embedded default cache: one SQLite file, so a restart keeps previews.

sqlite3 calls block, so they run in a worker thread; one connection in WAL mode, guarded by a
lock, is plenty for a cache whose rows are written once per fetch and read per request.

Entries live in the `entries` table (fresh and stale deadlines side by side). Files written
before stale-while-revalidate have only the old `previews` table, which is left untouched:
its rows read as misses and are fetched again, and an older build can still open the file.

Space: the file is kept under `max_bytes` by `trim` (the app's retention loop calls it): the
entries least recently served go first (reads are noted in memory and written by `trim`, so
a read stays a read), and freed pages go back to the filesystem by incremental vacuum (the file
is switched to `auto_vacuum=INCREMENTAL` once, on open). A write that fails (a full disk) is
rolled back only if SQLite has not already done so, so the error raised, and logged by the
service, is the real cause rather than "cannot rollback".

SQLite means one machine, so instances never coordinate fetches (`LocalFlight`): several
workers on one machine may each fetch a cold link once, which is cheap enough not to need a
cross-process lock. Use Redis to share one cache and one fetch across machines.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from model.record import Failure, Outcome
from previews.cache import Entry, Flight, LocalFlight, decode, encode

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    fresh_until REAL NOT NULL,
    stale_until REAL NOT NULL,
    ok INTEGER NOT NULL,
    body BLOB NOT NULL,
    served REAL NOT NULL DEFAULT 0
)
"""
# Expired rows are swept after this many writes, so the file does not grow without bound.
_SWEEP_EVERY = 500
# Reads noted between trims at most (a hot key is noted once).
_MAX_NOTED_READS = 100_000
# What a trim brings the file down to, as a share of the budget, so it does not trim again
# at the next write.
_LOW_WATER = 0.9

log = logging.getLogger(__name__)


class SqliteCache:
    def __init__(
        self,
        path: Path,
        *,
        stale_ttl: float = 0.0,
        clock: Callable[[], float] = time.time,
        max_bytes: int = 0,
    ) -> None:
        """`clock` gives the epoch seconds that deadlines are stored in (tests move it);
        `max_bytes` is what `trim` keeps the file under (0: no budget)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if self._db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            # Takes effect on a new file at once, on an existing one with this one VACUUM.
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._db.execute("VACUUM")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(entries)")}
        if "served" not in columns:  # a file from before the budget
            self._db.execute("ALTER TABLE entries ADD COLUMN served REAL NOT NULL DEFAULT 0")
        self._max_bytes = max_bytes
        self._reads: dict[str, float] = {}
        self._lock = threading.Lock()
        self._writes = 0
        self._stale_ttl = stale_ttl
        self._flight = LocalFlight()
        self._clock = clock

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        stale_ttl: float = 0.0,
        clock: Callable[[], float] = time.time,
        max_bytes: int = 0,
    ) -> SqliteCache:
        if not url.startswith("sqlite:///"):
            raise ValueError(f"not a sqlite:/// cache URL: {url!r}")
        return cls(
            Path(url.removeprefix("sqlite:///")),
            stale_ttl=stale_ttl,
            clock=clock,
            max_bytes=max_bytes,
        )

    @property
    def flight(self) -> Flight:
        return self._flight

    def _get_many(self, keys: Sequence[str], now: float) -> list[tuple[str, float, bytes]]:
        placeholders = ",".join("?" * len(keys))
        with self._lock:
            rows: list[tuple[str, float, bytes]] = self._db.execute(
                f"SELECT key, fresh_until, body FROM entries WHERE key IN ({placeholders}) "
                "AND stale_until > ?",
                (*keys, now),
            ).fetchall()
        return rows

    async def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        if not keys:
            return {}
        now = self._clock()
        rows = await asyncio.to_thread(self._get_many, keys, now)
        found = {}
        for key, fresh_until, body in rows:
            outcome = decode(body)
            if outcome is not None:
                found[key] = Entry(outcome, fresh=fresh_until > now)
                self._note_read(key, now)
        return found

    def _note_read(self, key: str, now: float) -> None:
        self._reads.pop(key, None)
        self._reads[key] = now
        if len(self._reads) > _MAX_NOTED_READS:
            del self._reads[next(iter(self._reads))]

    def _put(self, key: str, outcome: Outcome, ttl: float, now: float) -> None:
        failed = isinstance(outcome, Failure)
        fresh_until = now + ttl
        stale_until = fresh_until if failed else fresh_until + self._stale_ttl
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                kept = (
                    failed
                    and self._db.execute(
                        "UPDATE entries SET fresh_until = min(?, stale_until) "
                        "WHERE key = ? AND ok = 1 AND stale_until > ?",
                        (fresh_until, key, now),
                    ).rowcount
                )
                if not kept:
                    self._db.execute(
                        "INSERT OR REPLACE INTO entries "
                        "(key, fresh_until, stale_until, ok, body, served) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (key, fresh_until, stale_until, int(not failed), encode(outcome), now),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself on some errors (SQLITE_FULL among them); a
                # second ROLLBACK would raise "cannot rollback" over the real cause.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._writes += 1
            if self._writes % _SWEEP_EVERY == 0:
                self._db.execute("DELETE FROM entries WHERE stale_until <= ?", (now,))
                self._give_back_free_pages()

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        await asyncio.to_thread(self._put, key, outcome, ttl, self._clock())

    def _give_back_free_pages(self) -> None:
        # executescript steps the pragma to its end; execute() would free a single page.
        self._db.executescript("PRAGMA incremental_vacuum;")

    def used_bytes(self) -> int:
        """Bytes the file holds in live pages (free pages are given back by `trim`)."""
        with self._lock:
            return self._used_bytes()

    def _used_bytes(self) -> int:
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        size: int = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    def _trim(self, reads: dict[str, float], now: float) -> int:
        """Write the noted reads, drop expired entries, then the least recently served until
        under the low-water mark of `max_bytes`; give free pages back. Rows removed."""
        removed = 0
        with self._lock:
            self._db.executemany(
                "UPDATE entries SET served = max(served, ?) WHERE key = ?",
                ((at, key) for key, at in reads.items()),
            )
            removed += self._db.execute(
                "DELETE FROM entries WHERE stale_until <= ?", (now,)
            ).rowcount
            target = int(self._max_bytes * _LOW_WATER)
            while self._max_bytes and self._used_bytes() > self._max_bytes * (
                _LOW_WATER if removed else 1
            ):
                rows = self._db.execute("SELECT count(*) FROM entries").fetchone()[0]
                if not rows:
                    break
                used = self._used_bytes()
                share = max(1, math.ceil(rows * (used - target) / used))
                removed += self._db.execute(
                    "DELETE FROM entries WHERE key IN "
                    "(SELECT key FROM entries ORDER BY served LIMIT ?)",
                    (share,),
                ).rowcount
            self._give_back_free_pages()
        if removed:
            log.info("preview cache trimmed: %d entries removed", removed)
        return removed

    async def trim(self) -> int:
        # Taken here, on the loop that notes reads, so no read is noted into it meanwhile.
        reads, self._reads = self._reads, {}
        return await asyncio.to_thread(self._trim, reads, self._clock())

    def _ping(self) -> None:
        with self._lock:
            self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchall()

    async def ping(self) -> None:
        await asyncio.to_thread(self._ping)

    async def aclose(self) -> None:
        with self._lock:
            self._db.close()
