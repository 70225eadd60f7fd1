"""Single flight across instances: of all the processes sharing one Redis, one fetches a key.

The first instance to `SET <prefix>lock:<key> <token> NX PX <ms>` fetches. Its lock is a
lease: all the leases a process holds are renewed together, in one script call per tick
(`Leases`), so that a dead holder's lock lapses within `lock_ms` and a waiter takes over,
without a command per lock per tick. The others wait on `<prefix>done:<key>` through the
process's one pub/sub connection (previews/redis_link.py), where the holder publishes the
outcome it stored, and between messages they try the lock again: getting it means the holder
finished or died, so they first look in the cache (a result published before they subscribed
is there) and fetch only when it holds nothing fresh. The lock is released with a
compare-and-delete script so a holder whose lock lapsed never frees another's.

Redis may fail at any step. Then this process fetches the key itself, once (the service's
in-process single flight still joins its own callers): a Redis error costs at most an extra
fetch, never an answer. Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from redis.exceptions import RedisError

from model.record import Outcome
from previews.cache import Fetch, Lookup, decode, encode
from previews.redis_link import RedisLink

log = logging.getLogger(__name__)

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: the locks; ARGV[1]: the lease in ms, ARGV[i + 1]: the token of KEYS[i].
# Returns the locks that are no longer ours.
_RENEW_ALL = """
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ARGV[1])
  else
    lost[#lost + 1] = key
  end
end
return lost
"""
# Locks renewed in one script call at most (a larger set takes several calls per tick).
_RENEW_BATCH = 500


class Leases:
    """The fetch locks this process holds, renewed together every `lock_ms / 3`.

    A lease is renewed for at most `max_hold` seconds: past that the waiters elsewhere have
    stopped trusting its holder anyway, and a stuck fetch must not keep a lock for minutes.
    """

    def __init__(self, link: RedisLink, *, lock_ms: int, max_hold: float) -> None:
        self._link = link
        self._lock_ms = lock_ms
        self._max_hold = max_hold
        self._held: dict[str, tuple[str, float]] = {}  # lock -> (token, taken at)
        self._renew = link.client.register_script(_RENEW_ALL)
        self._task: asyncio.Task[None] | None = None
        self.renewals = 0  # script calls made: what a test counts

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, lock: str, token: str) -> None:
        loop = asyncio.get_running_loop()
        self._held[lock] = (token, loop.time())
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._keep())

    def drop(self, lock: str) -> None:
        self._held.pop(lock, None)

    async def _keep(self) -> None:
        loop = asyncio.get_running_loop()
        while self._held:
            await asyncio.sleep(self._lock_ms / 3000)
            now = loop.time()
            for lock, (_, since) in list(self._held.items()):
                if now - since > self._max_hold:
                    log.warning(
                        "a fetch has held its lock for %.0fs; no longer renewing it", now - since
                    )
                    self.drop(lock)
            held = list(self._held.items())
            for start in range(0, len(held), _RENEW_BATCH):
                batch = held[start : start + _RENEW_BATCH]
                await self._renew_batch(batch)

    async def _renew_batch(self, batch: list[tuple[str, tuple[str, float]]]) -> None:
        keys = [lock for lock, _ in batch]
        args: list[str | int] = [self._lock_ms, *(token for _, (token, _) in batch)]
        try:
            self.renewals += 1
            lost = await self._link.call("flight", lambda _: self._renew(keys=keys, args=args))
        except RedisError:
            log.warning("could not renew %d fetch locks", len(keys))
            return
        for lock in lost:
            self.drop(lock.decode() if isinstance(lock, bytes) else str(lock))

    async def aclose(self) -> None:
        self._held.clear()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class RedisFlight:
    def __init__(
        self,
        link: RedisLink,
        *,
        prefix: str = "linkgraph:",
        lock_ms: int = 10_000,
        poll: float = 0.5,
        wait_limit: float = 60.0,
    ) -> None:
        """`lock_ms` bounds how long a dead holder blocks others; `poll` how often a waiter
        checks the lock; past `wait_limit` a waiter stops trusting a live but stuck holder."""
        self._link = link
        self._prefix = prefix
        self._lock_ms = lock_ms
        self._poll = poll
        self._wait_limit = wait_limit
        self._release = link.client.register_script(_RELEASE)
        self.leases = Leases(link, lock_ms=lock_ms, max_hold=wait_limit)

    async def run(self, key: str, fetch: Fetch, lookup: Lookup) -> Outcome:
        if not self._link.available:
            return await fetch()
        lock = f"{self._prefix}lock:{key}"
        channel = f"{self._prefix}done:{key}"
        token = secrets.token_hex(16)
        try:
            acquired = await self._acquire(lock, token)
            if acquired:
                return await self._hold(lock, token, channel, fetch)
            outcome = await self._wait(lock, token, channel, fetch, lookup)
        except RedisError as error:
            log.warning("redis failed during a fetch's single flight (%s); fetching here", error)
            return await fetch()
        if outcome is not None:
            return outcome
        log.warning("gave up waiting for another instance's fetch; fetching here")
        return await fetch()

    async def _acquire(self, lock: str, token: str) -> bool:
        return bool(
            await self._link.call(
                "flight", lambda client: client.set(lock, token, nx=True, px=self._lock_ms)
            )
        )

    async def _wait(
        self, lock: str, token: str, channel: str, fetch: Fetch, lookup: Lookup
    ) -> Outcome | None:
        """The outcome another instance fetched, or None when waiting for it timed out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_limit
        channels = self._link.channels
        message = await channels.wait(channel)
        try:
            while (left := deadline - loop.time()) > 0:
                if not message.done():
                    await asyncio.wait({message}, timeout=min(self._poll, left))
                if message.done():
                    outcome = decode(message.result())
                    if outcome is not None:
                        return outcome
                    # Written by another version: read it from the cache as a holder would.
                    await asyncio.sleep(min(self._poll, left))
                if await self._acquire(lock, token):
                    found = await self._lookup_holding(lock, token, lookup)
                    if found is not None:
                        return found
                    return await self._hold(lock, token, channel, fetch)
        finally:
            channels.leave(channel, message)
        return None

    async def _lookup_holding(self, lock: str, token: str, lookup: Lookup) -> Outcome | None:
        """Look in the cache while holding the lock; release it if the answer is there."""
        try:
            found = await lookup()
        except RedisError:
            found = None
        except BaseException:
            await self._unlock(lock, token)
            raise
        if found is not None:
            await self._unlock(lock, token)
        return found

    async def _hold(self, lock: str, token: str, channel: str, fetch: Fetch) -> Outcome:
        self.leases.hold(lock, token)
        try:
            outcome = await fetch()
            try:
                await self._link.call(
                    "flight", lambda client: client.publish(channel, encode(outcome))
                )
            except RedisError:
                log.warning("could not announce a fetched outcome; waiters will poll")
            return outcome
        finally:
            self.leases.drop(lock)
            await self._unlock(lock, token)

    async def _unlock(self, lock: str, token: str) -> None:
        try:
            await self._link.call("flight", lambda _: self._release(keys=[lock], args=[token]))
        except RedisError:
            log.warning("could not release a fetch lock; it lapses on its own")

    async def aclose(self) -> None:
        await self.leases.aclose()
