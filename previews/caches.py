"""Pick the preview cache a `LINKGRAPH_CACHE_URL` names, so app.py stays backend-agnostic."""

from __future__ import annotations

import time
from collections.abc import Callable

from previews.cache import PreviewCache
from previews.redis_cache import RedisCache
from previews.redis_link import RedisLink
from previews.sqlite_cache import SqliteCache


def open_cache(
    url: str,
    *,
    stale_ttl: float = 0.0,
    clock: Callable[[], float] = time.time,
    max_bytes: int = 0,
    link: RedisLink | None = None,
) -> PreviewCache:
    """`sqlite:///path` for one machine, `redis://host:port/db` for several instances.
    `max_bytes` is the SQLite file's budget (Redis keeps to its own `maxmemory`); a Redis
    cache uses `link` when given (the process's one way to Redis, which the caller closes),
    else opens its own."""
    if url.startswith("sqlite:///"):
        return SqliteCache.from_url(url, stale_ttl=stale_ttl, clock=clock, max_bytes=max_bytes)
    if url.startswith(("redis://", "rediss://")):
        if link is not None:
            return RedisCache(link, stale_ttl=stale_ttl, clock=clock)
        return RedisCache.from_url(url, stale_ttl=stale_ttl, clock=clock)
    raise ValueError(f"unsupported cache URL (want sqlite:/// or redis://): {url!r}")
