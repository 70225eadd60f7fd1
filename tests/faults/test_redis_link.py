"""The process's way to Redis under faults, against a real redis-server that is killed,
restarted and stopped: the breaker opens, refuses without waiting, and closes again on its
own; many waiting links share one pub/sub connection; held locks are renewed in one call."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
import redis

from model.record import Outcome, Preview
from previews.cache import Fetch, encode
from previews.flight import RedisFlight
from previews.redis_cache import RedisCache
from previews.redis_link import RedisLink, RedisUnavailableError
from tests.faults.conftest import until
from tests.previews.scripted import page
from tests.support.redis_server import RedisServer
from web.rate_limit import Budget
from web.redis_buckets import RedisBuckets


class Fallbacks:
    def __init__(self) -> None:
        self.parts: Counter[str] = Counter()

    def redis_fallback(self, part: str) -> None:
        self.parts[part] += 1


def link_to(server: RedisServer, observer: Fallbacks | None = None) -> RedisLink:
    return RedisLink.from_url(server.url, timeout=0.5, observer=observer)


async def test_a_killed_redis_opens_the_circuit_and_a_restart_closes_it(
    faulty_redis: RedisServer,
) -> None:
    fallbacks = Fallbacks()
    link = link_to(faulty_redis, fallbacks)
    await link.call("cache", lambda client: client.set("k", "v"))
    faulty_redis.kill()
    for _ in range(3):
        with pytest.raises(RedisUnavailableError):
            await link.call("cache", lambda client: client.get("k"))
    assert not link.available
    assert link.state() is not None
    # Open: refused without trying, counted as a fallback of its part.
    with pytest.raises(RedisUnavailableError):
        await link.call("rate_limit", lambda client: client.get("k"))
    assert fallbacks.parts == {"cache": 3, "rate_limit": 1}
    await asyncio.to_thread(faulty_redis.start)
    await until(lambda: link.available, "the breaker closed after the restart")
    assert link.state() is None
    assert await link.call("cache", lambda client: client.get("k")) is None  # a new, empty Redis
    await link.aclose()


async def test_a_hung_redis_fails_calls_within_their_deadline_and_is_used_again_after(
    faulty_redis: RedisServer,
) -> None:
    link = link_to(faulty_redis)
    await link.call("cache", lambda client: client.set("k", "v"))
    faulty_redis.pause()
    try:
        failed = 0
        for _ in range(5):
            try:
                await link.call("cache", lambda client: client.get("k"))
            except RedisUnavailableError:
                failed += 1
        # Every call came back while Redis was still stopped: none waited on it for good.
        assert faulty_redis.stopped
        assert failed == 5
        assert not link.available
    finally:
        faulty_redis.resume()
    await until(lambda: link.available, "the breaker closed after SIGCONT")
    assert await link.call("cache", lambda client: client.get("k")) == b"v"
    await link.aclose()


class GatedFetches:
    """Fetches that finish when the test opens the gate, counted per key."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.calls: list[str] = []

    def fetch(self, key: str) -> Fetch:
        async def run() -> Outcome:
            self.calls.append(key)
            await self.gate.wait()
            return page(key)

        return run


async def nothing() -> Outcome | None:
    return None


async def test_waiting_links_share_one_pubsub_connection(faulty_redis: RedisServer) -> None:
    admin = redis.asyncio.Redis.from_url(faulty_redis.url)
    keys = [f"https://example.com/{n}" for n in range(30)]
    for key in keys:  # another instance holds every link
        await admin.set(f"linkgraph:lock:{key}", "other", px=30_000)
    link = link_to(faulty_redis)
    flight = RedisFlight(link)
    fetches = GatedFetches()
    waits = [asyncio.create_task(flight.run(key, fetches.fetch(key), nothing)) for key in keys]
    await until(lambda: len(link.channels) == len(keys), "every link waits")

    async def subscribed() -> dict[str, int]:
        counts = await admin.pubsub_numsub(*(f"linkgraph:done:{key}" for key in keys))
        return {str(channel): int(count) for channel, count in counts}

    for _ in range(600):
        if all(count == 1 for count in (await subscribed()).values()):
            break
        await asyncio.sleep(0.05)
    assert all(count == 1 for count in (await subscribed()).values())
    pubsub_clients = await admin.client_list(_type="pubsub")
    assert len(pubsub_clients) == 1
    # The holder publishes: every waiter gets its own link's outcome, nobody fetches.
    for key in keys:
        await admin.publish(f"linkgraph:done:{key}", encode(page(key, f"held {key}")))
    answers = await asyncio.wait_for(asyncio.gather(*waits), timeout=30)
    assert [answer.title for answer in answers if isinstance(answer, Preview)] == [
        f"held {key}" for key in keys
    ]
    assert fetches.calls == []
    await until(lambda: len(link.channels) == 0, "every waiter left its channel")
    await admin.aclose()
    await link.aclose()


