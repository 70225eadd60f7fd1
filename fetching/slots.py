"""Fetch slots shared fairly: at most `total` fetches in flight per process, and at most
`per_tenant` of them for any one tenant (the client a fetch is made for).

With one process-wide queue, one client's 100 slow links (its whole budget) held every slot
and queued ahead of everyone else, and another client's 0.4 s cold link took 59 s. A tenant
first waits for a share of its own, then for a slot: its fetches queue behind each other, not
in front of other tenants', and the others always find `total - per_tenant` slots it cannot
take.

Who the tenant is comes from a context variable that the preview service sets for the links
it fetches for a request (`fetching_for`); the fetcher knows nothing of API keys, addresses or
HTTP. Tasks started inside inherit it, so a page's images and icons count for the same tenant.
"""

from __future__ import annotations

import asyncio
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


class _Share:
    __slots__ = ("semaphore", "users")

    def __init__(self, size: int) -> None:
        self.semaphore = asyncio.Semaphore(size)
        self.users = 0


class FetchSlots:
    """The slots of one fetcher; a tenant's share exists while one of its fetches does."""

    def __init__(self, total: int, per_tenant: int | None = None) -> None:
        if total < 1:
            raise ValueError("a fetcher needs at least one slot")
        self.total = total
        self.per_tenant = min(total, per_tenant or total)
        self._slots = asyncio.Semaphore(total)
        self._shares: dict[str | None, _Share] = {}

    def slot(self) -> Slot:
        """A slot for the current tenant, not yet held."""
        return Slot(self, current_tenant())

    def tenants(self) -> int:
        """Tenants with a fetch waiting or running (for tests)."""
        return len(self._shares)

    def _share(self, tenant: str | None) -> _Share:
        share = self._shares.get(tenant)
        if share is None:
            share = self._shares[tenant] = _Share(self.per_tenant)
        share.users += 1
        return share

    def _leave(self, tenant: str | None, share: _Share) -> None:
        share.users -= 1
        if share.users == 0:
            del self._shares[tenant]


class Slot:
    """One fetch's claim: taken before each exchange, given back while it waits for anything
    else (the per-site limit), so that a wait never keeps another fetch out."""

    def __init__(self, slots: FetchSlots, tenant: str | None) -> None:
        self._slots = slots
        self._tenant = tenant
        self._share = slots._share(tenant)
        self.held = False

    async def acquire(self) -> None:
        if self.held:
            return
        share = self._share.semaphore
        await share.acquire()
        try:
            await self._slots._slots.acquire()
        except BaseException:
            share.release()
            raise
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._slots._slots.release()
            self._share.semaphore.release()

    def close(self) -> None:
        """Give back the slot if held, and the claim on the tenant's share."""
        self.release()
        self._slots._leave(self._tenant, self._share)
