"""A per-destination-host rate limit on outgoing fetches, so the service cannot be aimed at one
victim: however many requests and links name one site, it sees at most `burst` fetches at
once and `rate` per second after that.

Hosts are grouped by registrable domain (`a.example.com` and `b.example.com` share one
bucket, as they usually share one server farm); an IP literal or a name without a known
public suffix is its own group. A fetch that must wait reserves its token at once (so waiters
are served in order) and sleeps; one whose wait would outlast its deadline takes nothing and
fails at once instead of holding a slot it cannot use.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass

from publicsuffixlist import PublicSuffixList

from fetching.errors import TimedOutError

_psl = PublicSuffixList()

# Idle buckets are dropped once this many exist; a dropped bucket was full, so nothing is lost.
_PRUNE_AT = 10_000


@dataclass(frozen=True, slots=True)
class HostRate:
    """`rate` fetches per second to one host group, after a burst of `burst`."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a host rate needs rate > 0 and burst >= 1")


class TokenBucket:
    """The classic token bucket, with the clock passed in so that it is pure and testable.

    The level may go below zero: a caller that charges more than is left (a cost known only
    afterwards, a reserved wait) is in debt until refill pays it back.
    """

    __slots__ = ("capacity", "level", "rate", "updated")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.level = capacity
        self.updated = now

    def refill(self, now: float) -> float:
        """Bring the level up to `now` and return it."""
        if now > self.updated:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
            self.updated = now
        return self.level

    def take(self, cost: float, now: float) -> float:
        """Charge `cost` whatever the level; return the level left (negative: in debt)."""
        self.refill(now)
        self.level -= cost
        return self.level

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until `cost` tokens are there (0 when they are now)."""
        missing = cost - self.refill(now)
        return max(0.0, missing / self.rate)

    def is_full(self, now: float) -> bool:
        return self.refill(now) >= self.capacity


def host_group(host: str) -> str:
    """The bucket a host's fetches share: its registrable domain, or the host itself."""
    host = host.lower().rstrip(".")
    try:
        return ipaddress.ip_address(host.strip("[]")).compressed
    except ValueError:
        pass
    return _psl.privatesuffix(host) or host


class HostLimiter:
    """Token buckets per host group, shared by every fetch of one fetcher (one process)."""

    def __init__(self, limit: HostRate, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def reserve(self, host: str, deadline: float | None) -> float:
        """Reserve one fetch to `host`; return the seconds to wait before making it.

        Raises TimedOutError, taking nothing, when the wait would end after `deadline`
        (a time on `clock`): the fetch could not finish in time anyway.
        """
        now = self._clock()
        bucket = self._bucket(host_group(host), now)
        wait = bucket.wait_for(1, now)
        if deadline is not None and now + wait >= deadline:
            raise TimedOutError(
                "the link's site is being fetched too often; try again later",
            )
        bucket.take(1, now)
        return wait

    async def acquire(self, host: str, deadline: float | None) -> None:
        """Wait for a token to fetch from `host`, within `deadline` (see `reserve`)."""
        wait = self.reserve(host, deadline)
        if wait > 0:
            await asyncio.sleep(wait)

    def _bucket(self, group: str, now: float) -> TokenBucket:
        bucket = self._buckets.get(group)
        if bucket is None:
            if len(self._buckets) >= _PRUNE_AT:
                self._buckets = {k: b for k, b in self._buckets.items() if not b.is_full(now)}
            bucket = self._buckets[group] = TokenBucket(self.limit.burst, self.limit.rate, now)
        return bucket
