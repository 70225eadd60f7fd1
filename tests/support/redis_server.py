"""A throwaway redis-server for the tests: started as a subprocess on a free loopback port.

The tests start their own server rather than relying on a system service, so that a CI
machine needs only the binary (scripts/test installs Debian's `redis-server`).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.process import free_port


@contextmanager
def run_redis(workdir: Path) -> Iterator[str]:
    """Yield `redis://127.0.0.1:<port>/0` for a fresh, non-persistent redis-server."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is not on PATH; scripts/test installs it "
            "(apt-get install -y redis-server), or install it yourself"
        )
    port = free_port()
    log = (workdir / "redis.log").open("wb")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start: {(workdir / 'redis.log').read_text()}"
                    ) from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def flush(url: str) -> None:
    """Empty the server between tests, so that no test sees another's entries or locks."""
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
