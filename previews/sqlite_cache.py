"""The embedded default cache: one SQLite file, so a restart keeps previews.

sqlite3 calls block, so they run in a worker thread; one connection in WAL mode, guarded by a
lock, is plenty for a cache whose rows are written once per fetch and read per request.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from previews.cache import decode, encode
from previews.record import Outcome

_SCHEMA = """
CREATE TABLE IF NOT EXISTS previews (
    key TEXT PRIMARY KEY,
    expires_at REAL NOT NULL,
    body BLOB NOT NULL
)
"""
# Expired rows are swept after this many writes, so the file does not grow without bound.
_SWEEP_EVERY = 500


class SqliteCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()
        self._writes = 0

    @classmethod
    def from_url(cls, url: str) -> SqliteCache:
        if not url.startswith("sqlite:///"):
            raise ValueError(f"not a sqlite:/// cache URL: {url!r}")
        return cls(Path(url.removeprefix("sqlite:///")))

    def _get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        placeholders = ",".join("?" * len(keys))
        with self._lock:
            rows = self._db.execute(
                f"SELECT key, body FROM previews WHERE key IN ({placeholders}) AND expires_at > ?",
                (*keys, time.time()),
            ).fetchall()
        return dict(rows)

    async def get_many(self, keys: Sequence[str]) -> dict[str, Outcome]:
        if not keys:
            return {}
        rows = await asyncio.to_thread(self._get_many, keys)
        found = {}
        for key, body in rows.items():
            outcome = decode(body)
            if outcome is not None:
                found[key] = outcome
        return found

    def _put(self, key: str, body: bytes, expires_at: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO previews (key, expires_at, body) VALUES (?, ?, ?)",
                (key, expires_at, body),
            )
            self._writes += 1
            if self._writes % _SWEEP_EVERY == 0:
                self._db.execute("DELETE FROM previews WHERE expires_at <= ?", (time.time(),))

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        await asyncio.to_thread(self._put, key, encode(outcome), time.time() + ttl)

    async def aclose(self) -> None:
        with self._lock:
            self._db.close()
