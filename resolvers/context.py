"""What every resolver of one request can reach."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from strawberry.fastapi import BaseContext

from previews.service import PreviewService
from resolvers.loader import PreviewLoader
from web.answer_cache import Recording, recording_of
from web.cost import STATE_KEY, RequestCost
from web.request_id import current_request_id


@dataclass
class Context(BaseContext):
    service: PreviewService
    # The HTTP request's id (web/request_id.py), echoed in each preview's `requestId`.
    request_id: str | None = None
    # What this request cost (distinct links cached / fetched), read by the rate limit.
    cost: RequestCost = field(default_factory=RequestCost)
    # What the answer cache (web/answer_cache.py) learns of this execution, when it runs.
    recording: Recording | None = None
    loader: PreviewLoader = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loader = PreviewLoader(self.service, self.cost, self.recording)


async def get_context(request: Request) -> Context:
    """A fresh context per request: the loader's memo must never outlive it."""
    service: PreviewService = request.app.state.previews
    cost = getattr(request.state, STATE_KEY, None)
    if not isinstance(cost, RequestCost):
        cost = RequestCost()
    recording = recording_of(request.state)
    # Behind the answer cache, answers carry its placeholder where the id goes; it puts the
    # real id in, so that the same answer can later be served with another request's id.
    request_id = recording.placeholder if recording is not None else current_request_id()
    return Context(service=service, cost=cost, request_id=request_id, recording=recording)
