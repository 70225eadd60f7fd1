"""The per-request DataLoader: every `preview`/`previews` field of one operation is gathered
into one batch, keyed by normalised URL, so a link named twice is fetched once."""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader

from previews.record import Outcome
from previews.service import PreviewService


class PreviewLoader(DataLoader[str, Outcome]):
    def __init__(self, service: PreviewService) -> None:
        super().__init__()
        self._service = service

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Outcome]:
        return await self._service.get_many(keys)
