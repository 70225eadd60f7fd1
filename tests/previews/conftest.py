"""Each cache test runs on a real SQLite file and on the real Redis of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from previews.cache import PreviewCache
from previews.caches import open_cache
from tests.support.clock import FakeClock

CacheFactory = Callable[..., PreviewCache]


@pytest.fixture
def clock() -> FakeClock:
    """The time the test's caches and services read; it moves only by `advance`."""
    return FakeClock()


@pytest.fixture(params=["sqlite", "redis"])
def make_cache(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> CacheFactory:
    """Opens caches of one backend (each test runs on both) by their URL, like app.py, on the
    test's clock."""
    url = (
        f"sqlite:///{tmp_path / 'c.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("redis_url")
    )

    def make(stale_ttl: float = 0.0) -> PreviewCache:
        return open_cache(url, stale_ttl=stale_ttl, clock=clock)

    return make
