"""A redis-server of each test's own, which the test kills, restarts or stops (SIGSTOP)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import RedisServer, redis_server


@pytest.fixture
def faulty_redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as server:
        yield server


async def until(condition: Callable[[], bool], what: str, tries: int = 600) -> None:
    """Wait for `condition` (checked every 50 ms, 30 s at most): an event, not a duration."""
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")
