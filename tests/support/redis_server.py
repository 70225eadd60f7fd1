"""A throwaway redis-server for the tests: started as a subprocess on a free loopback port.

The tests start their own server rather than relying on a system service, so that a CI
machine needs only the binary (scripts/test installs Debian's `redis-server`). The fault
tests (tests/faults/) also kill it, start it again on the same port, and stop it (SIGSTOP)
to play a hung Redis, through `RedisServer`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.process import free_port


class RedisServer:
    """One non-persistent redis-server on a fixed loopback port, which a test can kill,
    restart (same port, empty: nothing is saved) and stop or continue like a hung host."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is not on PATH; scripts/test installs it "
                "(apt-get install -y redis-server), or install it yourself"
            )
        self._binary = binary
        self._workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def start(self) -> None:
        log = (self._workdir / "redis.log").open("ab")
        self._process = subprocess.Popen(
            [
                *(self._binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            cwd=self._workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if self._process.poll() is not None or time.monotonic() > deadline:
                        log_text = (self._workdir / "redis.log").read_text()
                        raise RuntimeError(f"redis-server did not start: {log_text}") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: connections are cut at once, every key and lock is lost."""
        if self._process is not None:
            if self.stopped:
                self.resume()
            self._process.kill()
            self._process.wait(timeout=20)
            self._process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def pause(self) -> None:
        """SIGSTOP: connections stay open and nothing answers, as with a hung host."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)
        self.stopped = True

    def resume(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)
        self.stopped = False

    def close(self) -> None:
        if self._process is None:
            return
        if self.stopped:
            self.resume()
        self._process.terminate()
        self._process.wait(timeout=20)
        self._process = None


@contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(workdir)
    server.start()
    try:
        yield server
    finally:
        server.close()


@contextmanager
def run_redis(workdir: Path) -> Iterator[str]:
    """Yield `redis://127.0.0.1:<port>/0` for a fresh, non-persistent redis-server."""
    with redis_server(workdir) as server:
        yield server.url


def flush(url: str) -> None:
    """Empty the server between tests, so that no test sees another's entries or locks."""
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
