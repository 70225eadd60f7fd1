"""Section 2b: time to first preview. One `previews(urls:)` query with `@stream`, read as
multipart/mixed, whose links answer after latencies spread from the fastest to the slowest:
when does the first card arrive, and the last, against those links' own latencies?

A streamed batch should show its first card one fastest-link round trip after asking (plus
the service's own work), whatever the slowest link does; the last one arrives when the slowest
link is done. The links are on one site, whose icon the warm-up fetched, so each costs its
page alone; they are listed in a shuffled order, so the first one asked is not the fastest.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.config import DEFAULT_MAX_URLS, Sizes
from bench.servers import app_env, free_port, serve
from bench.slow_origin import slow_origin
from tests.support.multipart import parts

STREAMED = """
query Streamed($urls: [String!]!) {
  previews(urls: $urls) @stream(initialCount: 0) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { url code message }
  }
}
"""


@dataclass(frozen=True, slots=True)
class FirstResult:
    urls: int
    fastest: float
    slowest: float
    # Seconds from sending the query to the first part (no previews yet), the first
    # preview, and the last.
    first_part: float
    first_item: float
    last_item: float
    items: int
    # Whether the items arrived fastest link first (each no later than any slower link).
    in_latency_order: bool

    @property
    def first_over_fastest(self) -> float:
        """How much later than the fastest link's own latency the first card arrived."""
        return self.first_item - self.fastest


def _latencies(sizes: Sizes) -> list[float]:
    n = sizes.first_urls
    step = (sizes.first_slowest - sizes.first_fastest) / max(1, n - 1)
    return [sizes.first_fastest + i * step for i in range(n)]


def run_first(sizes: Sizes, workdir: Path) -> FirstResult:
    latencies = _latencies(sizes)
    with slow_origin(sizes.first_fastest) as origin:
        names = [f"first-{i}" for i in range(len(latencies))]
        for name, seconds in zip(names, latencies, strict=True):
            origin.delays[f"/page/{name}"] = seconds
        asked = names[:]
        random.Random(7).shuffle(asked)
        latency_of = {
            origin.url(name): seconds for name, seconds in zip(names, latencies, strict=True)
        }
        port = free_port()
        env = app_env(
            workdir / "first-data",
            port,
            allow_networks=(f"{origin.address}/32",),
            fetch_concurrency=sizes.fetch_concurrency,
            max_urls=max(sizes.first_urls, DEFAULT_MAX_URLS),
        )
        body = json.dumps(
            {"query": STREAMED, "variables": {"urls": [origin.url(name) for name in asked]}}
        )
        with (
            serve("first-app", "app:app", env, workdir, port) as app,
            httpx.Client(base_url=app.base_url, timeout=300) as http,
        ):
            # The site's icon and the process's pool, as on a running server.
            http.post(
                "/graphql",
                content=json.dumps({"query": STREAMED, "variables": {"urls": [origin.url("w")]}}),
                headers={"content-type": "application/json"},
            ).raise_for_status()
            started = time.perf_counter()
            arrivals: list[tuple[float, str]] = []
            first_part = None
            with http.stream(
                "POST",
                "/graphql",
                content=body,
                headers={"content-type": "application/json", "accept": "multipart/mixed"},
            ) as response:
                response.raise_for_status()
                for part in parts(response):
                    now = time.perf_counter() - started
                    first_part = now if first_part is None else first_part
                    for patch in part.body.get("incremental") or ():
                        arrivals.extend((now, item["url"]) for item in patch.get("items") or ())
    if not arrivals or first_part is None:
        raise RuntimeError("the streamed batch sent no previews")
    order = [latency_of[url] for _, url in arrivals]
    return FirstResult(
        urls=len(latencies),
        fastest=min(latencies),
        slowest=max(latencies),
        first_part=first_part,
        first_item=arrivals[0][0],
        last_item=arrivals[-1][0],
        items=len(arrivals),
        in_latency_order=order == sorted(order),
    )
