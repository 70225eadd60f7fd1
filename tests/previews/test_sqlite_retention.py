"""The SQLite cache within its byte budget, and what a full disk looks like from outside."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import msgspec
import pytest

from model.record import Preview
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from tests.previews.scripted import ScriptedBackend, page
from tests.support.clock import FakeClock

BODY = 2000  # bytes of title per entry, so a few hundred entries make a file worth trimming


def big(url: str) -> Preview:
    return msgspec.structs.replace(page(url), title="x" * BODY)


def urls(count: int, start: int = 0) -> list[str]:
    return [f"https://example.com/{index}" for index in range(start, start + count)]


def fill_the_disk(cache: SqliteCache) -> None:
    """SQLite's own page limit: writes beyond it fail with SQLITE_FULL exactly as on a full
    filesystem (the same error code and message), on the real file."""
    pages = cache._db.execute("PRAGMA page_count").fetchone()[0]
    cache._db.execute(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_raises_its_real_cause(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite3")
    await cache.put("https://example.com/0", big("https://example.com/0"), ttl=60)
    fill_the_disk(cache)
    url = "https://example.com/1"
    large = msgspec.structs.replace(big(url), title="x" * BODY * 20)
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        await cache.put(url, large, ttl=60)
    # The connection is still usable: reads answer, the earlier entry is there.
    assert "https://example.com/0" in await cache.get_many(["https://example.com/0"])
    await cache.aclose()


async def test_a_full_disk_still_answers_and_logs_why_nothing_is_cached(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite3")
    fill_the_disk(cache)
    backend = ScriptedBackend()
    backend.title = "t" * BODY * 4
    backend.gate.set()
    service = PreviewService(backend, cache, ttl=60, failure_ttl=60)
    with caplog.at_level(logging.ERROR, logger="previews.service"):
        outcomes = await service.get_many(urls(3))
    assert all(isinstance(outcome, Preview) for outcome in outcomes)
    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert "cache write failed" in logged
    assert "database or disk is full" in logged
    assert "cannot rollback" not in logged
    await service.aclose()


async def test_trim_keeps_the_file_in_budget_and_the_most_recently_served(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    path = tmp_path / "c.sqlite3"
    cache = SqliteCache(path, clock=clock, stale_ttl=3600)
    everything = urls(400)
    for url in everything:
        await cache.put(url, big(url), ttl=3600)
        clock.advance(1)
    budget = cache.used_bytes() // 4
    await cache.aclose()
    # Reopened with a budget a quarter of what it holds; the first twenty, written longest
    # ago, are read now.
    trimmed = SqliteCache(path, clock=clock, stale_ttl=3600, max_bytes=budget)
    served = everything[:20]
    assert len(await trimmed.get_many(served)) == 20
    clock.advance(1)
    removed = await trimmed.trim()
    assert removed > 0
    assert trimmed.used_bytes() <= budget
    kept = await trimmed.get_many(everything)
    assert set(served) <= set(kept)
    newest = everything[-1]
    assert newest in kept
    # The least recently served went first: the kept ones are the served and the newest.
    unserved_kept = [url for url in everything if url in kept and url not in served]
    assert unserved_kept == everything[len(everything) - len(unserved_kept) :]
    # Incremental vacuum gave the freed pages back: the file itself shrank.
    pages = trimmed._db.execute("PRAGMA page_count").fetchone()[0]
    size = trimmed._db.execute("PRAGMA page_size").fetchone()[0]
    assert pages * size <= budget * 1.2
    assert trimmed._db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    await trimmed.aclose()


async def test_an_older_file_gains_incremental_vacuum_and_the_served_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE entries (key TEXT PRIMARY KEY, fresh_until REAL NOT NULL, "
            "stale_until REAL NOT NULL, ok INTEGER NOT NULL, body BLOB NOT NULL)"
        )
    db.close()
    cache = SqliteCache(path)
    assert cache._db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    await cache.put("https://example.com/a", big("https://example.com/a"), ttl=60)
    assert "https://example.com/a" in await cache.get_many(["https://example.com/a"])
    assert await cache.trim() == 0
    await cache.aclose()
