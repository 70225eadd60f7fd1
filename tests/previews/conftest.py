"""Each cache test runs on a real SQLite file and on the real Redis of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from previews.cache import PreviewCache
from previews.caches import open_cache

CacheFactory = Callable[..., PreviewCache]


@pytest.fixture(params=["sqlite", "redis"])
def make_cache(request: pytest.FixtureRequest, tmp_path: Path) -> CacheFactory:
    """Opens caches of one backend (each test runs on both) by their URL, like app.py."""
    url = (
        f"sqlite:///{tmp_path / 'c.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("redis_url")
    )

    def make(stale_ttl: float = 0.0) -> PreviewCache:
        return open_cache(url, stale_ttl=stale_ttl)

    return make
