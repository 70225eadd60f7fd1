"""The printed table: one block per section, aligned columns, a few notes under each.

Every section is headed `== N. Title ==`, so a reader (and tests/bench) can find it, and a
section that did not run says so in its block rather than vanishing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.cold import ColdResult, ColdRound
from bench.extraction import ExtractionResult
from bench.extractors import OURS, WorkerResult
from bench.load import LoadResult
from bench.memory import MemoryResult
from bench.targets import Target
from bench.warm import WarmResult

SERVER_LABELS = {
    "app": "linkgraph",
    "floor": "floor (plain FastAPI route, same bytes)",
}


@dataclass
class Table:
    number: int
    title: str
    headers: Sequence[str] = ()
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"== {self.number}. {self.title} =="]
        if self.headers:
            grid = [list(self.headers), *[list(row) for row in self.rows]]
            widths = [max(len(row[i]) for row in grid if i < len(row)) for i in range(len(grid[0]))]
            for row in grid:
                cells = [
                    cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                    for i, cell in enumerate(row)
                ]
                lines.append("  ".join(cells).rstrip())
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def warm_table(warm: WarmResult | None, skipped: str = "not run") -> Table:
    table = Table(1, "Warm queries over real HTTP (uvicorn, one worker, subprocess)")
    if warm is None:
        table.notes.append(skipped)
        return table
    table.headers = (
        "query",
        "server",
        "req/s",
        "range",
        "p50 ms",
        "p99 ms",
        "lone p50",
        "lone p99",
        "× floor",
        "srv CPU",
        "cli CPU",
        "errors",
    )
    first: LoadResult | None = None
    for case in warm.cases:
        floor = warm.find("floor", case.label).loaded.rps
        for server in SERVER_LABELS:
            measured = warm.find(server, case.label)
            loaded, lone = measured.loaded, measured.lone
            first = first or loaded
            table.rows.append(
                (
                    case.label,
                    SERVER_LABELS[server],
                    _f(loaded.rps),
                    "–".join(_f(f(r.rps for r in measured.loaded_runs), 0) for f in (min, max)),
                    _f(loaded.p50_ms, 2),
                    _f(loaded.p99_ms, 2),
                    _f(lone.p50_ms, 2),
                    _f(lone.p99_ms, 2),
                    f"{loaded.rps / floor:.2f}" if floor else "—",
                    _pct(loaded.server_cpu),
                    _pct(loaded.client_cpu),
                    str(loaded.errors + lone.errors),
                )
            )
    if first is not None:
        repeats = len(warm.measurements[0].loaded_runs)
        table.notes.append(
            f"req/s, p50, p99: {first.connections} connections in a closed loop for "
            f"{first.seconds:g} s (after a warm-up); lone: 1 connection. Median of {repeats} "
            "rounds (range: lowest–highest req/s), servers alternating. CPU: of one core, the "
            "server's process and the load generator's (a process of its own)."
        )
    for case in warm.cases:
        table.notes.append(f"{case.label}: {case.summary}")
    table.notes.append(
        f"Origin requests while measuring: {warm.origin_requests} (every answer came from the "
        "cache). The floor answers with the app's own bytes for the same request body. "
        "Repeated: one request body throughout. Varied: the bodies in turn, each naming a "
        "different set of cached links, so no answer kept from an earlier request could serve "
        "it; the app answers both with its compiled plans (schema/plan.py)."
    )
    return table


def _cold_row(
    label: str, result: ColdResult, round_: ColdRound, ideal: float | None = None
) -> Sequence[str]:
    subs = str(round_.sub_requests)
    if round_.sub_paths:
        subs += f" ({', '.join(round_.sub_paths)})"
    ideal = result.ideal if ideal is None else ideal
    return (
        label,
        _f(round_.seconds * 1000, 0),
        _f(ideal * 1000, 0),
        f"{round_.seconds / ideal:.2f}",
        f"{round_.page_requests} ({round_.distinct_pages} distinct)",
        subs,
        f"{round_.most_in_flight} / {round_.mean_in_flight:.1f}",
        _f(round_.before_first * 1000, 0),
        _f(round_.after_last * 1000, 0),
        f"{round_.previews}/{result.urls}",
    )


def cold_table(cold: ColdResult | None, skipped: str = "not run") -> Table:
    table = Table(2, "Cold batch: one previews(urls:) query of distinct links")
    if cold is None:
        table.notes.append(skipped)
        return table
    table.headers = (
        "run",
        "wall ms",
        "ideal ms",
        "× ideal",
        "page requests",
        "sub-fetches",
        "in flight: most / mean",
        "to 1st fetch ms",
        "after last ms",
        "previews",
    )
    for index, round_ in enumerate(cold.rounds, 1):
        table.rows.append(_cold_row(f"one site, round {index}", cold, round_))
    median = (cold.median * 1000, cold.ideal * 1000, cold.median / cold.ideal)
    table.rows.append(("one site, median", _f(median[0], 0), _f(median[1], 0), f"{median[2]:.2f}"))
    table.rows.append(
        _cold_row("a site per link (icon each)", cold, cold.many_hosts, cold.ideal_many_hosts)
    )
    table.notes += [
        f"{cold.urls} URLs; the origin answers every request after {cold.delay * 1000:g} ms; "
        f"LINKGRAPH_FETCH_CONCURRENCY={cold.concurrency}; "
        f"ideal = ceil({cold.urls}/{cold.concurrency}) × {cold.delay * 1000:g} ms (a site per "
        f"link: that plus one sub-fetch, {cold.delay * 1000:g} ms). The per-site "
        "fetch limit (LINKGRAPH_HOST_RATE/HOST_BURST, 10/s after 20 by default) is lifted: "
        "with it, 100 links on one site take about 8 s by design.",
        "One site: distinct paths on one host, whose /favicon.ico the app fetched once "
        "(warm-up) and remembers. A site per link: each URL on its own host name, so each "
        "costs an icon sub-fetch as well.",
        "In flight: origin requests at once, at most and on average over the wall time. To "
        "1st fetch: from sending the query to the origin's first request; after last: from "
        "the origin's last answer to the reply.",
    ]
    return table


def first_table(cold: ColdResult | None) -> Table | None:
    """Section 2 again: the streamed batch's time to first preview (with the cold run)."""
    if cold is None:
        return None
    first = cold.first
    table = Table(2, "Cold batch, streamed (@stream): time to first preview")
    table.headers = (
        "run",
        "1st part ms",
        "1st preview ms",
        "fastest link ms",
        "last preview ms",
        "slowest link ms",
        "previews",
        "fastest first",
        "1st vs goal",
    )
    table.rows.append(
        (
            f"{first.urls} links, streamed",
            _f(first.first_part * 1000, 0),
            _f(first.first_item * 1000, 0),
            _f(first.fastest * 1000, 0),
            _f(first.last_item * 1000, 0),
            _f(first.slowest * 1000, 0),
            f"{first.items}/{first.urls}",
            "yes" if first.in_latency_order else "no",
            f"{first.first_item / (first.fastest + 0.1):.2f}",
        )
    )
    table.notes += [
        f"One query of {first.urls} links on one site whose latencies spread evenly from "
        f"{first.fastest * 1000:g} to {first.slowest * 1000:g} ms, listed shuffled, asked with "
        "@stream(initialCount: 0) and Accept: multipart/mixed; times from sending the query. "
        f"LINKGRAPH_FETCH_CONCURRENCY={cold.concurrency}: links past the first "
        f"{cold.concurrency} wait for a slot in the order asked.",
        "Goal: the first preview within the fastest link's latency + 100 ms (1st vs goal ≤ 1); "
        "the last one "
        "arrives once the slowest link (and the slots before it) is done. Fastest first: the "
        "previews came in the order of their links' latencies.",
    ]
    return table


