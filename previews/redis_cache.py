"""The shared cache: one Redis that every instance behind a load balancer reads and writes.

Each entry is a hash `<prefix>entry:<key>` holding the same msgspec JSON body the SQLite cache
stores, its fresh and stale deadlines (epoch milliseconds) and whether it is a preview; Redis
expires the hash at its stale deadline, so nothing needs sweeping. Writes go through one Lua
script so that "a failure never replaces a usable preview" holds even when two instances
write the same key at once.

Redis may be down or hung (previews/redis_link.py decides, once per process). Then this cache
answers from a bounded copy of the entries this process read or wrote lately, with the same
deadlines, and writes only that copy: warm links keep being served without a fetch while the
shared cache is away, and nothing waits on Redis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.memo import TtlLru
from model.record import Failure, Outcome
from previews.cache import Entry, Flight, decode, encode
from previews.flight import RedisFlight
from previews.redis_link import RedisLink

# Entries kept in this process for when Redis is away.
_LOCAL_ENTRIES = 4096

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
        link: RedisLink,
        *,
        stale_ttl: float = 0.0,
        prefix: str = "linkgraph:",
        clock: Callable[[], float] = time.time,
        owns_link: bool = False,
    ) -> None:
        """`clock` gives the epoch seconds that deadlines are written and read against, so
        that tests can move time; Redis's own expiry stays on its clock, which only drops an
        entry that this clock would also read as gone. `owns_link`: close the link with the
        cache (the app shares one link with the rate limiter and closes it itself)."""
        self._clock = clock
        self._link = link
        self._owns_link = owns_link
        self._stale_ttl = stale_ttl
        self._prefix = prefix
        self._put_script = link.client.register_script(_PUT)
        self._flight = RedisFlight(link, prefix=prefix)
        # key -> (outcome, fresh_until, stale_until), in ms.
        self._local: TtlLru[str, tuple[Outcome, int, int]] = TtlLru(_LOCAL_ENTRIES)

    @classmethod
    def from_url(
        cls, url: str, *, stale_ttl: float = 0.0, clock: Callable[[], float] = time.time
    ) -> RedisCache:
        """`redis://host:port/db` (or `rediss://` for TLS); connects on first use."""
        if not url.startswith(("redis://", "rediss://")):
            raise ValueError(f"not a redis:// cache URL: {url!r}")
        return cls(RedisLink.from_url(url), stale_ttl=stale_ttl, clock=clock, owns_link=True)

    @property
    def flight(self) -> Flight:
        return self._flight

    def _entry_key(self, key: str) -> str:
        return f"{self._prefix}entry:{key}"

    async def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        if not keys:
            return {}
        try:
            rows = await self._link.call("cache", lambda client: self._read(client, keys))
        except RedisError:
            return self._read_local(keys)
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
                self._local.put(key, (outcome, int(fresh_until), int(stale_until)))
        return found

    async def _read(self, client: Redis, keys: Sequence[str]) -> list[list[bytes | None]]:
        async with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hmget(self._entry_key(key), ["body", "fresh_until", "stale_until"])
            rows: list[list[bytes | None]] = await pipe.execute()
        return rows

    def _read_local(self, keys: Sequence[str]) -> dict[str, Entry]:
        """What this process last saw of `keys`, by the same deadlines."""
        now = _ms(self._clock())
        found = {}
        for key in keys:
            kept = self._local.get(key)
            if kept is not None and kept[2] > now:
                found[key] = Entry(kept[0], fresh=kept[1] > now)
        return found

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        now = self._clock()
        failed = isinstance(outcome, Failure)
        fresh_until = now + ttl
        stale_until = fresh_until if failed else fresh_until + self._stale_ttl
        args: list[bytes | int | str] = [
            encode(outcome),
            _ms(fresh_until),
            _ms(stale_until),
            "0" if failed else "1",
            _ms(now),
        ]
        self._keep_local(key, outcome, _ms(fresh_until), _ms(stale_until), _ms(now))
        try:
            await self._link.call(
                "cache", lambda _: self._put_script(keys=[self._entry_key(key)], args=args)
            )
        except RedisError:
            # Kept locally above; the shared cache misses this one write.
            return

    def _keep_local(
        self, key: str, outcome: Outcome, fresh_until: int, stale_until: int, now: int
    ) -> None:
        """The local copy of what `_PUT` does: a failure keeps a usable preview."""
        kept = self._local.get(key)
        if isinstance(outcome, Failure) and kept is not None:
            old, _, old_stale = kept
            if not isinstance(old, Failure) and old_stale > now:
                self._local.put(key, (old, min(fresh_until, old_stale), old_stale))
                return
        self._local.put(key, (outcome, fresh_until, stale_until))

    async def ping(self) -> None:
        await self._link.ping()

    async def aclose(self) -> None:
        await self._flight.aclose()
        if self._owns_link:
            await self._link.aclose()
