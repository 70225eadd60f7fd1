"""What every resolver of one request can reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cached_property

from strawberry.fastapi import BaseContext

from model.record import Failure, Outcome
from previews.service import PreviewService
from resolvers.cost import RequestCost
from resolvers.loader import PreviewLoader


@dataclass
class Context(BaseContext):
    service: PreviewService
    # The HTTP request's id (given by web/graph_context.py), echoed in each preview's
    # `requestId`: set per request, so that nothing kept across requests carries one.
    request_id: str | None = None
    # What this request cost (distinct links cached / fetched), read by the rate limit.
    cost: RequestCost = field(default_factory=RequestCost)

    def __post_init__(self) -> None:
        super().__init__()

    @cached_property
    def loader(self) -> PreviewLoader:
        """Made on first use: a request a compiled plan answers looks its links up without
        it (resolvers/loader.py `lookup_counted`)."""
        return PreviewLoader(self.service, self.cost)


async def outcome(context: Context, url: str) -> Outcome:
    """What the service holds for a link, through the request's DataLoader; a link that is
    no URL at all is a failure without a lookup."""
    key = context.service.key_for(url)
    if isinstance(key, str):
        found: Outcome = await context.loader.load(key)
        return found
    return key


async def outcomes_as_done(context: Context, urls: list[str]) -> AsyncIterator[Outcome]:
    """One outcome per link of `urls`, each as soon as it is known (links refused unfetched
    first, then cached, then fetched ones as they finish), counted into the request's cost
    like the DataLoader's batch. A link named twice is looked up once and answered twice."""
    by_key: dict[str, list[str]] = {}
    for url in urls:
        key = context.service.key_for(url)
        if isinstance(key, Failure):
            yield key
        else:
            by_key.setdefault(key, []).append(url)
    found = context.service.lookup_each(list(by_key))
    try:
        async for key, result, cached in found:
            if cached:
                context.cost.hits += 1
            else:
                context.cost.fetches += 1
            for _ in by_key[key]:
                yield result
    finally:
        await found.aclose()
