"""What only the SQLite file has: typed round trips, old files, unreadable rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from model.record import ImageRef, LinkType, Preview, TiktokUser, Visibility
from previews.cache import Entry
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


async def test_typed_details_round_trip(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite3")
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    found = (await cache.get_many([PREVIEW.url]))[PREVIEW.url].outcome
    assert isinstance(found, Preview)
    assert isinstance(found.details, TiktokUser)
    assert found.details.likes_count == 2_500_000_000
    await cache.aclose()


async def test_a_file_from_before_stale_while_revalidate_opens_and_reads_as_misses(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE previews (key TEXT PRIMARY KEY, expires_at REAL NOT NULL, "
            "body BLOB NOT NULL)"
        )
        db.execute("INSERT INTO previews VALUES (?, ?, ?)", (PREVIEW.url, 1e12, b"{}"))
    cache = SqliteCache.from_url(f"sqlite:///{path}", stale_ttl=60)
    assert await cache.get_many([PREVIEW.url]) == {}
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    assert await cache.get_many([PREVIEW.url]) == {PREVIEW.url: Entry(PREVIEW, fresh=True)}
    await cache.aclose()


async def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cache = SqliteCache(path)
    await cache.put(PREVIEW.url, PREVIEW, ttl=60)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET body = ?", (b'{"kind": "from-the-future"}',))
    assert await cache.get_many([PREVIEW.url]) == {}
    await cache.aclose()