async def test_held_locks_are_renewed_in_one_call_per_tick(faulty_redis: RedisServer) -> None:
    admin = redis.asyncio.Redis.from_url(faulty_redis.url)
    link = link_to(faulty_redis)
    flight = RedisFlight(link, lock_ms=600)  # a tick every 200 ms
    fetches = GatedFetches()
    keys = [f"https://example.com/{n}" for n in range(50)]
    holds = [asyncio.create_task(flight.run(key, fetches.fetch(key), nothing)) for key in keys]
    await until(lambda: len(fetches.calls) == len(keys), "every link is being fetched")
    await admin.config_resetstat()
    # Eight ticks outlast the 600 ms lease: the locks are still there only by being renewed.
    await until(lambda: flight.leases.renewals >= 8, "eight ticks")
    assert all([await admin.get(f"linkgraph:lock:{key}") for key in keys])
    stats = await admin.info("commandstats")
    scripts = sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval"))
    renewals = flight.leases.renewals
    assert renewals - 1 <= scripts <= renewals + 1  # one call per tick, not one per lock
    fetches.gate.set()
    answers = await asyncio.gather(*holds)
    assert all(isinstance(answer, Preview) for answer in answers)
    assert len(flight.leases) == 0
    assert not [key for key in keys if await admin.get(f"linkgraph:lock:{key}")]
    await admin.aclose()
    await flight.aclose()
    await link.aclose()


async def test_the_shared_pubsub_connection_carries_messages_again_after_a_restart(
    faulty_redis: RedisServer,
) -> None:
    link = link_to(faulty_redis)
    # Waiters that never poll the lock: only the pub/sub connection can bring them an answer.
    flight = RedisFlight(link, poll=120)
    fetches = GatedFetches()

    async def held_elsewhere(key: str) -> None:
        admin = redis.asyncio.Redis.from_url(faulty_redis.url)
        await admin.set(f"linkgraph:lock:{key}", "other", px=60_000)
        await admin.aclose()

    async def answered(key: str) -> Outcome:
        waiting = asyncio.create_task(flight.run(key, fetches.fetch(key), nothing))
        await until(lambda: len(link.channels) == 1, "the link waits")
        admin = redis.asyncio.Redis.from_url(faulty_redis.url)
        channel = f"linkgraph:done:{key}"
        for _ in range(600):
            if dict(await admin.pubsub_numsub(channel)).get(channel.encode()):
                break
            await asyncio.sleep(0.05)
        await admin.publish(channel, encode(page(key, f"held {key}")))
        await admin.aclose()
        return await asyncio.wait_for(waiting, timeout=30)

    await held_elsewhere("https://example.com/before")
    before = await answered("https://example.com/before")
    assert isinstance(before, Preview)
    assert before.title == "held https://example.com/before"
    await asyncio.to_thread(faulty_redis.restart)
    await until(lambda: len(link.channels) == 0, "the first waiter left")
    await held_elsewhere("https://example.com/after")
    after = await answered("https://example.com/after")
    assert isinstance(after, Preview)
    assert after.title == "held https://example.com/after"
    assert fetches.calls == []
    await link.aclose()


async def test_the_cache_answers_what_this_process_saw_while_redis_is_down(
    faulty_redis: RedisServer,
) -> None:
    fallbacks = Fallbacks()
    cache = RedisCache(link_to(faulty_redis, fallbacks), stale_ttl=60, owns_link=True)
    seen, written, unseen = (f"https://example.com/{name}" for name in ("seen", "new", "unseen"))
    await cache.put(seen, page(seen), 60)
    faulty_redis.kill()
    found = await cache.get_many([seen, unseen])
    assert set(found) == {seen}
    assert found[seen].fresh
    assert found[seen].outcome == page(seen)
    await cache.put(written, page(written, "written while down"), 60)
    assert (await cache.get_many([written]))[written].outcome == page(written, "written while down")
    assert fallbacks.parts["cache"] >= 3
    await cache.aclose()


async def test_rate_limit_buckets_are_charged_locally_while_redis_is_down(
    faulty_redis: RedisServer,
) -> None:
    buckets = RedisBuckets(link_to(faulty_redis), Budget(capacity=100, refill=0.001))
    assert await buckets.take("key:a", 30) == pytest.approx(70, abs=0.01)
    faulty_redis.kill()
    # Not let through for free: this process's own bucket is charged, request after request.
    assert await buckets.take("key:a", 40) == pytest.approx(60, abs=0.01)
    assert await buckets.take("key:a", 40) == pytest.approx(20, abs=0.01)
    assert await buckets.take("key:a", 0) == pytest.approx(20, abs=0.01)
    await asyncio.to_thread(faulty_redis.start)
    link = buckets._link
    await until(lambda: link.available, "the breaker closed after the restart")
    # Back on the shared (new, empty) Redis.
    assert await buckets.take("key:a", 5) == pytest.approx(95, abs=0.01)
    await link.aclose()
