"""One process's way to Redis, shared by the preview cache, the cross-instance single flight
and the rate limiter: Redis is a dependency that can fail, and this is where that is handled.

Under redis-py's defaults a burst of cold links ran out of connections (its pool fails
instead of waiting), a hung Redis stalled every request for its 5 s timeout and retries, and
every waiting link held a pub/sub connection of its own. So:

- **A bounded pool that waits.** `BlockingConnectionPool`: a command that finds every
  connection busy waits for one, within the call's deadline, rather than failing at once.
- **Short deadlines, a small retry budget.** Each call has `timeout` seconds in all; sockets
  get half of it, so that the one retry (which replaces a connection a restarted Redis cut)
  fits inside.
- **A circuit breaker.** After a call that timed out, or `threshold` failures in a row, the
  link is *open*: calls are refused at once with `RedisUnavailableError`, so nothing waits on
  a Redis that is down or hung, and a probe pings Redis every `probe_interval` seconds in the
  background; the first answer closes it again, without a restart. Callers go on without
  Redis meanwhile (this process's own single flight, its own rate-limit buckets, no shared
  cache).
- **One pub/sub connection** (`Channels`) for every link this process waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")


class RedisUnavailableError(RedisError):
    """Redis is down, hung or unreachable: refused by the open breaker, or this call failed."""


class RedisObserver(Protocol):
    """Who counts what went on without Redis (the app's metrics); implemented above."""

    def redis_fallback(self, part: str) -> None:
        """One operation of `part` (cache, flight, rate_limit) went on without Redis."""
        ...


class RedisLink:
    def __init__(
        self,
        client: Redis,
        *,
        timeout: float = 1.0,
        threshold: int = 3,
        probe_interval: float = 0.5,
        observer: RedisObserver | None = None,
    ) -> None:
        """`timeout` bounds each call, its wait for a connection and its retry included;
        `threshold` failures in a row open the breaker."""
        self.client = client
        self.observer = observer
        self._timeout = timeout
        self._threshold = threshold
        self._probe_interval = probe_interval
        self._failures = 0
        self._open_since: float | None = None
        self._reason = ""
        self._probe: asyncio.Task[None] | None = None
        self.channels = Channels(self)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout: float = 1.0,
        max_connections: int = 32,
        observer: RedisObserver | None = None,
    ) -> RedisLink:
        """`redis://host:port/db` (or `rediss://`); connects on first use."""
        if not url.startswith(("redis://", "rediss://")):
            raise ValueError(f"not a redis:// URL: {url!r}")
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            socket_timeout=timeout / 2,
            socket_connect_timeout=timeout / 2,
            retry=Retry(NoBackoff(), 1),
        )
        return cls(Redis.from_pool(pool), timeout=timeout, observer=observer)

    @property
    def available(self) -> bool:
        """False while the breaker is open: callers then skip Redis altogether."""
        return self._open_since is None

    def state(self) -> str | None:
        """Why Redis is not in use now, or None when it is (what /readyz reports)."""
        if self._open_since is None:
            return None
        return f"circuit open for {time.monotonic() - self._open_since:.1f}s: {self._reason}"

    async def call(self, part: str, operation: Callable[[Redis], Awaitable[T]]) -> T:
        """`operation(client)` within the deadline; `RedisUnavailableError` when the breaker is
        open or Redis did not answer (a Redis that answered with an error raises that)."""
        if self._open_since is not None:
            self._fell_back(part)
            raise RedisUnavailableError(self._reason)
        try:
            async with asyncio.timeout(self._timeout):
                result = await operation(self.client)
        except (RedisConnectionError, RedisTimeoutError, TimeoutError, OSError) as error:
            self._fell_back(part)
            self._failed(error)
            raise RedisUnavailableError(_describe(error)) from error
        self._failures = 0
        return result

    async def ping(self) -> None:
        """Raise `RedisUnavailableError` unless Redis answers (through the breaker)."""
        await self.call("ready", lambda client: client.ping())

    def _fell_back(self, part: str) -> None:
        if self.observer is not None:
            self.observer.redis_fallback(part)

    def _failed(self, error: BaseException) -> None:
        """Open the breaker on a call that ran out of time (a hung Redis costs every caller
        the whole deadline, so one is evidence enough), or on `threshold` failures in a row
        (a refused connection costs nothing, and one reconnect after a restart may fail)."""
        self._failures += 1
        timed_out = isinstance(error, TimeoutError | RedisTimeoutError)
        if self._open_since is not None or (self._failures < self._threshold and not timed_out):
            return
        self._reason = _describe(error)
        self._open_since = time.monotonic()
        log.warning("redis unavailable (%s); going on without it until it answers", self._reason)
        self._probe = asyncio.get_running_loop().create_task(self._wait_for_redis())

    async def _wait_for_redis(self) -> None:
        """Ping until Redis answers, then close the breaker."""
        while True:
            await asyncio.sleep(self._probe_interval)
            try:
                async with asyncio.timeout(self._timeout):
                    await self.client.ping()
            except (RedisError, TimeoutError, OSError):
                continue
            self._failures = 0
            self._open_since = None
            log.warning("redis answers again; using it")
            return

    async def aclose(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
        await self.channels.aclose()
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()


class Channels:
    """Every channel this process waits on, over one pub/sub connection.

    A waiter gets a future that the one reader task resolves with the first message published
    on its channel. Channels are subscribed when first waited on and unsubscribed by the
    reader once nobody waits; after a reconnect redis-py subscribes the current ones again.
    A message lost while the connection was down is not waited for forever: waiters also
    poll (previews/flight.py) and every wait has a deadline.
    """

    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._pubsub: PubSub | None = None
        self._waiters: dict[str, set[asyncio.Future[bytes]]] = {}
        self._idle: set[str] = set()
        self._lock: asyncio.Lock | None = None
        self._reader: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        """Channels waited on now."""
        return len(self._waiters)

    async def wait(self, channel: str) -> asyncio.Future[bytes]:
        """A future for the next message on `channel`; hand it back with `leave`.
        Raises `RedisUnavailableError` when the subscription could not be made."""
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        waiting = self._waiters.setdefault(channel, set())
        waiting.add(future)
        self._idle.discard(channel)
        if len(waiting) == 1:
            try:
                await self._link.call("flight", lambda _: self._subscribe(channel))
            except BaseException:
                self.leave(channel, future)
                raise
        return future

    def leave(self, channel: str, future: asyncio.Future[bytes]) -> None:
        waiting = self._waiters.get(channel)
        if waiting is None:
            return
        waiting.discard(future)
        if not waiting:
            del self._waiters[channel]
            self._idle.add(channel)

    async def _subscribe(self, channel: str) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._pubsub is None:
                self._pubsub = self._link.client.pubsub(ignore_subscribe_messages=True)
            # Also when a SUBSCRIBE is still listed: its UNSUBSCRIBE may be on its way.
            if channel in self._waiters:
                await self._pubsub.subscribe(channel)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        """Hand each message to its channel's waiters; drop channels nobody waits on."""
        pubsub = self._pubsub
        assert pubsub is not None
        while True:
            try:
                if self._idle:
                    await self._unsubscribe_idle(pubsub)
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except (RedisError, OSError) as error:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # redis-py can turn the cancellation of a read into a connection error;
                    # retrying would swallow it and keep this reader (and aclose) alive.
                    raise asyncio.CancelledError from error
                log.debug("pub/sub connection failed (%s); reconnecting", error)
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = _text(message["channel"])
            for future in self._waiters.get(channel, ()):
                if not future.done():
                    future.set_result(message["data"])

    async def _unsubscribe_idle(self, pubsub: PubSub) -> None:
        assert self._lock is not None
        async with self._lock:
            idle = [channel for channel in self._idle if channel not in self._waiters]
            self._idle.clear()
            if idle:
                async with asyncio.timeout(self._link._timeout):
                    await pubsub.unsubscribe(*idle)

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            # Bounded: a reader stuck inside the client library must not hold up shutdown.
            await asyncio.wait({self._reader}, timeout=self._link._timeout + 1)
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
