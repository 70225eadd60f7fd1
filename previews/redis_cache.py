"""The shared cache: one Redis that every instance behind a load balancer reads and writes.

Each entry is a hash `<prefix>entry:<key>` holding the same msgspec JSON body the SQLite cache
stores, its fresh and stale deadlines (epoch milliseconds) and whether it is a preview; Redis
expires the hash at its stale deadline, so nothing needs sweeping. Writes go through one Lua
script so that "a failure never replaces a usable preview" holds even when two instances
write the same key at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis

from model.record import Failure, Outcome
from previews.cache import Entry, Flight, decode, encode
from previews.flight import RedisFlight

# KEYS[1]: the entry; ARGV: body, fresh_until, stale_until, ok ("1"/"0"), now (all ms).
_PUT = """
if ARGV[4] == '0' then
    local fields = redis.call('HMGET', KEYS[1], 'ok', 'stale_until')
    if fields[1] == '1' and tonumber(fields[2]) > tonumber(ARGV[5]) then
        local until_ms = ARGV[2]
        if tonumber(fields[2]) < tonumber(ARGV[2]) then until_ms = fields[2] end
        redis.call('HSET', KEYS[1], 'fresh_until', until_ms)
        return 0
    end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'body', ARGV[1], 'fresh_until', ARGV[2],
           'stale_until', ARGV[3], 'ok', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
"""


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


class RedisCache:
    def __init__(
        self,
        client: Redis,
        *,
        stale_ttl: float = 0.0,
        prefix: str = "linkgraph:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock` gives the epoch seconds that deadlines are written and read against, so
        that tests can move time; Redis's own expiry stays on its clock, which only drops an
        entry that this clock would also read as gone."""
        self._clock = clock
        self._client = client
        self._stale_ttl = stale_ttl
        self._prefix = prefix
        self._put_script = client.register_script(_PUT)
        self._flight = RedisFlight(client, prefix=prefix)

    @classmethod
    def from_url(
        cls, url: str, *, stale_ttl: float = 0.0, clock: Callable[[], float] = time.time
    ) -> RedisCache:
        """`redis://host:port/db` (or `rediss://` for TLS); connects on first use."""
        if not url.startswith(("redis://", "rediss://")):
            raise ValueError(f"not a redis:// cache URL: {url!r}")
        return cls(Redis.from_url(url), stale_ttl=stale_ttl, clock=clock)

    @property
    def flight(self) -> Flight:
        return self._flight

    def _entry_key(self, key: str) -> str:
        return f"{self._prefix}entry:{key}"

    async def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        if not keys:
            return {}
        async with self._client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hmget(self._entry_key(key), ["body", "fresh_until", "stale_until"])
            rows = await pipe.execute()
        now = _ms(self._clock())
        found = {}
        for key, (body, fresh_until, stale_until) in zip(keys, rows, strict=True):
            if body is None or fresh_until is None or stale_until is None:
                continue
            if int(stale_until) <= now:
                continue
            outcome = decode(body)
            if outcome is not None:
                found[key] = Entry(outcome, fresh=int(fresh_until) > now)
        return found

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        now = self._clock()
        failed = isinstance(outcome, Failure)
        fresh_until = now + ttl
        stale_until = fresh_until if failed else fresh_until + self._stale_ttl
        await self._put_script(
            keys=[self._entry_key(key)],
            args=[
                encode(outcome),
                _ms(fresh_until),
                _ms(stale_until),
                "0" if failed else "1",
                _ms(now),
            ],
        )

    async def ping(self) -> None:
        await self._client.ping()

    async def aclose(self) -> None:
        await self._flight.aclose()
        await self._client.aclose()
