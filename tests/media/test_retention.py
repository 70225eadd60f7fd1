"""Retention on both stores: the byte budget removes the least recently served media first,
unused media age out, objects removed by hand are reported lost, crash leftovers go."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest

from media.retention import MediaRetention
from media.store import FileMediaStore, MediaStore
from tests.support.clock import FakeClock
from tests.support.s3_server import S3Server, s3_store

SIZE = 1000


@pytest.fixture(params=["directory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    if request.param == "directory":
        return FileMediaStore(tmp_path / "media")
    server: S3Server = request.getfixturevalue("s3_server")
    return s3_store(server, f"retention-{secrets.token_hex(6)}")


def retention_for(
    store: MediaStore, tmp_path: Path, clock: FakeClock, **options: float
) -> tuple[MediaRetention, list[str]]:
    lost: list[str] = []
    max_bytes = int(options.pop("max_bytes", 0))
    retention = MediaRetention(
        store, tmp_path / "ledger.sqlite3", max_bytes=max_bytes, clock=clock, **options
    )
    retention.on_lost = lost.append
    return retention, lost


async def put(store: MediaStore, retention: MediaRetention, index: int) -> str:
    data = index.to_bytes(4, "big") * (SIZE // 4)
    key = await store.put(data, "image/png")
    retention.stored(key, len(data))
    return key


async def test_the_budget_keeps_the_most_recently_served(store: MediaStore, tmp_path: Path) -> None:
    clock = FakeClock()
    retention, lost = retention_for(store, tmp_path, clock, max_bytes=10 * SIZE)
    keys = []
    for index in range(30):
        keys.append(await put(store, retention, index))
        clock.advance(10)
    # The first five, stored longest ago, are served now: they are the most recently used.
    for key in keys[:5]:
        retention.served(key)
    report = await retention.sweep()
    stored = {info.key for info in await store.list()}
    assert await store.size() <= 10 * SIZE
    assert report.stored_bytes == await store.size()
    # Down to the low-water mark (90%): nine objects, the five served and the four newest.
    assert stored == set(keys[:5]) | set(keys[-4:])
    assert report.evicted == 21
    assert set(lost) == set(keys) - stored
    # Under budget, a second sweep removes nothing.
    assert (await retention.sweep()).evicted == 0
    await retention.aclose()


async def test_many_links_stay_within_the_budget(store: MediaStore, tmp_path: Path) -> None:
    """Sweeping as it goes, a long run of new media never holds more than the budget plus
    what arrives between two sweeps."""
    clock = FakeClock()
    retention, _ = retention_for(store, tmp_path, clock, max_bytes=20 * SIZE)
    peak = 0
    for batch in range(10):
        for index in range(15):
            await put(store, retention, batch * 100 + index)
            clock.advance(1)
        peak = max(peak, await store.size())
        await retention.sweep()
        assert await store.size() <= 20 * SIZE
    assert peak <= 20 * SIZE + 15 * SIZE
    await retention.aclose()


async def test_unused_media_age_out_and_a_new_use_keeps_them(
    store: MediaStore, tmp_path: Path
) -> None:
    clock = FakeClock()
    retention, lost = retention_for(store, tmp_path, clock, orphan_age=3600)
    old, again, served = [await put(store, retention, i) for i in range(3)]
    clock.advance(3000)
    retention.stored(again, SIZE)  # a refreshed preview stored it again
    retention.served(served)
    clock.advance(1000)
    report = await retention.sweep()
    assert report.evicted == 1
    assert lost == [old]
    assert {info.key for info in await store.list()} == {again, served}
    await retention.aclose()


async def test_media_written_elsewhere_are_adopted_and_ones_removed_by_hand_are_lost(
    store: MediaStore, tmp_path: Path
) -> None:
    clock = FakeClock()
    retention, lost = retention_for(store, tmp_path, clock)
    mine = await put(store, retention, 1)
    await retention.sweep()
    # Another instance (or an older run) wrote this one; this process never saw it.
    theirs = await store.put(b"x" * SIZE, "image/jpeg")
    assert await store.delete(mine)  # an operator's rm
    report = await retention.sweep()
    assert (report.adopted, report.vanished) == (1, 1)
    assert lost == [mine]
    assert report.objects == 1
    assert [info.key for info in await store.list()] == [theirs]
    await retention.aclose()


async def test_uses_survive_a_restart(store: MediaStore, tmp_path: Path) -> None:
    """Last uses live in the ledger, so a restarted process evicts by them, not by age."""
    clock = FakeClock()
    first, _ = retention_for(store, tmp_path, clock, max_bytes=3 * SIZE)
    keys = [await put(store, first, i) for i in range(3)]
    clock.advance(10)
    first.served(keys[0])
    await first.sweep()
    await first.aclose()
    second, lost = retention_for(store, tmp_path, clock, max_bytes=3 * SIZE)
    await put(store, second, 3)
    await second.sweep()
    assert keys[0] not in lost
    assert lost[0] == keys[1]
    await second.aclose()


async def test_the_sweep_removes_crash_leftovers(tmp_path: Path) -> None:
    store = FileMediaStore(tmp_path / "media")
    retention, _ = retention_for(store, tmp_path, FakeClock())
    key = await put(store, retention, 1)
    leftover = tmp_path / "media" / key[:2] / ".incoming-abc"
    leftover.write_bytes(b"partial")
    hours_ago = time.time() - 3 * 3600
    os.utime(leftover, (hours_ago, hours_ago))
    assert (await retention.sweep()).leftovers == 1
    assert not leftover.exists()
    await retention.aclose()