def _extractor_row(result: WorkerResult, ours: WorkerResult, agreement: str) -> Sequence[str]:
    pps = result.pages_per_second
    return (
        "linkgraph (ours)" if result.name == OURS else result.name,
        result.version,
        _f(pps),
        _f(result.megabytes / result.median_pass_seconds if result.median_pass_seconds else None),
        f"{ours.pages_per_second / pps:.2f}" if pps else "—",
        _f(result.peak_rss_mib),
        _f(result.peak_rss_mib - result.base_rss_mib),
        agreement,
        str(result.failures),
    )


def extraction_table(
    extraction: ExtractionResult | None, min_seconds: float, skipped: str = "not run"
) -> Table:
    table = Table(3, "Extraction alone: parse + extract, no network, a process per extractor")
    if extraction is None:
        table.notes.append(skipped)
        return table
    ours = extraction.ours
    table.headers = (
        "extractor",
        "version",
        "pages/s",
        "MB/s",
        "ours ×",
        "peak RSS MiB",
        "Δ RSS MiB",
        "agrees: title / image",
        "failures",
    )
    table.rows.append(_extractor_row(ours, ours, "—"))
    for peer in extraction.peers:
        agreed = extraction.agreements[peer.name]
        share = f"{agreed.titles}/{agreed.pages} / {agreed.images}/{agreed.pages}"
        table.rows.append(_extractor_row(peer, ours, share))
    if extraction.missing:
        table.rows.append(("peers not installed",))
        table.notes.append(
            f"Not installed: {', '.join(extraction.missing)}; "
            "`scripts/setup --dev --bench` brings them."
        )
    table.notes += [
        f"{ours.pages} corpus pages, {ours.megabytes:.1f} MB; each extractor runs whole passes "
        f"for at least {min_seconds:g} s ({ours.passes} for ours) and its median pass is shown. "
        "ours ×: how many times our pages/s this row's is.",
        "peak RSS: the process's high-water mark; Δ: its growth over the size with imports "
        "and the corpus loaded, i.e. what extraction itself took.",
        "Agreement: title with whitespace collapsed, image as an absolute URL; both empty "
        "counts as agreeing; ours by its generic title and image (site rules timed, not "
        "compared). Peers' use is described in bench/extractors.py.",
    ]
    return table


