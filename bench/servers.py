"""Servers under test, each `uvicorn` with one worker in a subprocess of its own.

A subprocess, not a thread of the bench: the server then has its own interpreter and GIL, as
in production, its CPU time and resident size can be read from /proc for it alone, and the
app and the floor run exactly the same way (same uvicorn, same event loop, same HTTP parser,
access log off for both).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from fetching.urls import INTERNAL_SERVICE_PORTS

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port(host: str = HOST) -> int:
    """A port nobody listens on now, and one the fetcher's URL rules accept."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        if port not in INTERNAL_SERVICE_PORTS:
            return port


def base_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without any LINKGRAPH_* the shell had, plus `extra`: a bench run must
    not depend on who started it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINKGRAPH_")}
    env.update(extra)
    return env


def app_env(
    data_dir: Path,
    port: int,
    *,
    hosts_file: Path | None = None,
    allow_networks: tuple[str, ...] = (),
    ca_bundle: Path | None = None,
    fetch_concurrency: int | None = None,
    max_urls: int | None = None,
) -> dict[str, str]:
    """The LINKGRAPH_* settings of an app under test, as the test suite sets them."""
    env = {
        "LINKGRAPH_DATA_DIR": str(data_dir),
        "LINKGRAPH_PUBLIC_URL": f"http://{HOST}:{port}",
        "LINKGRAPH_ALLOW_NETWORKS": ",".join(allow_networks),
        # The bench is one client hammering one key: the per-client budget would answer 429s.
        "LINKGRAPH_RATE_CAPACITY": "1000000000",
        "LINKGRAPH_RATE_REFILL": "1000000000",
        # Every bench origin is one site (its hosts share a registrable domain), which the
        # per-site fetch limit (10/s after a burst of 20) would pace: the cold batch measures
        # fetch concurrency, not that politeness limit, so it is lifted like the budget.
        "LINKGRAPH_HOST_RATE": "1000000",
        "LINKGRAPH_HOST_BURST": "1000000",
    }
    if hosts_file is not None:
        env["LINKGRAPH_HOSTS_FILE"] = str(hosts_file)
    if ca_bundle is not None:
        env["LINKGRAPH_CA_BUNDLE"] = str(ca_bundle)
    if fetch_concurrency is not None:
        env["LINKGRAPH_FETCH_CONCURRENCY"] = str(fetch_concurrency)
    if max_urls is not None:
        env["LINKGRAPH_MAX_URLS_PER_REQUEST"] = str(max_urls)
    return base_env(env)


@contextmanager
def serve(
    name: str, app: str, env: Mapping[str, str], workdir: Path, port: int | None = None
) -> Iterator[Server]:
    """Run `uvicorn APP` (one worker) until the block ends.

    uvicorn runs the app's lifespan before it listens, so the first answer on the port means
    the server is ready. Its output goes to WORKDIR/NAME.log, shown if it fails to start.
    """
    port = port or free_port()
    log = workdir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=dict(env), stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name, process, port, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log.read_text()[-3000:]}")
        try:
            httpx.get(server.base_url + "/", timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.name} did not start within {timeout} s") from None
            time.sleep(0.05)
        else:
            return


@dataclass(frozen=True, slots=True)
class Memory:
    """Resident size now and at its highest, in MiB, from /proc/PID/status."""

    rss_mib: float
    hwm_mib: float


def memory(pid: int) -> Memory:
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024  # kB
    return Memory(rss_mib=fields["VmRSS"], hwm_mib=fields["VmHWM"])
