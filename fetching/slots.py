"""Fetch slots shared fairly: at most `total` fetches in flight per process, and a share of
them for each tenant (the client a fetch is made for).

With one process-wide queue, one client's 100 slow links (its whole budget) held every slot
and queued ahead of everyone else, and another client's 0.4 s cold link took 59 s. Now a
tenant past its share may use only what leaves a reserve free, and freed slots go first to
tenants below their share: another client's link finds a slot at once, while a client alone
still has nearly the whole capacity for a burst of its own.

Who the tenant is comes from a context variable that the preview service sets for the links
it fetches for a request (`fetching_for`); the fetcher knows nothing of API keys, addresses or
HTTP. Tasks started inside inherit it, so a page's images and icons count for the same tenant.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The tenant fetches are made for now; None for work nobody asked for (shared by all such).
_TENANT: ContextVar[str | None] = ContextVar("linkgraph_fetch_tenant", default=None)


@contextmanager
def fetching_for(tenant: str | None) -> Iterator[None]:
    """Fetches started inside the block, and in tasks created inside it, are `tenant`'s."""
    token = _TENANT.set(tenant)
    try:
        yield
    finally:
        _TENANT.reset(token)


def current_tenant() -> str | None:
    return _TENANT.get()


class FetchSlots:
    """The slots of one fetcher, handed out fairly between tenants.

    A tenant below its share (`per_tenant`) takes a free slot at once. Above it, it may still
    take one while that leaves `reserve` slots free, so a client alone uses nearly all the
    capacity (a burst of its own cold links is not slowed for nobody's sake) while a
    newcomer always finds a slot. A freed slot goes to the longest-waiting tenant below its
    share, else to the longest waiter if the reserve allows.
    """

    def __init__(self, total: int, per_tenant: int | None = None, reserve: int | None = None):
        if total < 1:
            raise ValueError("a fetcher needs at least one slot")
        self.total = total
        self.per_tenant = min(total, per_tenant or total)
        if reserve is None:
            reserve = 0 if self.per_tenant >= total else max(1, total // 8)
        self.reserve = reserve
        self._free = total
        self._held: Counter[str | None] = Counter()
        self._waiting: deque[tuple[str | None, asyncio.Future[None]]] = deque()

    def slot(self) -> Slot:
        """A slot for the current tenant, not yet held."""
        return Slot(self, current_tenant())

    def tenants(self) -> int:
        """Tenants holding or waiting for a slot (for tests)."""
        return len({tenant for tenant, _ in self._waiting} | set(+self._held))

    def held_by(self, tenant: str | None) -> int:
        return self._held[tenant]

    async def _acquire(self, tenant: str | None) -> None:
        if self._may_take(tenant):
            self._take(tenant)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (tenant, waiter)
        self._waiting.append(entry)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._release(tenant)  # granted just as it was given up: pass it on
            else:
                self._waiting.remove(entry)
            raise

    def _release(self, tenant: str | None) -> None:
        self._held[tenant] -= 1
        if self._held[tenant] <= 0:
            del self._held[tenant]
        self._free += 1
        self._hand_over()

    def _may_take(self, tenant: str | None) -> bool:
        if self._free == 0:
            return False
        return self._held[tenant] < self.per_tenant or self._free - 1 >= self.reserve

    def _take(self, tenant: str | None) -> None:
        self._free -= 1
        self._held[tenant] += 1

    def _hand_over(self) -> None:
        """Give free slots to waiters: below their share first, in arrival order."""
        while self._free and self._waiting:
            chosen = next(
                (e for e in self._waiting if self._held[e[0]] < self.per_tenant), None
            ) or (self._waiting[0] if self._free - 1 >= self.reserve else None)
            if chosen is None:
                return
            self._waiting.remove(chosen)
            tenant, waiter = chosen
            self._take(tenant)
            waiter.set_result(None)


class Slot:
    """One fetch's claim: taken before each exchange, given back while it waits for anything
    else (the per-site limit), so that a wait never keeps another fetch out."""

    def __init__(self, slots: FetchSlots, tenant: str | None) -> None:
        self._slots = slots
        self._tenant = tenant
        self.held = False

    async def acquire(self) -> None:
        if not self.held:
            await self._slots._acquire(self._tenant)
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._slots._release(self._tenant)

    def close(self) -> None:
        """Give back the slot if held."""
        self.release()
