"""Section 2: one `previews(urls:)` query of distinct links nobody has asked for yet.

A batch of cold links should cost what its slowest wave of fetches costs: with C fetches in
flight and an origin that takes D to answer, N links take ceil(N / C) × D at best. The app (a
fresh cache, its own subprocess) is asked for N distinct pages of the slow origin, and the
wall time of the whole query is compared with that ideal; the target is read from these
rounds.

Every page of those rounds is on one site, so its /favicon.ico is fetched once and then
remembered. A last round gives each link a host name of its own (all mapped to the slow
origin by a hosts file), as a chat's links from many sites would be: every link then costs its
own icon sub-fetch too, answered after the same delay. Its ideal is the page round trip in
waves of C plus the longest sub-fetch's round trip after the last wave: a page's
sub-fetches start as soon as it is parsed and have slots of their own, so they overlap the
next wave's pages.

Then the same query streamed (bench/first_preview.py): time to the first preview.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import queries
from bench.config import DEFAULT_MAX_URLS, Sizes
from bench.first_preview import FirstResult, run_first
from bench.servers import app_env, free_port, serve
from bench.slow_origin import SlowOrigin, slow_origin


@dataclass(frozen=True, slots=True)
class ColdRound:
    seconds: float
    page_requests: int
    distinct_pages: int
    sub_requests: int
    sub_paths: tuple[str, ...]
    most_in_flight: int
    # Origin requests in flight on average over the query's wall time (the configured
    # concurrency is the best possible), and where the rest of the time went: from sending
    # the query to the first origin request, and from the last origin answer to the reply.
    mean_in_flight: float
    before_first: float
    after_last: float
    previews: int


@dataclass(frozen=True, slots=True)
class ColdResult:
    urls: int
    concurrency: int
    delay: float
    rounds: tuple[ColdRound, ...]
    # One round with a host per link, so every link has its own icon to fetch.
    many_hosts: ColdRound
    # A streamed batch of links of spread latencies: when its first and last cards arrive.
    first: FirstResult

    @property
    def ideal(self) -> float:
        return math.ceil(self.urls / self.concurrency) * self.delay

    @property
    def ideal_many_hosts(self) -> float:
        """Pages in waves of `concurrency`, then one sub-fetch (the icon) after the last."""
        return self.ideal + self.delay

    @property
    def median(self) -> float:
        return statistics.median(round_.seconds for round_ in self.rounds)


def _round(http: httpx.Client, origin: SlowOrigin, urls: list[str]) -> ColdRound:
    body = queries.many(urls)
    origin.reset()
    started = time.perf_counter()
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    seconds = time.perf_counter() - started
    response.raise_for_status()
    document = json.loads(response.content)
    if document.get("errors"):
        raise RuntimeError(f"the cold query failed: {document['errors']}")
    results = document["data"]["previews"]
    finished = started + seconds
    with origin.lock:
        pages, distinct = sum(origin.pages.values()), len(origin.pages)
        subs, most, spans = dict(origin.subs), origin.most_in_flight, list(origin.spans)
    return ColdRound(
        seconds=seconds,
        page_requests=pages,
        distinct_pages=distinct,
        sub_requests=sum(subs.values()),
        sub_paths=tuple(sorted({path.split("?")[0] for _, path in subs})),
        most_in_flight=most,
        mean_in_flight=sum(end - start for start, end in spans) / seconds,
        before_first=min((start for start, _ in spans), default=started) - started,
        after_last=finished - max((end for _, end in spans), default=finished),
        previews=sum(1 for result in results if result["__typename"] == "PagePreview"),
    )


def run_cold(sizes: Sizes, workdir: Path) -> ColdResult:
    with slow_origin(sizes.cold_delay) as origin:
        hosts = [f"site{index}.cold.bench.test" for index in range(sizes.cold_urls)]
        hosts_file = workdir / "cold-hosts"
        hosts_file.write_text(f"{origin.address} {' '.join(hosts)}\n")
        port = free_port()
        env = app_env(
            workdir / "cold-data",
            port,
            hosts_file=hosts_file,
            allow_networks=(f"{origin.address}/32",),
            fetch_concurrency=sizes.fetch_concurrency,
            # The default budget is 50 distinct links a request; the batch is one request.
            max_urls=max(sizes.cold_urls, DEFAULT_MAX_URLS),
        )
        with (
            serve("cold-app", "app:app", env, workdir, port) as app,
            httpx.Client(base_url=app.base_url, timeout=300) as http,
        ):
            # One link first, so that the process has built its connection pool and trust
            # store (and knows the site's icon): a cold batch hits a running server.
            _round(http, origin, [origin.url("warm-up")])
            rounds = tuple(
                _round(http, origin, [origin.url(f"r{run}-{i}") for i in range(sizes.cold_urls)])
                for run in range(sizes.cold_rounds)
            )
            many_hosts = _round(http, origin, [origin.url("p", host) for host in hosts])
    first = run_first(sizes, workdir)
    return ColdResult(
        urls=sizes.cold_urls,
        concurrency=sizes.fetch_concurrency,
        delay=sizes.cold_delay,
        rounds=rounds,
        many_hosts=many_hosts,
        first=first,
    )
