"""Per-client token buckets in Redis, so that every instance charges one shared budget.

One Lua script refills, charges and stores a bucket atomically, on the Redis server's clock
(so instances with skewed clocks agree); a bucket expires once it would be full again, so idle
clients cost no memory. While Redis is down or hung (previews/redis_link.py's breaker), each
process charges buckets of its own instead (`MemoryBuckets`): a rate limit that takes the
service down with it would be worse than one enforced per instance for a while.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from previews.redis_link import RedisLink, RedisUnavailableError
from web.rate_limit import Budget, MemoryBuckets

log = logging.getLogger(__name__)

_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'level', 'updated')
local level = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
if now > updated then
  level = math.min(capacity, level + (now - updated) * rate)
  updated = now
end
-- ARGV[4] = 'admit': the cost only if at least one point is left
if ARGV[4] == 'admit' and level < 1 then
  return {tostring(level), 0}
end
if cost ~= 0 then
  level = level - cost
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(updated))
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - level) / rate * 1000) + 1000)
end
return {tostring(level), 1}
"""


class RedisBuckets:
    def __init__(
        self,
        link: RedisLink,
        budget: Budget,
        *,
        prefix: str = "linkgraph:rate:",
        owns_link: bool = False,
    ) -> None:
        """`owns_link`: close the link with the buckets (the app closes its shared one)."""
        self.budget = budget
        self._link = link
        self._owns_link = owns_link
        self._prefix = prefix
        self._take = link.client.register_script(_TAKE)
        self.local = MemoryBuckets(budget)

    @classmethod
    def from_url(cls, url: str, budget: Budget) -> RedisBuckets:
        return cls(RedisLink.from_url(url), budget, owns_link=True)

    async def take(self, client: str, points: float) -> float:
        answer = await self._run(client, points, "take")
        return await self.local.take(client, points) if answer is None else answer[1]

    async def admit(self, client: str) -> tuple[bool, float]:
        answer = await self._run(client, 1, "admit")
        return await self.local.admit(client) if answer is None else answer

    async def _run(self, client: str, points: float, mode: str) -> tuple[bool, float] | None:
        """Whether the script charged, and the level it left; None when Redis could not run
        it (the caller charges locally)."""
        budget = self.budget
        keys = [self._prefix + client]
        args: list[str | float] = [budget.capacity, budget.refill, points, mode]
        try:
            level, charged = await self._link.call(
                "rate_limit", lambda _: self._take(keys=keys, args=args)
            )
        except RedisUnavailableError:
            return None
        except RedisError as error:  # an error Redis answered with, not an outage
            log.warning("rate limit script failed (%s); charging locally", error)
            return None
        return bool(charged), float(level)

    async def aclose(self) -> None:
        if self._owns_link:
            await self._link.aclose()
