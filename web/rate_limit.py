"""A points budget per API key (or per client address when keys are off) on /graphql.

Each client has a token bucket of `capacity` points refilled at `refill` points a second. A
distinct link the cache could not serve costs `fetch_cost` points, a cached one `hit_cost`,
and every request at least one, because an uncached link is what makes this service do work
for someone else. The cost is known only after execution, so the bucket is checked first (an
empty one is refused with 429 before anything is read or fetched, and the request's first point
is taken then, so a flood of parallel requests cannot all pass an almost empty bucket) and the
rest is charged once the response starts (and what a streamed answer fetches after that, as it
ends); a request may leave the bucket in debt, which the
next ones wait out.

Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds
until the bucket is full again), and a 429 also `Retry-After` (seconds until the next request
can pass). The buckets live in this process (`MemoryBuckets`), or in Redis when the cache is
(`web.redis_buckets`), so that several instances share one budget per client.
Addresses are taken from the connection; behind a proxy, turn keys on. GraphQL over WebSocket
is refused outright, since it would carry operations past both checks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fetching.host_limit import TokenBucket
from web.cost import attach
from web.keys import CLIENT_KEY, guarded
from web.responses import send_error

# Idle buckets are dropped once this many exist; a dropped bucket was full, so nothing is lost.
_PRUNE_AT = 100_000


@dataclass(frozen=True, slots=True)
class Budget:
    capacity: int = 1000
    refill: float = 10.0
    fetch_cost: int = 10
    hit_cost: int = 1
    # Points per KiB of a document this process parses for the first time.
    document_cost: int = 1


class Buckets(Protocol):
    """Token buckets by client id, wherever they are kept."""

    budget: Budget

    async def take(self, client: str, points: float) -> float:
        """Charge `points` (into debt if need be); return the level left (0 points: the level
        now, a full bucket for a client never seen)."""
        ...

    async def admit(self, client: str) -> tuple[bool, float]:
        """Take one point if at least one is left, in one step; return whether it was taken
        and the level now."""
        ...

    async def aclose(self) -> None: ...


class MemoryBuckets:
    """The buckets of one process, by client id."""

    def __init__(self, budget: Budget, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    async def take(self, client: str, points: float) -> float:
        return self._bucket(client).take(points, self._clock())

    async def admit(self, client: str) -> tuple[bool, float]:
        bucket = self._bucket(client)
        level = bucket.refill(self._clock())
        if level < 1:
            return False, level
        bucket.level = level - 1
        return True, bucket.level

    async def aclose(self) -> None:
        return None

    def _bucket(self, client: str) -> TokenBucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            now = self._clock()
            if len(self._buckets) >= _PRUNE_AT:
                self._buckets = {k: b for k, b in self._buckets.items() if not b.is_full(now)}
            bucket = self._buckets[client] = TokenBucket(
                self.budget.capacity, self.budget.refill, now
            )
        return bucket


def limit_headers(budget: Budget, level: float) -> list[tuple[bytes, bytes]]:
    """The RateLimit-* triple for a bucket at `level`."""
    reset = math.ceil(max(0.0, budget.capacity - level) / budget.refill)
    return [
        (b"ratelimit-limit", b"%d" % budget.capacity),
        (b"ratelimit-remaining", b"%d" % max(0, math.floor(level))),
        (b"ratelimit-reset", b"%d" % reset),
    ]


def client_of(scope: Scope) -> str:
    """The key id the key check left, or else the peer address."""
    client = scope.get(CLIENT_KEY)
    if isinstance(client, str):
        return client
    peer = scope.get("client")
    return f"ip:{peer[0]}" if peer else "ip:unknown"


class RateLimit:
    def __init__(self, app: ASGIApp, *, buckets: Buckets) -> None:
        self.app = app
        self.buckets = buckets
        self.budget = buckets.budget

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_send(send))
            return
        if scope["type"] == "websocket" and guarded({**scope, "type": "http"}):
            # GraphQL over WebSocket runs many operations on one connection, past both the
            # key check and the per-request budget; this service has no subscriptions, so
            # the handshake is refused (403).
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        client = client_of(scope)
        budget = self.budget
        admitted, left = await self.buckets.admit(client)
        if not admitted:
            retry = max(1, math.ceil((1 - left) / budget.refill))
            await send_error(
                scope,
                send,
                429,
                f"This client is over its request budget; retry in {retry} s.",
                "RATE_LIMITED",
                [(b"retry-after", str(retry).encode()), *limit_headers(budget, left)],
            )
            return
        cost = attach(scope)
        # Points charged so far (the first was taken on admission), and the level after the
        # last charge: what the headers say when nothing more is owed (a warm answer), so that
        # such a request costs the buckets one call, not three.
        charged = 1
        started = False

        def owed() -> int:
            """What the request has cost beyond what was charged already."""
            points = cost.points(
                fetch_cost=budget.fetch_cost,
                hit_cost=budget.hit_cost,
                document_cost=budget.document_cost,
            )
            return points - charged

        async def charge(points: int) -> None:
            nonlocal charged, left
            left = await self.buckets.take(client, points)
            charged += points

        async def charging_send(message: Message) -> None:
            nonlocal started
            kind = message["type"]
            if kind == "http.response.start" and not started:
                if (points := owed()) > 0:
                    await charge(points)
                started = True
                headers = list(message.get("headers") or ())
                message = {**message, "headers": [*headers, *limit_headers(budget, left)]}
            elif (
                kind == "http.response.body"
                and not message.get("more_body")
                and (points := owed()) > 0
            ):
                # A streamed answer starts before its links are fetched: they are charged
                # before its last part goes out (a plain answer owes nothing more by then).
                await charge(points)
            await send(message)

        try:
            await self.app(scope, receive, charging_send)
        finally:
            if (points := owed()) > 0:  # what a request that ended without an answer cost
                await charge(points)

    def _closing_send(self, send: Send) -> Send:
        """Close the buckets (a Redis connection) when the app has shut down."""

        async def closing_send(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.buckets.aclose()
            await send(message)

        return closing_send
