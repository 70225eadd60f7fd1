"""Single flight across instances: of all the processes sharing one Redis, one fetches a key.

The first instance to `SET <prefix>lock:<key> <token> NX PX <ms>` fetches; it keeps the lock
short and renews it while the fetch runs, so that if it dies the lock lapses within seconds
and a waiter takes over. The others subscribe to `<prefix>done:<key>`, where the holder
publishes the outcome it stored, and between messages they try the lock again: getting it
means the holder finished or died, so they first look in the cache (a result published
before they subscribed is there) and fetch only when it holds nothing fresh. The lock is
released with a compare-and-delete script so a holder whose lock lapsed never frees another's.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from redis.asyncio import Redis
from redis.exceptions import RedisError

from model.record import Outcome
from previews.cache import Fetch, Lookup, decode, encode

log = logging.getLogger(__name__)

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class RedisFlight:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "linkgraph:",
        lock_ms: int = 5_000,
        poll: float = 0.2,
        wait_limit: float = 60.0,
    ) -> None:
        """`lock_ms` bounds how long a dead holder blocks others; `poll` how often a waiter
        checks the lock; past `wait_limit` a waiter stops trusting a live but stuck holder."""
        self._client = client
        self._prefix = prefix
        self._lock_ms = lock_ms
        self._poll = poll
        self._wait_limit = wait_limit
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)

    async def run(self, key: str, fetch: Fetch, lookup: Lookup) -> Outcome:
        lock = f"{self._prefix}lock:{key}"
        channel = f"{self._prefix}done:{key}"
        token = secrets.token_hex(16)
        try:
            acquired = await self._acquire(lock, token)
        except RedisError:
            log.warning("redis unavailable for the fetch lock; fetching without it")
            return await fetch()
        if acquired:
            return await self._hold(lock, token, channel, fetch)
        outcome = await self._wait(lock, token, channel, fetch, lookup)
        if outcome is not None:
            return outcome
        log.warning("gave up waiting for another instance's fetch; fetching here")
        return await fetch()

    async def _acquire(self, lock: str, token: str) -> bool:
        return bool(await self._client.set(lock, token, nx=True, px=self._lock_ms))

    async def _wait(
        self, lock: str, token: str, channel: str, fetch: Fetch, lookup: Lookup
    ) -> Outcome | None:
        """The outcome another instance fetched, or None when waiting for it timed out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_limit
        pubsub = self._client.pubsub()
        try:
            await pubsub.subscribe(channel)
            while loop.time() < deadline:
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=self._poll
                )
                if message is not None and message["type"] == "message":
                    outcome = decode(message["data"])
                    if outcome is not None:
                        return outcome
                if await self._acquire(lock, token):
                    found = await self._lookup_holding(lock, token, lookup)
                    if found is not None:
                        return found
                    return await self._hold(lock, token, channel, fetch)
        finally:
            await pubsub.aclose()
        return None

    async def _lookup_holding(self, lock: str, token: str, lookup: Lookup) -> Outcome | None:
        """Look in the cache while holding the lock; release it if the answer is there."""
        try:
            found = await lookup()
        except BaseException:
            await self._unlock(lock, token)
            raise
        if found is not None:
            await self._unlock(lock, token)
        return found

    async def _hold(self, lock: str, token: str, channel: str, fetch: Fetch) -> Outcome:
        renewing = asyncio.create_task(self._keep(lock, token))
        try:
            outcome = await fetch()
            try:
                await self._client.publish(channel, encode(outcome))
            except RedisError:
                log.warning("could not announce a fetched outcome; waiters will poll")
            return outcome
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            await self._unlock(lock, token)

    async def _keep(self, lock: str, token: str) -> None:
        """Renew the lock while the fetch runs, so a slow fetch is not joined by another."""
        while True:
            await asyncio.sleep(self._lock_ms / 3000)
            try:
                if not await self._renew(keys=[lock], args=[token, self._lock_ms]):
                    return
            except RedisError:
                log.warning("could not renew a fetch lock")

    async def _unlock(self, lock: str, token: str) -> None:
        try:
            await self._release(keys=[lock], args=[token])
        except RedisError:
            log.warning("could not release a fetch lock; it lapses on its own")

    async def aclose(self) -> None:
        return None
