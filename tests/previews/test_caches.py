"""Cache semantics, identical on a real SQLite file and a real Redis: TTL, failure TTL,
bounded stale time, and a failure never replacing a usable preview.

Time is the test's clock, moved by hand: deadlines are minutes apart, so nothing depends on
how fast the machine runs the test (Redis's own expiry, on its real clock, is minutes off).
"""

from __future__ import annotations

from model.record import ErrorCode, Failure
from previews.cache import Entry
from tests.previews.conftest import CacheFactory
from tests.previews.scripted import page
from tests.support.clock import FakeClock

URL = "https://example.com/a"
PREVIEW = page(URL)
FAILURE = Failure(url=URL, code=ErrorCode.LINK_IS_GONE, message="Gone.")


async def test_round_trips_fresh_previews_and_failures(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=60)
    other = "https://example.com/gone"
    gone = Failure(url=other, code=ErrorCode.LINK_IS_GONE, message="Gone.")
    await cache.put(URL, PREVIEW, ttl=60)
    await cache.put(other, gone, ttl=60)
    found = await cache.get_many([URL, other, "https://example.com/never"])
    assert found == {URL: Entry(PREVIEW, fresh=True), other: Entry(gone, fresh=True)}
    await cache.aclose()


async def test_a_preview_goes_stale_then_expires(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=40)
    await cache.put(URL, PREVIEW, ttl=20)
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=True)}
    clock.advance(30)
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=False)}
    clock.advance(40)
    assert await cache.get_many([URL]) == {}
    await cache.aclose()


async def test_without_stale_time_a_preview_just_expires(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=0)
    await cache.put(URL, PREVIEW, ttl=20)
    clock.advance(30)
    assert await cache.get_many([URL]) == {}
    await cache.aclose()


async def test_a_failure_expires_with_its_own_ttl_and_is_never_stale(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=60)
    await cache.put(URL, FAILURE, ttl=20)
    assert await cache.get_many([URL]) == {URL: Entry(FAILURE, fresh=True)}
    clock.advance(30)
    assert await cache.get_many([URL]) == {}
    await cache.aclose()


async def test_a_failure_keeps_a_stale_preview_and_defers_its_refresh(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=60)
    await cache.put(URL, PREVIEW, ttl=20)
    clock.advance(30)
    await cache.put(URL, FAILURE, ttl=30)
    # Still the preview, and no refresh due until the failure's TTL has passed.
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=True)}
    clock.advance(40)
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=False)}
    await cache.aclose()


async def test_a_failure_does_not_stretch_a_preview_past_its_stale_time(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=30)
    await cache.put(URL, PREVIEW, ttl=10)
    clock.advance(15)
    await cache.put(URL, FAILURE, ttl=60)
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=True)}
    clock.advance(40)
    assert await cache.get_many([URL]) == {}
    await cache.aclose()


async def test_a_failure_replaces_an_expired_preview(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    cache = make_cache(stale_ttl=10)
    await cache.put(URL, PREVIEW, ttl=10)
    clock.advance(30)
    await cache.put(URL, FAILURE, ttl=60)
    assert await cache.get_many([URL]) == {URL: Entry(FAILURE, fresh=True)}
    await cache.aclose()


async def test_a_preview_replaces_a_failure(make_cache: CacheFactory, clock: FakeClock) -> None:
    cache = make_cache(stale_ttl=60)
    await cache.put(URL, FAILURE, ttl=60)
    await cache.put(URL, PREVIEW, ttl=60)
    assert await cache.get_many([URL]) == {URL: Entry(PREVIEW, fresh=True)}
    await cache.aclose()


async def test_survives_reopening(make_cache: CacheFactory, clock: FakeClock) -> None:
    cache = make_cache(stale_ttl=60)
    await cache.put(URL, PREVIEW, ttl=60)
    await cache.aclose()
    reopened = make_cache(stale_ttl=60)
    assert await reopened.get_many([URL]) == {URL: Entry(PREVIEW, fresh=True)}
    await reopened.aclose()
