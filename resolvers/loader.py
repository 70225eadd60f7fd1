"""The per-request DataLoader: every `preview`/`previews` field of one operation is gathered
into one batch, keyed by normalised URL, so a link named twice is fetched once.

It also counts, for the rate limit, how many distinct links were served from the cache and how
many had to be fetched. The DataLoader's memo means each key reaches `batch_load_fn` once per
request, so the counts are of distinct links.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from aiodataloader import DataLoader

from previews.record import Outcome, Preview
from previews.service import PreviewService
from web.cost import RequestCost


def served_from_cache(outcome: Outcome, started: datetime) -> bool:
    """Whether `outcome` existed before this request began, so serving it cost no fetch.

    The service does not say which keys its cache answered, so this reads the record: a
    preview made before the request started came from the cache. A failure carries no time
    and counts as a fetch, which also makes hammering broken links the expensive thing.
    """
    return isinstance(outcome, Preview) and outcome.updated_at < started


class PreviewLoader(DataLoader[str, Outcome]):
    def __init__(self, service: PreviewService, cost: RequestCost | None = None) -> None:
        super().__init__()
        self._service = service
        self.cost = cost if cost is not None else RequestCost()

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Outcome]:
        started = datetime.now(UTC)
        outcomes = await self._service.get_many(keys)
        for outcome in outcomes:  # the loader's keys are distinct
            if served_from_cache(outcome, started):
                self.cost.hits += 1
            else:
                self.cost.fetches += 1
        return outcomes
