"""Redis as a dependency that can fail, measured at the issue's sizes (the fault suite in
tests/faults/ holds the same properties at smaller ones):

```sh
.venv/bin/python -m bench.redis_faults            # about 2 minutes on 2 cores
.venv/bin/python -m bench.redis_faults --quick    # smaller sizes
```

1. **Cold burst.** Two app processes on one real redis-server; N cold links whose origin
   takes `delay` seconds, sent in batches of 50 to the first instance and, once it has
   started, the same batches to the second. Prints links previewed, errors, and origin
   fetches per link (ideal: one each).
2. **Restarted Redis.** The same on fresh links, both instances at once, Redis killed and
   started again half-way through the origin's delay. Prints answers previewed, batches
   failed and origin fetches (a link may be fetched once more on each instance then).
3. **Hung Redis.** One process with warm links; Redis stopped (SIGSTOP) for `stop` seconds
   while four clients keep asking for the warm links. Prints requests answered during the
   stop and their latency (p50, p99, max), then how long after SIGCONT /readyz says ok.

Needs root (the corpus origin listens on ports 443 and 80), `../shared/corpus`, the dev group
and `redis-server`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import redis.asyncio

from tests.faults.test_instances_under_faults import add_page, instance, previews, title_of
from tests.support.origin import CorpusOrigin, serve_corpus
from tests.support.redis_server import RedisServer, redis_server


def _batches(origin: CorpusOrigin, name: str, links: int) -> tuple[list[str], list[list[str]]]:
    """`links` fresh pages on the origin, and the batches of 50 they are asked for in."""
    urls = [add_page(origin, f"bench-{name}-{n}") for n in range(links)]
    return urls, [urls[start : start + 50] for start in range(0, len(urls), 50)]


def _outcome(
    origin: CorpusOrigin,
    urls: list[str],
    results: list[list[dict[str, Any]] | BaseException],
    sent: list[list[str]],
) -> str:
    """What a burst came to: `results[i]` answers the batch `sent[i]`."""
    failed = sum(isinstance(result, BaseException) for result in results)
    previewed = sum(
        answer.get("title") == title_of(url)
        for result, batch in zip(results, sent, strict=True)
        if not isinstance(result, BaseException)
        for answer, url in zip(result, batch, strict=True)
    )
    fetches = [origin.count(url) for url in urls]
    return (
        f"{previewed}/{sum(map(len, sent))} answers previewed, {failed} batches failed, "
        f"origin fetches {sum(fetches)} (max {max(fetches)} per link)"
    )


async def cold_burst(
    server: RedisServer, origin: CorpusOrigin, work: Path, links: int, delay: float
) -> None:
    urls, batches = _batches(origin, "burst", links)
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(instance("a", server.url, work / "data", origin))
        b = await stack.enter_async_context(instance("b", server.url, work / "data", origin))
        origin.reset()
        origin.delay = delay
        started = time.monotonic()
        first = [asyncio.create_task(previews(a.client, batch)) for batch in batches]
        admin = redis.asyncio.Redis.from_url(server.url)
        while not await admin.keys("linkgraph:lock:*"):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await admin.aclose()
        second = [asyncio.create_task(previews(b.client, batch)) for batch in batches]
        results = await asyncio.gather(*first, *second, return_exceptions=True)
        took = time.monotonic() - started
        origin.delay = 0.0
    print(
        f"cold burst: {links} links x 2 instances, origin {delay:g}s: "
        f"{_outcome(origin, urls, results, batches * 2)}, {took:.1f}s"
    )


async def restarted_redis(
    server: RedisServer, origin: CorpusOrigin, work: Path, links: int, delay: float
) -> None:
    urls, batches = _batches(origin, "restart", links)
    sent = [batch for batch in batches for _ in (0, 1)]
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(instance("ra", server.url, work / "r", origin))
        b = await stack.enter_async_context(instance("rb", server.url, work / "r", origin))
        origin.reset()
        origin.delay = delay
        tasks = [
            asyncio.create_task(previews(client.client, batch))
            for batch in batches
            for client in (a, b)
        ]
        await asyncio.sleep(delay / 2)
        await asyncio.to_thread(server.restart)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        origin.delay = 0.0
    print(
        f"redis restarted mid-burst: {links} links x 2 instances, origin {delay:g}s: "
        f"{_outcome(origin, urls, results, sent)}"
    )


async def hung_redis(server: RedisServer, origin: CorpusOrigin, work: Path, stop: float) -> None:
    warm = [add_page(origin, f"bench-hung-{n}") for n in range(10)]
    async with instance("h", server.url, work / "hung", origin) as app:
        await previews(app.client, warm)
        latencies: list[float] = []
        failures = 0
        server.pause()
        deadline = time.monotonic() + stop

        async def client() -> None:
            nonlocal failures
            while time.monotonic() < deadline:
                sent = time.monotonic()
                try:
                    answers = await previews(app.client, warm)
                    ok = all(
                        a.get("title") == title_of(u) for a, u in zip(answers, warm, strict=True)
                    )
                except Exception:
                    ok = False
                latencies.append(time.monotonic() - sent)
                failures += not ok

        try:
            await asyncio.gather(*(client() for _ in range(4)))
        finally:
            server.resume()
        resumed = time.monotonic()
        while (await app.client.get("/readyz")).json()["status"] != "ok":  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        recovered = time.monotonic() - resumed
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"hung redis: stopped {stop:g}s, {len(latencies)} requests of 10 warm links answered "
        f"({failures} wrong), p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
        f"/readyz ok {recovered:.1f}s after SIGCONT"
    )


async def main(quick: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with serve_corpus(work) as origin, redis_server(work) as server:
            await cold_burst(server, origin, work, 40 if quick else 200, 0.5 if quick else 2.0)
            await restarted_redis(server, origin, work, 40 if quick else 100, 0.5 if quick else 2.0)
            await hung_redis(server, origin, work, 3.0 if quick else 20.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    asyncio.run(main(parser.parse_args().quick))
