"""The root Mutation: `refreshPreview` re-fetches a link now, whatever the cache holds."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.context import Context
from schema.mapping import to_graph
from schema.results import PreviewResult
from schema.scalars import LanguageTag


@strawberry.type(description="Changes to what the service holds.")
class Mutation:
    @strawberry.mutation(
        description="Fetch a link again now and replace its cached preview; answers with the "
        "new preview, or a PreviewError. When API keys are configured it needs one, like every "
        "request."
    )
    async def refresh_preview(
        self,
        info: Info[Context, None],
        url: Annotated[str, strawberry.argument(description="The link, as a user wrote it.")],
        language: Annotated[
            LanguageTag | None,
            strawberry.argument(
                description="The reader's language, as `preview` takes it: the preview "
                "fetched again is the one kept for this language (else the request's "
                "Accept-Language, else none)."
            ),
        ] = None,
    ) -> PreviewResult:
        context = info.context
        key = context.service.key_for(url, language or context.language)
        if not isinstance(key, str):
            return to_graph(key, context.request_id)
        context.cost.fetches += 1  # always a fetch, whatever the cache holds
        context.read_wants(info)
        fetched = await context.service.refresh(key, context.shoot, client=context.client)
        return to_graph(fetched, context.request_id)
