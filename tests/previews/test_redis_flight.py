"""Single flight across instances sharing one real Redis: one fetch per cold key, waiters
get the holder's outcome, and a dead holder's lock lapses so a waiter takes over."""

from __future__ import annotations

import asyncio

import redis.asyncio

from model.record import Preview
from previews.redis_cache import RedisCache
from previews.service import PreviewService
from tests.previews.scripted import ScriptedBackend

URL = "https://example.com/a"


def instance(redis_url: str, backend: ScriptedBackend) -> PreviewService:
    return PreviewService(
        backend, RedisCache.from_url(redis_url, stale_ttl=60), ttl=60, failure_ttl=60
    )


async def test_instances_fetch_a_cold_key_once(redis_url: str) -> None:
    backends = [ScriptedBackend() for _ in range(3)]
    services = [instance(redis_url, backend) for backend in backends]
    asks = [asyncio.create_task(service.get_many([URL])) for service in services for _ in range(5)]
    await asyncio.sleep(0.3)
    for backend in backends:
        backend.gate.set()
    answers = await asyncio.gather(*asks)
    assert sum(len(backend.calls) for backend in backends) == 1
    assert all(answer == answers[0] for answer in answers)
    assert isinstance(answers[0][0], Preview)
    for service in services:
        await service.aclose()


async def test_a_waiter_takes_over_from_a_dead_holder(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    # A holder that took the lock and died: nobody renews or releases it.
    await client.set(f"linkgraph:lock:{URL}", "dead", px=500)
    backend = ScriptedBackend()
    backend.gate.set()
    service = instance(redis_url, backend)
    [outcome] = await asyncio.wait_for(service.get_many([URL]), timeout=30)
    assert isinstance(outcome, Preview)
    assert backend.calls == [URL]
    assert await client.get(f"linkgraph:lock:{URL}") is None, "the lock was released"
    await service.aclose()
    await client.aclose()


async def test_a_waiter_does_not_fetch_what_a_holder_already_stored(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    await client.set(f"linkgraph:lock:{URL}", "other", px=10_000)
    first, second = ScriptedBackend(), ScriptedBackend()
    first.gate.set()
    second.gate.set()
    waiting = instance(redis_url, second)
    asked = asyncio.create_task(waiting.get_many([URL]))
    await asyncio.sleep(0.3)
    # The other instance finishes without a message this waiter could hear: it stored the
    # outcome and dropped its lock; the waiter must find it in the cache, not fetch.
    holder = instance(redis_url, first)
    await holder._fetch(URL)
    await client.delete(f"linkgraph:lock:{URL}")
    [outcome] = await asyncio.wait_for(asked, timeout=30)
    assert isinstance(outcome, Preview)
    assert first.calls == [URL]
    assert second.calls == []
    for service in (waiting, holder):
        await service.aclose()
    await client.aclose()
