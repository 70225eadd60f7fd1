"""What every resolver of one request can reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.fastapi import BaseContext
from strawberry.types import Info

from model.record import Failure, Outcome, Shoot
from previews.service import PreviewService
from resolvers.cost import RequestCost
from resolvers.loader import PreviewLoader
from schema.selection import screenshot_want


@dataclass
class Context(BaseContext):
    service: PreviewService
    # The HTTP request's id (given by web/graph_context.py), echoed in each preview's
    # `requestId`: set per request, so that nothing kept across requests carries one.
    request_id: str | None = None
    # What this request cost (distinct links cached / fetched), read by the rate limit.
    cost: RequestCost = field(default_factory=RequestCost)
    # The language the request's Accept-Language prefers (a canonical BCP 47 tag), used for
    # every link whose field gives no `language` argument; None: no preference.
    language: str | None = None
    # Who the request is for (opaque: an API key's id or an address, from the web layer):
    # the fetcher shares its slots fairly between clients.
    client: str | None = None
    # The screenshot the operation wants (schema/selection.py), known once a root field runs.
    shoot: Shoot = Shoot.NEVER
    _wants_read: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__init__()

    @cached_property
    def loader(self) -> PreviewLoader:
        """Made on first use: a request a compiled plan answers looks its links up without
        it (resolvers/loader.py `lookup_counted`)."""
        return PreviewLoader(self.service, self.cost, self.client, lambda: self.shoot)

    def read_wants(self, info: Info[Any, Any]) -> None:
        """Note what the operation's selection asks of its previews, before the first lookup
        (the loader batches on the next turn of the loop, after every root field ran this).
        The whole operation is read, so once per request: not again for every link."""
        if self._wants_read:
            return
        self._wants_read = True
        # Strawberry's Info has the operation; its fragments are on graphql-core's own info.
        self.shoot = screenshot_want(info.operation, info._raw_info.fragments)


async def outcome(info: Info[Context, None], url: str, language: str | None = None) -> Outcome:
    """What the service holds for a link read in `language` (else the request's own), through
    the request's DataLoader; a link that is no URL at all is a failure without a lookup."""
    context = info.context
    key = context.service.key_for(url, language or context.language)
    if isinstance(key, str):
        context.read_wants(info)
        found: Outcome = await context.loader.load(key)
        return found
    return key


async def outcomes_as_done(
    info: Info[Context, None], urls: list[str], language: str | None = None
) -> AsyncIterator[tuple[int, Outcome]]:
    """Each link of `urls` read in `language` (else the request's own) with its position,
    as soon as its outcome is known (links refused unfetched first, then cached, then
    fetched ones as they finish), counted into the request's cost like the DataLoader's
    batch. A link named twice is looked up once and answered at both positions."""
    context = info.context
    positions: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        key = context.service.key_for(url, language or context.language)
        if isinstance(key, Failure):
            yield index, key
        else:
            positions.setdefault(key, []).append(index)
    context.read_wants(info)
    found = context.service.lookup_each(list(positions), context.shoot, client=context.client)
    try:
        async for key, result, cached in found:
            if cached:
                context.cost.hits += 1
            else:
                context.cost.fetches += 1
            for index in positions[key]:
                yield index, result
    finally:
        await found.aclose()
