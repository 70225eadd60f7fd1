"""`python -m bench`: run every section and print the table (see bench/README.md).

Sections run one after the other, never side by side, on a machine that should otherwise be
idle: each figure is then the only load on it. A section that fails is reported as failed and
the others still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import profile
from bench.cold import ColdResult, run_cold
from bench.config import FULL, QUICK, Sizes
from bench.corpus import corpus_origin
from bench.extraction import ExtractionResult, run_extraction
from bench.load import REPO
from bench.memory import MemoryResult, run_memory
from bench.report import (
    cold_table,
    extraction_table,
    first_table,
    memory_table,
    profile_table,
    targets_table,
    warm_table,
)
from bench.targets import targets
from bench.warm import WarmResult, run_warm

SECTIONS = ("warm", "cold", "extraction", "memory")
T = TypeVar("T")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: seconds, not minutes")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (server logs)")
    parser.add_argument(
        "--profile", action="store_true", help="also sample the app with py-spy (bench extra)"
    )
    parser.add_argument("--duration", type=float, help="seconds measured per load run")
    parser.add_argument("--connections", type=int, help="connections of a loaded run")
    parser.add_argument("--fetch-concurrency", type=int, help="LINKGRAPH_FETCH_CONCURRENCY")
    arguments = parser.parse_args(argv)
    if arguments.profile and not profile.available():
        parser.error("--profile needs py-spy: scripts/setup --dev --bench")
    unknown = set(arguments.only.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return arguments


def _sizes(arguments: argparse.Namespace) -> Sizes:
    sizes = QUICK if arguments.quick else FULL
    overrides = {
        "duration": arguments.duration,
        "connections": arguments.connections,
        "fetch_concurrency": arguments.fetch_concurrency,
    }
    return dataclasses.replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _header(quick: bool) -> str:
    dirty = " + uncommitted changes" if _git("status", "--porcelain") not in ("", "?") else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"Linkgraph bench ({'quick' if quick else 'full'} run), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({_cpu_model()}), "
        f"git {_git('rev-parse', '--short', 'HEAD')}{dirty}\n"
        f"Load average now (1, 5, 15 min): {load}; the figures assume an otherwise idle machine.\n"
    )


class _Runner:
    """Runs the sections asked for; remembers failures instead of stopping at the first."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.failed: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    def run(self, name: str, section: Callable[[], T]) -> T | None:
        if name not in self.wanted:
            return None
        started = time.monotonic()
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        try:
            return section()
        except Exception as error:
            traceback.print_exc()
            detail = str(error)
            detail = detail if len(detail) < 600 else "…" + detail[-600:]
            self.failed[name] = f"FAILED: {type(error).__name__}: {detail}"
            return None
        finally:
            self.seconds[name] = time.monotonic() - started

    def why(self, name: str) -> str:
        return self.failed.get(name, "not run (--only)")


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        fields.pop("readings", None)  # per-page extractor output: long, and in the table
        fields.pop("body", None)
        fields.pop("answer", None)
        return {key: _to_json(item) for key, item in fields.items()}
    if isinstance(value, dict):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    sizes = _sizes(arguments)
    runner = _Runner(set(arguments.only.split(",")))
    with ExitStack() as stack:
        if arguments.keep:
            workdir = Path(tempfile.mkdtemp(prefix="linkgraph-bench-"))
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lg-bench-")))

        def warm_section() -> WarmResult:
            with corpus_origin(workdir) as origin:
                return run_warm(sizes, workdir, origin, with_profile=arguments.profile)

        warm = runner.run("warm", warm_section)
        cold: ColdResult | None = runner.run("cold", lambda: run_cold(sizes, workdir))
        extraction: ExtractionResult | None = runner.run(
            "extraction", lambda: run_extraction(sizes)
        )
        memory: MemoryResult | None = runner.run("memory", lambda: run_memory(sizes, workdir, warm))
        found = targets(warm, cold, extraction)
        tables = [
            warm_table(warm, runner.why("warm")),
            cold_table(cold, runner.why("cold")),
            *([first] if (first := first_table(cold)) else []),
            extraction_table(extraction, sizes.extraction_seconds, runner.why("extraction")),
            memory_table(memory, warm, runner.why("memory")),
            targets_table(found),
        ]
        if arguments.profile:
            tables.append(profile_table(warm))
        print(_header(arguments.quick))
        print("\n\n".join(table.render() for table in tables))
        spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in runner.seconds.items())
        print(f"\nSections took: {spent}.")
        if arguments.keep:
            print(f"Work dir (server logs): {workdir}")
        if arguments.json:
            figures = {
                "sizes": sizes,
                "warm": warm,
                "cold": cold,
                "extraction": extraction,
                "memory": memory,
                "targets": [
                    {"name": t.name, "ratio": t.ratio, "goal": t.goal, "met": t.met} for t in found
                ],
                "failed": runner.failed,
            }
            arguments.json.write_text(json.dumps(_to_json(figures), indent=2, default=str))
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
