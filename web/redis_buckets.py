"""Per-client token buckets in Redis, so that every instance charges one shared budget.

One Lua script refills, charges and stores a bucket atomically, on the Redis server's clock
(so instances with skewed clocks agree); a bucket expires once it would be full again, so idle
clients cost no memory. If Redis fails, the request is let through and the failure logged: a
rate limit that takes the service down with it would be worse than one briefly not enforced.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from web.rate_limit import Budget

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
if cost ~= 0 then
  level = level - cost
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(updated))
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - level) / rate * 1000) + 1000)
end
return tostring(level)
"""


class RedisBuckets:
    def __init__(self, client: Redis, budget: Budget, *, prefix: str = "linkgraph:rate:") -> None:
        self.budget = budget
        self._client = client
        self._prefix = prefix
        self._take = client.register_script(_TAKE)

    @classmethod
    def from_url(cls, url: str, budget: Budget) -> RedisBuckets:
        return cls(Redis.from_url(url), budget)

    async def level(self, client: str) -> float:
        return await self.take(client, 0)

    async def take(self, client: str, points: float) -> float:
        budget = self.budget
        try:
            left = await self._take(
                keys=[self._prefix + client], args=[budget.capacity, budget.refill, points]
            )
        except RedisError:
            log.exception("rate limit store failed; letting the request through")
            return float(budget.capacity)
        return float(left)

    async def aclose(self) -> None:
        await self._client.aclose()
