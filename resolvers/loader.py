"""The per-request DataLoader: every `preview`/`previews` field of one operation is gathered
into one batch, keyed by normalised URL, so a link named twice is fetched once.

It also counts, for the rate limit, how many distinct links were served from the cache and how
many had to be fetched. The DataLoader's memo means each key reaches `batch_load_fn` once per
request, so the counts are of distinct links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiodataloader import DataLoader

from model.record import Outcome, Shoot
from previews.service import PreviewService
from resolvers.cost import RequestCost


class PreviewLoader(DataLoader[str, Outcome]):
    def __init__(
        self,
        service: PreviewService,
        cost: RequestCost | None = None,
        client: str | None = None,
        shoot: Callable[[], Shoot] = lambda: Shoot.NEVER,
    ) -> None:
        """`client` is who the fetches are for; `shoot` says, when the batch runs, what
        screenshot the operation wants."""
        super().__init__()
        self._service = service
        self.cost = cost if cost is not None else RequestCost()
        self._client = client
        self._shoot = shoot

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Outcome]:
        return await lookup_counted(
            self._service, self.cost, keys, client=self._client, shoot=self._shoot()
        )


async def lookup_counted(
    service: PreviewService,
    cost: RequestCost,
    keys: Sequence[str],
    *,
    client: str | None = None,
    shoot: Shoot = Shoot.NEVER,
) -> list[Outcome]:
    """Outcomes of distinct `keys` in one batch, counted into `cost`: the loader's batch, and
    what a compiled plan (resolvers/plans.py), which knows every link before it starts, looks
    up without the loader's future per key. `client` is who the fetches are for, `shoot` the
    screenshot the operation wants."""
    found = await service.lookup(keys, shoot, client=client)
    # The keys are distinct, so these count distinct links.
    cost.hits += len(found.cached)
    cost.fetches += len(keys) - len(found.cached)
    return found.outcomes
