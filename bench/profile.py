"""`--profile`: where the app's time goes under the warm batch load, sampled with py-spy.

py-spy samples the running server from outside (no instrumentation, so the code measured is
the code that ships), every thread that is not idle: the SQLite reads run in worker threads
next to the event loop, and their CPU counts too. A sample under a whole phase of a request
(parsing or validating the document) is charged to that phase, whatever it called (graphql's
generic visitor, the limit rules); any other sample to its innermost frame that belongs to a
known part (graphql-core's execution, JSON encoding, the SQLite cache, ...), so that time in
the standard library (typing, enum, asyncio helpers) counts for the part that called it. The
shares add up to 100%. The raw samples stay in the work dir for a flame graph.

The profiled load run is an extra one, after the measured runs: sampling costs the server a
little, and the figures of the table must not carry that cost.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# Phases: (part, substrings of a frame's "function (path)"); a sample with any such frame
# anywhere in its stack is charged to the first phase that matches.
PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("graphql-core validation (incl. limit rules)", ("/graphql/validation/",)),
    ("graphql-core parsing", ("/graphql/language/parser.py", "/graphql/language/lexer.py")),
)
# Parts: tried in this order on each frame, innermost frame first.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("JSON encoding of the response", ("/json/encoder.py", "/json/__init__.py", "orjson")),
    ("SQLite cache reads", ("previews/sqlite_cache.py", "sqlite3")),
    ("cache record decoding (msgspec)", ("previews/cache.py",)),
    ("record → graph types (schema/mapping.py)", ("schema/mapping.py",)),
    ("schema type resolvers (schema/)", ("/schema/",)),
    ("media URLs and signing", ("/media/",)),
    ("URL normalisation (fetching/urls.py)", ("/fetching/",)),
    ("preview service + DataLoader", ("/previews/", "/resolvers/", "aiodataloader")),
    ("request limits (schema/limits.py)", ("schema/limits.py",)),
    ("graphql-core execution", ("graphql/execution/", "graphql/pyutils/", "graphql/type/")),
    ("graphql-core other", ("/graphql/",)),
    ("strawberry", ("/strawberry/",)),
    ("FastAPI / Starlette", ("/fastapi/", "/starlette/", "/anyio/")),
    ("uvicorn / HTTP", ("/uvicorn/", "httptools", "/h11/")),
    ("pydantic", ("/pydantic/", "pydantic_core")),
)
OTHER = "other (stdlib, event loop, ...)"


@dataclass(frozen=True, slots=True)
class Profile:
    samples: int
    shares: tuple[tuple[str, float], ...]
    raw: Path


def available() -> bool:
    return shutil.which("py-spy") is not None or _venv_py_spy().exists()


def _venv_py_spy() -> Path:
    import sys

    return Path(sys.executable).with_name("py-spy")


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """Sample process `pid` for `seconds` into `output` (py-spy's raw collapsed stacks)."""
    program = str(_venv_py_spy()) if _venv_py_spy().exists() else "py-spy"
    command = [program, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))]
    command += ["--rate", "250", "--format", "raw", "--full-filenames", "--nolineno"]
    command += ["--nonblocking", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def part_of(stack: str) -> str:
    """The part charged for one sample: its phase, else its innermost claimed frame."""
    for phase, needles in PHASES:
        if any(needle in stack for needle in needles):
            return phase
    for frame in reversed(stack.split(";")):
        for part, needles in PARTS:
            if any(needle in frame for needle in needles):
                return part
    return OTHER


def summarise(raw: Path) -> Profile:
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[part_of(stack)] += int(count)
    total = sum(counts.values())
    shares = tuple((part, count / total) for part, count in counts.most_common()) if total else ()
    return Profile(samples=total, shares=shares, raw=raw)
