"""What every resolver of one request can reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from strawberry.fastapi import BaseContext

from model.record import Outcome
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
    # The language the request's Accept-Language prefers (a canonical BCP 47 tag), used for
    # every link whose field gives no `language` argument; None: no preference.
    language: str | None = None
    # Who the request is for (opaque: an API key's id or an address, from the web layer):
    # the fetcher shares its slots fairly between clients.
    client: str | None = None

    def __post_init__(self) -> None:
        super().__init__()

    @cached_property
    def loader(self) -> PreviewLoader:
        """Made on first use: a request a compiled plan answers looks its links up without
        it (resolvers/loader.py `lookup_counted`)."""
        return PreviewLoader(self.service, self.cost, self.client)


async def outcome(context: Context, url: str, language: str | None = None) -> Outcome:
    """What the service holds for a link read in `language` (else the request's own), through
    the request's DataLoader; a link that is no URL at all is a failure without a lookup."""
    key = context.service.key_for(url, language or context.language)
    if isinstance(key, str):
        found: Outcome = await context.loader.load(key)
        return found
    return key
