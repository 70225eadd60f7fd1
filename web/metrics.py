"""Prometheus metrics: what the HTTP layer sees, plus hooks for the cache and the fetcher.

Each app owns a `Metrics` with its own CollectorRegistry (never the global one), so several
apps in one process, as in the tests, count separately. The HTTP middleware feeds the request
counter and latency histogram; the preview service and the fetcher feed the rest through
`record_cache`, `fetch_finished` and `fetch_in_flight`, which they receive as an object rather
than importing this module, keeping `previews`/`fetching` free of any web dependency.

Labels are bounded on purpose: `path` is one of a few known route prefixes (a media URL is
unique per image and would make one series per image otherwise).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString

from fetching.errors import FetchError
from previews.errors import error_code

_KNOWN_PATHS = ("/graphql", "/healthz", "/readyz", "/metrics", "/media")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def path_label(path: str) -> str:
    """The route prefix `path` falls under, or `other`."""
    for known in _KNOWN_PATHS:
        if path == known or path.startswith(known + "/"):
            return known
    return "other"


class Metrics:
    """The service's metrics in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.cache_lookups = Counter(
            "linkgraph_cache_lookups_total",
            "Preview cache lookups, by result.",
            ["result"],
            registry=self.registry,
        )
        self.upstream_fetches = Counter(
            "linkgraph_upstream_fetches_total",
            "Upstream fetches, by outcome and code (HTTP status when ok, error code otherwise).",
            ["outcome", "code"],
            registry=self.registry,
        )
        self.fetches_in_flight = Gauge(
            "linkgraph_fetches_in_flight",
            "Upstream fetches running now.",
            registry=self.registry,
        )
        self.redis_up = Gauge(
            "linkgraph_redis_up",
            "1 while Redis is in use, 0 while its circuit is open and this process goes on "
            "without it (only with a redis:// cache).",
            registry=self.registry,
        )
        self.redis_fallbacks = Counter(
            "linkgraph_redis_fallbacks_total",
            "Operations done without Redis because it was down, hung or unreachable, by part "
            "(cache, flight, rate_limit, ready).",
            ["part"],
            registry=self.registry,
        )
        # Make the label sets visible at zero, so dashboards and alerts see them from start.
        # The children kept: `labels()` checks and hashes its arguments on every call, and
        # every request counts its lookups.
        self._cache_hits = self.cache_lookups.labels(result="hit")
        self._cache_misses = self.cache_lookups.labels(result="miss")

    def record_cache(self, hit: bool, n: int = 1) -> None:
        """Count `n` cache lookups that hit (or missed)."""
        if n > 0:
            (self._cache_hits if hit else self._cache_misses).inc(n)

    def redis_fallback(self, part: str) -> None:
        """previews/redis_link.py's hook: one operation of `part` went on without Redis."""
        self.redis_fallbacks.labels(part=part).inc()

    def watch_redis(self, available: Callable[[], bool]) -> None:
        """Read `linkgraph_redis_up` from the link's breaker at each scrape."""
        self.redis_up.set_function(lambda: 1.0 if available() else 0.0)

    def record_fetch(self, outcome: Literal["ok", "error"], code: str | None) -> None:
        """Count one finished upstream fetch: `ok` with its HTTP status, or `error` with its
        error code (e.g. LINK_TOOK_TOO_LONG)."""
        self.upstream_fetches.labels(outcome=outcome, code=code or "").inc()

    def fetch_finished(self, result: int | FetchError) -> None:
        """The fetcher's hook: an error is counted under the code clients see for it."""
        if isinstance(result, FetchError):
            self.record_fetch("error", error_code(result).value)
        else:
            self.record_fetch("ok", str(result))

    @contextmanager
    def fetch_in_flight(self) -> Iterator[None]:
        """Hold the in-flight gauge up for the duration of the block."""
        self.fetches_in_flight.inc()
        try:
            yield
        finally:
            self.fetches_in_flight.dec()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class HttpMetrics:
    """Counts every HTTP response by route prefix and status, with its latency: the
    `record` of web/request_id.py's layer, which times each request anyway. A request that
    fails before any response is counted as 500.

    The counts are plain numbers, turned into Prometheus families only when scraped (this is
    a collector of the app's registry): a prometheus_client child takes a lock for every
    increment, the histogram one per request for its bucket and one for its sum, ~3 us of a
    warm answer's ~50 in the app. Every request is recorded on the event loop, and a scrape
    reads on it too, so nothing here needs a lock.
    """

    def __init__(self, metrics: Metrics) -> None:
        # Bounded by routes × statuses (path_label folds every other path into "other").
        self._counts: dict[tuple[str, int], int] = {}
        # Per route: requests per latency bucket (the last one past every bound), and the sum.
        self._buckets: dict[str, list[int]] = {}
        self._seconds: dict[str, float] = {}
        metrics.registry.register(self)

    def record(self, path: str, status: int, seconds: float) -> None:
        label = path_label(path)
        key = (label, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        counts = self._buckets.get(label)
        if counts is None:
            counts = self._buckets[label] = [0] * (len(_LATENCY_BUCKETS) + 1)
        counts[bisect_left(_LATENCY_BUCKETS, seconds)] += 1  # the first bound >= seconds
        self._seconds[label] = self._seconds.get(label, 0.0) + seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "linkgraph_requests",
            "HTTP requests answered, by route prefix and status.",
            labels=["path", "status"],
        )
        for (path, status), count in sorted(self._counts.items()):
            requests.add_metric([path, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "linkgraph_request_seconds",
            "Seconds from a request's arrival to the end of its response, by route prefix.",
            labels=["path"],
        )
        for path, counts in sorted(self._buckets.items()):
            cumulative = list(itertools.accumulate(counts))
            bounds = [*map(floatToGoString, _LATENCY_BUCKETS), "+Inf"]
            latency.add_metric(
                [path], list(zip(bounds, cumulative, strict=True)), self._seconds[path]
            )
        yield latency


def metrics_router(metrics: Metrics) -> APIRouter:
    """`GET /metrics` in the Prometheus text format."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
