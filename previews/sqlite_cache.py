"""The embedded default cache: one SQLite file, so a restart keeps previews.

sqlite3 calls block, so they run in a worker thread; one connection in WAL mode, guarded by a
lock, is plenty for a cache whose rows are written once per fetch and read per request.

Entries live in the `entries` table (fresh and stale deadlines side by side). Files written
before stale-while-revalidate have only the old `previews` table, which is left untouched:
its rows read as misses and are fetched again, and an older build can still open the file.

SQLite means one machine, so instances never coordinate fetches (`LocalFlight`): several
workers on one machine may each fetch a cold link once, which is cheap enough not to need a
cross-process lock. Use Redis to share one cache and one fetch across machines.
"""

from __future__ import annotations

import asyncio
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
    body BLOB NOT NULL
)
"""
# Expired rows are swept after this many writes, so the file does not grow without bound.
_SWEEP_EVERY = 500


class SqliteCache:
    def __init__(
        self, path: Path, *, stale_ttl: float = 0.0, clock: Callable[[], float] = time.time
    ) -> None:
        """`clock` gives the epoch seconds that deadlines are stored in (tests move it)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()
        self._writes = 0
        self._stale_ttl = stale_ttl
        self._flight = LocalFlight()
        self._clock = clock

    @classmethod
    def from_url(
        cls, url: str, *, stale_ttl: float = 0.0, clock: Callable[[], float] = time.time
    ) -> SqliteCache:
        if not url.startswith("sqlite:///"):
            raise ValueError(f"not a sqlite:/// cache URL: {url!r}")
        return cls(Path(url.removeprefix("sqlite:///")), stale_ttl=stale_ttl, clock=clock)

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
        return found

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
                        "(key, fresh_until, stale_until, ok, body) VALUES (?, ?, ?, ?, ?)",
                        (key, fresh_until, stale_until, int(not failed), encode(outcome)),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._writes += 1
            if self._writes % _SWEEP_EVERY == 0:
                self._db.execute("DELETE FROM entries WHERE stale_until <= ?", (now,))

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        await asyncio.to_thread(self._put, key, outcome, ttl, self._clock())

    def _ping(self) -> None:
        with self._lock:
            self._db.execute("SELECT 1 FROM entries LIMIT 1").fetchall()

    async def ping(self) -> None:
        await asyncio.to_thread(self._ping)

    async def aclose(self) -> None:
        with self._lock:
            self._db.close()