def memory_table(
    result: MemoryResult | None, warm: WarmResult | None, skipped: str = "not run"
) -> Table:
    table = Table(4, "Memory: resident size of the app process")
    if result is None:
        table.notes.append(skipped)
        return table
    table.headers = ("app process", "VmRSS MiB", "VmHWM MiB")
    table.rows.append(
        (
            f"{result.records:,} cached, after startup, before any query",
            _f(result.before.rss_mib),
            _f(result.before.hwm_mib),
        )
    )
    table.rows.append(
        (
            f"after reading {result.sample:,} of them ({result.previews_returned:,} "
            "previews returned)",
            _f(result.after.rss_mib),
            _f(result.after.hwm_mib),
        )
    )
    if warm is not None:
        table.rows.append(
            (
                "section 1 app, after its load runs",
                _f(warm.app_memory.rss_mib),
                _f(warm.app_memory.hwm_mib),
            )
        )
        table.rows.append(
            (
                "section 1 floor, after its load runs",
                _f(warm.floor_memory.rss_mib),
                _f(warm.floor_memory.hwm_mib),
            )
        )
    table.notes.append(
        f"Cache filled through SqliteCache.put before the server started: {result.records:,} "
        f"records from {result.templates} templates ({result.template_source}); SQLite files "
        f"{result.database_mib:.1f} MiB. Read in queries of up to 50 links, all fields."
    )
    return table


def targets_table(found: list[Target]) -> Table:
    table = Table(5, "Targets (ratios of figures from this run)")
    table.headers = ("target", "measured", "goal", "result")
    for target in found:
        sign = "≥" if target.at_least else "≤"
        table.rows.append(
            (
                target.name,
                _f(target.ratio, 2) + "×" if target.ratio is not None else "—",
                f"{sign} {target.goal:.2f}×",
                target.verdict,
            )
        )
    return table


def profile_table(warm: WarmResult | None) -> Table:
    """Only with --profile: the app's time by part, per warm query."""
    table = Table(6, "Profile: where the app's time goes under warm load (py-spy, --profile)")
    if warm is None or not warm.profiles:
        table.notes.append("not run")
        return table
    labels = [case.label for case in warm.cases if case.label in warm.profiles]
    shares = {label: dict(warm.profiles[label].shares) for label in labels}
    parts = sorted(
        {part for label in labels for part in shares[label]},
        key=lambda part: -max(shares[label].get(part, 0.0) for label in labels),
    )
    table.headers = ("part", *labels)
    for part in parts:
        table.rows.append((part, *(_pct(shares[label].get(part)) for label in labels)))
    table.rows.append(("samples", *(str(warm.profiles[label].samples) for label in labels)))
    table.notes.append(
        "Each sample is charged to its innermost frame in a known part (bench/profile.py); "
        "raw stacks: " + ", ".join(str(warm.profiles[label].raw) for label in labels)
    )
    return table
