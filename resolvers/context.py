"""What every resolver of one request can reach."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from strawberry.fastapi import BaseContext

from previews.service import PreviewService
from resolvers.loader import PreviewLoader


@dataclass
class Context(BaseContext):
    service: PreviewService
    loader: PreviewLoader = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.loader = PreviewLoader(self.service)


async def get_context(request: Request) -> Context:
    """A fresh context per request: the loader's memo must never outlive it."""
    service: PreviewService = request.app.state.previews
    return Context(service=service)
