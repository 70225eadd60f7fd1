"""Section 1: warm queries over real HTTP, the app against the floor.

Warm means the previews are already in the app's cache: the app has fetched them once from the
corpus origin (pictures included) before anything is measured. Each query is then sent by the
load generator to the app and to the floor (bench/floor.py, serving the app's own answer
bytes), one after the other, under the same load: N connections in a closed loop for the
throughput and the loaded latencies, one connection for the latency of a lone request.

The app is measured as it is: its answer cache (web/answer_cache.py) answers a repeated query
whose previews are unchanged with kept bytes, behind every middleware; Strawberry with its
parser and validation caches and the plain-object execution path (schema/execution.py),
orjson answers, over the SQLite cache with the service's one-second memo of recent entries
(previews/recent.py). A second app process over the same cache, its answer cache off
(`LINKGRAPH_ANSWER_CACHE_MAX=0`), is measured beside it: what a query costs when it runs.
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


@dataclass(frozen=True, slots=True)
class Case:
    """One measured query and what its answer holds."""

    label: str
    body: bytes
    answer: bytes
    urls: tuple[str, ...]
    summary: str


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


def _warm_case(http: httpx.Client, label: str, body: bytes, urls: Sequence[str]) -> Case:
    _post(http, body)  # cold: fetches, extracts, stores pictures, caches
    answer = _post(http, body)
    if _post(http, body) != answer:
        raise RuntimeError(f"the warm answer to {label} is not stable; the floor needs it to be")
    return Case(label, body, answer, tuple(urls), _summary(answer))


def _same_length(http: httpx.Client, case: Case) -> None:
    """The load generator checks every answer's length against the case's answer."""
    answer = _post(http, case.body)
    if len(answer) != len(case.answer):
        raise RuntimeError(f"the app without answer cache answers {case.label} differently")


def _spec(server: Server, case: Case, sizes: Sizes, connections: int, duration: float) -> LoadSpec:
    return LoadSpec(
        host=HOST,
        port=server.port,
        path="/graphql",
        body=case.body.decode(),
        connections=connections,
        duration=duration,
        warmup=sizes.warmup,
        expect_length=len(case.answer),
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
    serve_pictures(origin, [page for page in pages if page.url in {*urls, TIKTOK_PROFILE}])
    data_dir = workdir / "warm-data"
    port = free_port()
    env = app_env(
        data_dir,
        port,
        hosts_file=origin.hosts_path,
        allow_networks=(f"{origin.address}/32",),
        ca_bundle=origin.ca_path,
        max_urls=max(sizes.batch, DEFAULT_MAX_URLS),
    )
    with serve("app", "app:app", env, workdir, port) as app:
        with httpx.Client(base_url=app.base_url, timeout=120) as http:
            cases = (
                _warm_case(
                    http, "1 preview (TikTok)", queries.one(TIKTOK_PROFILE), [TIKTOK_PROFILE]
                ),
                _warm_case(http, f"{len(urls)} previews", queries.many(urls), urls),
            )
        # The same cache and public URL, so its answers are the same bytes but for requestId.
        off_env = {**env, "LINKGRAPH_ANSWER_CACHE_MAX": "0"}
        with serve("app-off", "app:app", off_env, workdir) as app_off:
            with httpx.Client(base_url=app_off.base_url, timeout=120) as http:
                for case in cases:
                    _same_length(http, case)
            origin.reset()
            responses = workdir / "floor-responses.json"
            write_responses(responses, [(case.body, case.answer) for case in cases])
            floor_env = base_env({RESPONSES_ENV: str(responses)})
            with serve("floor", "bench.floor:app", floor_env, workdir) as floor:
                servers = (app, app_off, floor)
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
