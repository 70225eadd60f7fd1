"""A closed-loop HTTP/1.1 load generator that runs in a process of its own.

Why not httpx: on a two-core machine the client shares the CPU with the one-worker server, and
httpx spends tens of microseconds of Python per request. This client keeps N keep-alive
connections, writes one precomputed request on each and reads the answer by its
Content-Length, which costs a few microseconds, so what is measured is the server. It still
reports its own CPU use (and the server's, read from /proc), so a saturated client would show
in the table rather than pass for a slow server.

`run_load` starts `python -m bench.load` with a `LoadSpec` on stdin and reads a `LoadResult`
from its stdout.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class LoadSpec:
    host: str
    port: int
    path: str
    # The request bodies, sent in turn (shared by every connection): one for a repeated
    # query, many for varied ones.
    bodies: list[str]
    connections: int
    duration: float
    warmup: float
    # Every answer must be 200 with as many bytes as this list says for its body; anything
    # else counts as an error.
    expect_lengths: list[int] | None = None
    # Read this process's CPU time over the measured window, from /proc.
    server_pid: int | None = None


@dataclass(frozen=True, slots=True)
class LoadResult:
    connections: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    # CPU seconds per wall second over the measured window: 1.0 is one core busy.
    client_cpu: float
    server_cpu: float | None


def request_bytes(spec: LoadSpec, text: str) -> bytes:
    body = text.encode()
    head = (
        f"POST {spec.path} HTTP/1.1\r\n"
        f"Host: {spec.host}:{spec.port}\r\n"
        "Content-Type: application/json\r\n"
        "Accept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _status_and_length(head: bytes) -> tuple[int, int]:
    """The status code and Content-Length of a response head (chunked answers are refused:
    neither server under test sends them)."""
    status = int(head[9:12])
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at < 0:
        raise ValueError("a response without Content-Length")
    end = lowered.find(b"\r\n", at + 2)
    return status, int(lowered[at + 17 : end])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list; 0.0 for an empty one."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, int(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def _cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Window:
    """The measured window and what was seen in it."""

    def __init__(self, start: float, end: float) -> None:
        self.start = start
        self.end = end
        self.latencies: list[float] = []
        self.errors = 0


async def _connection(
    spec: LoadSpec, requests: Iterator[tuple[bytes, int | None]], window: _Window
) -> None:
    reader, writer = await asyncio.open_connection(spec.host, spec.port)
    try:
        while True:
            started = time.perf_counter()
            if started >= window.end:
                return
            request, expect_length = next(requests)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status, length = _status_and_length(head)
            await reader.readexactly(length)
            finished = time.perf_counter()
            if started >= window.start and finished <= window.end:
                window.latencies.append(finished - started)
                if status != 200 or expect_length not in (None, length):
                    window.errors += 1
    finally:
        writer.close()


async def _sample_at(moment: float, pid: int | None) -> tuple[float, float | None]:
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))
    return _own_cpu(), _cpu_seconds(pid)


async def generate(spec: LoadSpec) -> LoadResult:
    """Run `spec.connections` closed loops for `warmup + duration` seconds; measure the last
    `duration` of them."""
    lengths: list[int | None] = [None] * len(spec.bodies)
    if spec.expect_lengths is not None:
        lengths = [*spec.expect_lengths]
    # One cycle for all connections: concurrent requests ask for different bodies.
    requests = itertools.cycle(
        [
            (request_bytes(spec, body), length)
            for body, length in zip(spec.bodies, lengths, strict=True)
        ]
    )
    now = time.perf_counter()
    window = _Window(now + spec.warmup, now + spec.warmup + spec.duration)
    loops = [_connection(spec, requests, window) for _ in range(spec.connections)]
    first = asyncio.ensure_future(_sample_at(window.start, spec.server_pid))
    last = asyncio.ensure_future(_sample_at(window.end, spec.server_pid))
    await asyncio.gather(*loops)
    (client_start, server_start), (client_end, server_end) = await first, await last
    latencies = sorted(window.latencies)
    server_cpu = None
    if server_start is not None and server_end is not None:
        server_cpu = (server_end - server_start) / spec.duration
    return LoadResult(
        connections=spec.connections,
        requests=len(latencies),
        errors=window.errors,
        seconds=spec.duration,
        rps=len(latencies) / spec.duration,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        client_cpu=(client_end - client_start) / spec.duration,
        server_cpu=server_cpu,
    )


def run_load(spec: LoadSpec) -> LoadResult:
    """Run `spec` in a fresh `python -m bench.load` process, so that the client has its own
    interpreter and its CPU use is its own."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(asdict(spec)).encode(),
        capture_output=True,
        cwd=REPO,
        timeout=spec.warmup + spec.duration + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the load generator failed: {completed.stderr.decode()[-2000:]}")
    return LoadResult(**json.loads(completed.stdout))


def _main() -> None:
    spec = LoadSpec(**json.load(sys.stdin))
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        result = asyncio.run(generate(spec))
    else:
        result = uvloop.run(generate(spec))
    json.dump(asdict(result), sys.stdout)


if __name__ == "__main__":
    _main()
