"""Stale-while-revalidate through the service, on both caches: a stale preview is served at
once and refreshed once in the background; a failed refresh keeps it; stale time is bounded."""

from __future__ import annotations

import asyncio

from model.record import Failure, Preview
from previews.service import PreviewService
from tests.previews.conftest import CacheFactory
from tests.previews.scripted import ScriptedBackend, settle
from tests.support.clock import FakeClock

URL = "https://example.com/a"


async def warm_then_stale(
    make_cache: CacheFactory, backend: ScriptedBackend, clock: FakeClock, stale_ttl: float = 600
) -> PreviewService:
    """A service whose one preview has just gone stale (on the test's clock)."""
    service = PreviewService(
        backend, make_cache(stale_ttl=stale_ttl), ttl=20, failure_ttl=600, clock=clock
    )
    backend.gate.set()
    await service.get_many([URL])
    clock.advance(30)
    backend.gate.clear()
    return service


async def test_a_stale_preview_is_served_at_once_then_refreshed(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock)
    backend.title = "v2"
    # The backend is blocked, yet the answer comes back: it did not wait for the refresh.
    [stale] = await asyncio.wait_for(service.get_many([URL]), timeout=10)
    assert isinstance(stale, Preview)
    assert stale.title == "v1"
    backend.gate.set()
    await settle(service)
    assert backend.calls == [URL, URL], "the stale preview started a refresh"
    [fresh] = await service.get_many([URL])
    assert isinstance(fresh, Preview)
    assert fresh.title == "v2"
    assert backend.calls == [URL, URL]
    await service.aclose()


async def test_a_stale_key_is_refreshed_once_however_often_it_is_asked(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock)
    answers = await asyncio.gather(*(service.get_many([URL]) for _ in range(20)))
    assert all(answer == answers[0] for answer in answers)
    backend.gate.set()
    await settle(service)
    assert backend.calls == [URL, URL]
    await service.aclose()


async def test_a_failed_refresh_keeps_serving_the_stale_preview(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock)
    backend.failing = True
    backend.gate.set()
    [first] = await service.get_many([URL])
    await settle(service)
    [second] = await service.get_many([URL])
    await settle(service)
    assert isinstance(first, Preview)
    assert second == first
    # The failure pushed the next attempt out by failure_ttl: no refresh per request.
    assert backend.calls == [URL, URL]
    await service.aclose()


async def test_past_its_stale_time_a_preview_is_fetched_again(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock, stale_ttl=10)
    clock.advance(10)
    backend.failing = True
    backend.gate.set()
    [outcome] = await service.get_many([URL])
    assert isinstance(outcome, Failure), "an expired preview must not be served"
    assert backend.calls == [URL, URL]
    await service.aclose()


async def test_closing_cancels_a_refresh_that_does_not_finish(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock)
    service._shutdown_grace = 0.1
    await service.get_many([URL])
    await asyncio.sleep(0.05)
    await asyncio.wait_for(service.aclose(), timeout=10)
    assert backend.cancelled == [URL]


async def test_closing_lets_a_quick_refresh_finish(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = await warm_then_stale(make_cache, backend, clock)
    await service.get_many([URL])
    asyncio.get_running_loop().call_later(0.05, backend.gate.set)
    await service.aclose()
    assert backend.finished == [URL, URL]
    assert backend.cancelled == []
