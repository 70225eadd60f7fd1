"""The embedded cache on a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from previews.record import (
    ErrorCode,
    Failure,
    ImageRef,
    LinkType,
    Preview,
    TiktokUser,
    Visibility,
)
from previews.sqlite_cache import SqliteCache

USER = TiktokUser(
    username="khaby",
    profile_url="https://www.tiktok.com/@khaby",
    visibility=Visibility.PUBLIC,
    verified=True,
    likes_count=2_500_000_000,
    avatar=ImageRef("https://cdn.example/a.jpeg", 720, 720),
)
PREVIEW = Preview(
    url="https://www.tiktok.com/@khaby",
    final_url="https://www.tiktok.com/@khaby",
    domain="tiktok.com",
    type=LinkType.TIKTOK_USER,
    status=200,
    updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    title="Khabane lame (@khaby)",
    details=USER,
)
FAILURE = Failure(url="https://example.com/gone", code=ErrorCode.LINK_IS_GONE, message="Gone.")


async def test_round_trips_previews_and_failures(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite3")
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    await cache.put(FAILURE.url, FAILURE, ttl=60)
    found = await cache.get_many([PREVIEW.url, FAILURE.url, "https://example.com/never"])
    assert found == {PREVIEW.url: PREVIEW, FAILURE.url: FAILURE}
    details = found[PREVIEW.url]
    assert isinstance(details, Preview)
    assert isinstance(details.details, TiktokUser)
    assert details.details.likes_count == 2_500_000_000
    await cache.aclose()


async def test_entries_expire(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite3")
    await cache.put(PREVIEW.url, PREVIEW, ttl=0.05)
    assert await cache.get_many([PREVIEW.url]) == {PREVIEW.url: PREVIEW}
    await asyncio.sleep(0.1)
    assert await cache.get_many([PREVIEW.url]) == {}
    await cache.aclose()


async def test_survives_a_restart(tmp_path: Path) -> None:
    cache = SqliteCache.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    await cache.aclose()
    reopened = SqliteCache.from_url(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert await reopened.get_many([PREVIEW.url]) == {PREVIEW.url: PREVIEW}
    await reopened.aclose()


async def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cache = SqliteCache(path)
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE previews SET body = ?", (b'{"kind": "from-the-future"}',))
    assert await cache.get_many([PREVIEW.url]) == {}
    await cache.aclose()
