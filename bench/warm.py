"""Section 1: warm queries over real HTTP, the app against the floor.

Warm means the previews are already in the app's cache: the app has fetched them once from the
corpus origin (pictures included) before anything is measured. Each query is then sent by the
load generator to the app and to the floor (bench/floor.py, serving the app's own answer
bytes), one after the other, under the same load: N connections in a closed loop for the
throughput and the loaded latencies, one connection for the latency of a lone request.

Two kinds of case. Repeated: the same request body every time. Varied: every request in turn
names a different set of already-cached links (the same document, other variables), so that
nothing kept from an earlier answer could serve it: what a fleet of clients costs. The app is
measured as it is: its compiled plans (schema/plan.py) answer both kinds, behind every
middleware, over the SQLite cache with the service's one-second memo of recent entries
(previews/recent.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import profile, queries
from bench.config import DEFAULT_MAX_URLS, Sizes
from bench.corpus import (
    TIKTOK_PROFILE,
    CorpusOrigin,
    batch_urls,
    load_corpus,
    serve_pictures,
)
from bench.floor import RESPONSES_ENV, write_responses
from bench.load import LoadResult, LoadSpec, run_load
from bench.servers import HOST, Memory, Server, app_env, base_env, free_port, memory, serve

# Distinct request bodies of a varied case: each names its own set of links.
VARIED_BODIES = 32


@dataclass(frozen=True, slots=True)
class Case:
    """One measured query (or, varied, one document with many sets of links), and what its
    answers hold."""

    label: str
    bodies: tuple[bytes, ...]
    answers: tuple[bytes, ...]
    urls: tuple[str, ...]
    summary: str
    varied: bool = False


@dataclass(frozen=True, slots=True)
class Measurement:
    """Every run of one query on one server; the table shows the median run of each kind."""

    server: str
    case: str
    loaded_runs: tuple[LoadResult, ...]
    lone_runs: tuple[LoadResult, ...]

    @property
    def loaded(self) -> LoadResult:
        return _median(self.loaded_runs, lambda run: run.rps)

    @property
    def lone(self) -> LoadResult:
        return _median(self.lone_runs, lambda run: run.p50_ms)


def _median(runs: Sequence[LoadResult], key: Callable[[LoadResult], float]) -> LoadResult:
    return sorted(runs, key=key)[(len(runs) - 1) // 2]


@dataclass(frozen=True, slots=True)
class WarmResult:
    cases: tuple[Case, ...]
    measurements: tuple[Measurement, ...]
    app_memory: Memory
    floor_memory: Memory
    cache_path: Path
    # Requests that reached the corpus origin while the runs were measured: 0 when warm.
    origin_requests: int
    # With --profile: where the app's time went under each case's load, by case label.
    profiles: dict[str, profile.Profile]

    def find(self, server: str, case: str) -> Measurement:
        return next(m for m in self.measurements if (m.server, m.case) == (server, case))


def _post(http: httpx.Client, body: bytes) -> bytes:
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    if document.get("errors"):
        raise RuntimeError(f"the query failed: {document['errors']}")
    return response.content


def _summary(answer: bytes) -> str:
    """What a warm answer carries: kinds of result, pictures, size."""
    data = json.loads(answer)["data"]
    results = data.get("previews") or [data["preview"]]
    kinds = Counter(result["__typename"] for result in results)
    images = sum(1 for result in results if result.get("image"))
    avatars = sum(1 for result in results if (result.get("tiktokUser") or {}).get("avatar"))
    icons = sum(1 for result in results if result.get("icon"))
    parts = [f"{count} {kind}" for kind, count in sorted(kinds.items())]
    parts += [f"{images} images", f"{icons} icons"]
    if avatars:
        parts.append(f"{avatars} avatar")
    return ", ".join(parts) + f"; {len(answer) / 1024:.1f} KiB"


def _warm_case(
    http: httpx.Client, label: str, bodies: Sequence[bytes], urls: Sequence[str], *, varied: bool
) -> Case:
    answers = []
    for body in bodies:
        answer = _post(http, body)
        if _post(http, body) != answer:
            raise RuntimeError(f"the warm answer to {label} is not stable; the floor needs it")
        answers.append(answer)
    summary = _summary(answers[0]) + (f" (first of {len(bodies)} bodies)" if varied else "")
    return Case(label, tuple(bodies), tuple(answers), tuple(dict.fromkeys(urls)), summary, varied)


def _spec(server: Server, case: Case, sizes: Sizes, connections: int, duration: float) -> LoadSpec:
    return LoadSpec(
        host=HOST,
        port=server.port,
        path="/graphql",
        bodies=[body.decode() for body in case.bodies],
        connections=connections,
        duration=duration,
        warmup=sizes.warmup,
        expect_lengths=[len(answer) for answer in case.answers],
        server_pid=server.pid,
    )


def _measure(servers: Sequence[Server], case: Case, sizes: Sizes) -> list[Measurement]:
    """`sizes.repeats` rounds, each running every server in turn, so that a disturbance of
    the machine hits them alike and drift does not favour the one measured last."""
    loaded: dict[str, list[LoadResult]] = {server.name: [] for server in servers}
    lone: dict[str, list[LoadResult]] = {server.name: [] for server in servers}
    for _ in range(sizes.repeats):
        for server in servers:
            spec = _spec(server, case, sizes, sizes.connections, sizes.duration)
            loaded[server.name].append(run_load(spec))
            lone[server.name].append(run_load(_spec(server, case, sizes, 1, sizes.lone_duration)))
    return [
        Measurement(server.name, case.label, tuple(loaded[server.name]), tuple(lone[server.name]))
        for server in servers
    ]


def _cases(
    http: httpx.Client, urls: Sequence[str], pool: Sequence[str], batch: int
) -> tuple[Case, ...]:
    """The repeated cases over `urls`, then the varied ones over `pool` (every link already
    cached)."""
    sets = [
        [pool[(start * 7 + offset) % len(pool)] for offset in range(batch)]
        for start in range(VARIED_BODIES)
    ]
    singles = [pool[index % len(pool)] for index in range(VARIED_BODIES)]
    return (
        _warm_case(
            http,
            "1 preview (TikTok), repeated",
            [queries.one(TIKTOK_PROFILE)],
            [TIKTOK_PROFILE],
            varied=False,
        ),
        _warm_case(
            http, f"{len(urls)} previews, repeated", [queries.many(urls)], urls, varied=False
        ),
        _warm_case(
            http,
            "1 preview, varied",
            [queries.one(url) for url in singles],
            singles,
            varied=True,
        ),
        _warm_case(
            http,
            f"{len(urls)} previews, varied",
            [queries.many(links) for links in sets],
            [url for links in sets for url in links],
            varied=True,
        ),
    )


def _profile(app: Server, case: Case, sizes: Sizes, workdir: Path) -> profile.Profile:
    """One more loaded run of `case`, with py-spy sampling the app throughout."""
    raw = workdir / f"profile-{len(case.urls)}.txt"
    seconds = max(2.0, sizes.duration)
    sampler = profile.start(app.pid, seconds + sizes.warmup, raw)
    run_load(_spec(app, case, sizes, sizes.connections, seconds))
    _, errors = sampler.communicate(timeout=seconds + 60)
    if sampler.returncode != 0 or not raw.exists():
        raise RuntimeError(f"py-spy failed: {errors.decode()[-1000:]}")
    return profile.summarise(raw)


def run_warm(
    sizes: Sizes, workdir: Path, origin: CorpusOrigin, *, with_profile: bool = False
) -> WarmResult:
    pages = load_corpus()
    urls = batch_urls(pages, sizes.batch)
    # The links the varied cases draw on: the batch's, then more of the corpus.
    pool = list(dict.fromkeys([*urls, *batch_urls(pages, max(sizes.batch * 3, 32))]))
    serve_pictures(origin, [page for page in pages if page.url in {*pool, TIKTOK_PROFILE}])
    data_dir = workdir / "warm-data"
    port = free_port()
    max_urls = max(sizes.batch, DEFAULT_MAX_URLS)
    env = app_env(
        data_dir,
        port,
        hosts_file=origin.hosts_path,
        allow_networks=(f"{origin.address}/32",),
        ca_bundle=origin.ca_path,
        max_urls=max_urls,
    )
    with serve("app", "app:app", env, workdir, port) as app:
        with httpx.Client(base_url=app.base_url, timeout=120) as http:
            # Cold: fetches, extracts, stores pictures, caches every link of the pool.
            for start in range(0, len(pool), max_urls):
                _post(http, queries.many(pool[start : start + max_urls]))
            _post(http, queries.one(TIKTOK_PROFILE))
            cases = _cases(http, urls, pool, sizes.batch)
        origin.reset()
        responses = workdir / "floor-responses.json"
        pairs = [pair for case in cases for pair in zip(case.bodies, case.answers, strict=True)]
        write_responses(responses, pairs)
        floor_env = base_env({RESPONSES_ENV: str(responses)})
        with serve("floor", "bench.floor:app", floor_env, workdir) as floor:
            servers = (app, floor)
            measurements = [m for case in cases for m in _measure(servers, case, sizes)]
            app_memory, floor_memory = memory(app.pid), memory(floor.pid)
            origin_requests = len(origin.hits)
        profiles = (
            {case.label: _profile(app, case, sizes, workdir) for case in cases}
            if with_profile
            else {}
        )
    return WarmResult(
        cases=cases,
        measurements=tuple(measurements),
        app_memory=app_memory,
        floor_memory=floor_memory,
        cache_path=data_dir / "cache.sqlite3",
        origin_requests=origin_requests,
        profiles=profiles,
    )
