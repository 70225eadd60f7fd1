"""Real app processes on one real Redis that is killed, restarted and stopped mid-load
(the Redis findings of "Holds under faults at scale"), with origin fetches counted.

Each instance is a `uvicorn app:app` subprocess; pages are served by the corpus origin under
a corpus host, each with a title of its own that the test reads back.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio

from tests.faults.conftest import until
from tests.support.origin import CorpusOrigin
from tests.support.process import AppProcess, app_process
from tests.support.redis_server import RedisServer

BATCH = """query ($urls: [String!]!) { previews(urls: $urls) {
  __typename ... on LinkPreview { url title } ... on PreviewError { url code message } } }"""
PAGE = b"<html><head><title>%s</title></head><body>a page for the fault tests</body></html>"


def add_page(origin: CorpusOrigin, name: str) -> str:
    url = f"https://github.com/linkgraph-faults/{name}"
    origin.add(url, PAGE % f"Title of {name}".encode())
    return url


def title_of(url: str) -> str:
    return f"Title of {url.rsplit('/', 1)[1]}"


@asynccontextmanager
async def instance(
    name: str, redis_url: str, data_dir: Path, origin: CorpusOrigin, **env: str
) -> AsyncIterator[AppProcess]:
    environment = {
        "LINKGRAPH_CACHE_URL": redis_url,
        "LINKGRAPH_DATA_DIR": str(data_dir),
        "LINKGRAPH_HOSTS_FILE": str(origin.hosts_path),
        "LINKGRAPH_ALLOW_NETWORKS": f"{origin.address}/32",
        "LINKGRAPH_CA_BUNDLE": str(origin.ca_path),
        "LINKGRAPH_RATE_CAPACITY": "1000000",
        "LINKGRAPH_HOST_BURST": "200",
        "LINKGRAPH_HOST_RATE": "200",
        **env,
    }
    async with app_process(environment, data_dir.parent / f"{name}.log") as app:
        yield app


async def previews(client: httpx.AsyncClient, urls: list[str]) -> list[dict[str, Any]]:
    """The batch's answers, after checking the request as a whole succeeded."""
    response = await client.post("/graphql", json={"query": BATCH, "variables": {"urls": urls}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    answers: list[dict[str, Any]] = body["data"]["previews"]
    return answers


def assert_previewed(answers: list[dict[str, Any]], urls: list[str]) -> None:
    assert [answer.get("url") for answer in answers] == urls, answers
    for answer, url in zip(answers, urls, strict=True):
        assert answer["__typename"] != "PreviewError", answer
        assert answer["title"] == title_of(url)


def metric(text: str, series: str) -> float:
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not in the metrics")


async def test_two_instances_preview_a_cold_burst_with_one_fetch_per_link(
    faulty_redis: RedisServer, tmp_path: Path, origin: CorpusOrigin
) -> None:
    # More links waited for at once on one instance than redis-py's default pool had
    # connections (100), when each waiting link held a pub/sub connection of its own.
    links = [add_page(origin, f"burst-{n}") for n in range(150)]
    batches = [links[start : start + 50] for start in range(0, len(links), 50)]
    data_dir = tmp_path / "data"
    # The default pool (32 connections, waited for); a generous deadline, so that a loaded
    # CI machine does not open the breaker (which would fetch links twice, by design).
    patient = {"LINKGRAPH_REDIS_TIMEOUT": "3"}
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(
            instance("a", faulty_redis.url, data_dir, origin, **patient)
        )
        b = await stack.enter_async_context(
            instance("b", faulty_redis.url, data_dir, origin, **patient)
        )
        origin.reset()
        origin.delay = 0.5
        try:
            first = [asyncio.create_task(previews(a.client, batch)) for batch in batches]
            # The same batches on the second instance once the first has started on them.
            admin = redis.asyncio.Redis.from_url(faulty_redis.url)
            for _ in range(600):
                if await admin.keys("linkgraph:lock:*"):
                    break
                await asyncio.sleep(0.05)
            await admin.aclose()
            second = [asyncio.create_task(previews(b.client, batch)) for batch in batches]
            answers = await asyncio.gather(*first, *second)
        finally:
            origin.delay = 0.0
    for batch, answer in zip(batches * 2, answers, strict=True):
        assert_previewed(answer, batch)
    assert {url: origin.count(url) for url in links} == dict.fromkeys(links, 1)


async def test_a_redis_restart_loses_no_waiter_and_no_batch(
    faulty_redis: RedisServer, tmp_path: Path, origin: CorpusOrigin
) -> None:
    slow, warm = add_page(origin, "restart-slow"), add_page(origin, "restart-warm")
    data_dir = tmp_path / "data"
    admin = redis.asyncio.Redis.from_url(faulty_redis.url)
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(instance("a", faulty_redis.url, data_dir, origin))
        b = await stack.enter_async_context(instance("b", faulty_redis.url, data_dir, origin))
        assert_previewed(await previews(b.client, [warm]), [warm])
        origin.reset()
        origin.delay = 3.0
        try:
            holder = asyncio.create_task(previews(a.client, [slow]))
            for _ in range(600):
                if await admin.exists(f"linkgraph:lock:{slow}"):
                    break
                await asyncio.sleep(0.05)
            waiters = [asyncio.create_task(previews(b.client, [slow, warm])) for _ in range(5)]
            channel = f"linkgraph:done:{slow}"
            for _ in range(600):
                if dict(await admin.pubsub_numsub(channel)).get(channel.encode()):
                    break
                await asyncio.sleep(0.05)
            assert not holder.done()
            assert not any(waiter.done() for waiter in waiters)
            await admin.aclose()
            # Redis goes away while A fetches and B's five requests wait for A's result.
            await asyncio.to_thread(faulty_redis.restart)
            answers = await asyncio.gather(holder, *waiters)
        finally:
            origin.delay = 0.0
    assert_previewed(answers[0], [slow])
    for answer in answers[1:]:
        assert_previewed(answer, [slow, warm])
    # A fetched it, and B at most once more after Redis broke off its wait.
    assert 1 <= origin.count(slow) <= 2


async def test_a_hung_redis_leaves_requests_answered_and_sigterm_honoured(
    faulty_redis: RedisServer, tmp_path: Path, origin: CorpusOrigin
) -> None:
    warm = [add_page(origin, f"hung-warm-{n}") for n in range(5)]
    cold = add_page(origin, "hung-cold")
    later = add_page(origin, "hung-later")
    data_dir = tmp_path / "data"
    quick = {"LINKGRAPH_REDIS_TIMEOUT": "0.5"}
    async with instance("a", faulty_redis.url, data_dir, origin, **quick) as a:
        assert_previewed(await previews(a.client, warm), warm)
        assert (await a.client.get("/readyz")).json()["status"] == "ok"
        faulty_redis.pause()
        try:
            # A deadline for the test, not a measurement: a hang fails it rather than CI.
            async with asyncio.timeout(120):
                for _ in range(30):
                    assert_previewed(await previews(a.client, warm), warm)
                assert_previewed(await previews(a.client, [cold]), [cold])
                ready = await a.client.get("/readyz")
                scrape = (await a.client.get("/metrics")).text
            # All of it answered while Redis was still stopped.
            assert faulty_redis.stopped
        finally:
            faulty_redis.resume()
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert set(ready.json()["degraded"]) == {"redis"}
        assert metric(scrape, "linkgraph_redis_up") == 0
        assert metric(scrape, 'linkgraph_redis_fallbacks_total{part="cache"}') > 0
        assert metric(scrape, 'linkgraph_redis_fallbacks_total{part="rate_limit"}') > 0

        # Recovery without a restart: Redis is used again, and shares what is fetched now.
        async def recovered() -> bool:
            status: str = (await a.client.get("/readyz")).json()["status"]
            return status == "ok"

        for _ in range(600):
            if await recovered():
                break
            await asyncio.sleep(0.05)
        assert await recovered()
        scrape = (await a.client.get("/metrics")).text
        assert metric(scrape, "linkgraph_redis_up") == 1
        assert_previewed(await previews(a.client, [later]), [later])
        admin = redis.asyncio.Redis.from_url(faulty_redis.url)
        assert await admin.exists(f"linkgraph:entry:{later}")
        await admin.aclose()

        # Stopped again, with a request in flight: SIGTERM still ends the process.
        faulty_redis.pause()
        try:
            origin.delay = 1.0
            in_flight = asyncio.create_task(previews(a.client, [add_page(origin, "hung-term")]))
            await until(lambda: len(origin.hits) > 0 or in_flight.done(), "a fetch started")
            os.kill(a.process.pid, signal.SIGTERM)
            await asyncio.wait_for(a.process.wait(), timeout=30)
            assert faulty_redis.stopped
        finally:
            origin.delay = 0.0
            faulty_redis.resume()
        assert a.process.returncode is not None
        in_flight.cancel()
        await asyncio.gather(in_flight, return_exceptions=True)
