"""The root Query: `preview` for one link, `previews` for a batch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers.context import Context, outcome, outcomes_as_done
from schema.mapping import GraphResult, to_graph
from schema.results import PreviewResult
from schema.scalars import LanguageTag

_LANGUAGE = (
    "The reader's language: the page is asked for in it (sent as Accept-Language) and its "
    "preview cached apart from other languages'. Without it, the request's own "
    "Accept-Language header is used; without that, no language is asked for."
)


@strawberry.type(description="Link previews.")
class Query:
    @strawberry.field(
        description="The preview of one link. A link that cannot be previewed answers with a "
        "PreviewError rather than a GraphQL error."
    )
    async def preview(
        self,
        info: Info[Context, None],
        url: Annotated[str, strawberry.argument(description="The link, as a user wrote it.")],
        language: Annotated[LanguageTag | None, strawberry.argument(description=_LANGUAGE)] = None,
    ) -> PreviewResult:
        return to_graph(await outcome(info, url, language), info.context.request_id)

    @strawberry.field(
        description="Previews of many links, in the order given; each link is fetched at most "
        "once per request, and one bad link never affects the others. With `@stream` (and "
        "`Accept: multipart/mixed`) each preview is sent as soon as its link is done, so the "
        "list is in the order the links finished: each item's `index` is its link's position "
        "in `urls`.",
        graphql_type=list[PreviewResult],
    )
    async def previews(
        self,
        info: Info[Context, None],
        urls: Annotated[
            list[str], strawberry.argument(description="The links, as users wrote them.")
        ],
        language: Annotated[LanguageTag | None, strawberry.argument(description=_LANGUAGE)] = None,
    ) -> Any:
        if _streamed(info):
            return _as_done(info, urls, language)
        outcomes = await asyncio.gather(*(outcome(info, url, language) for url in urls))
        request_id = info.context.request_id
        results: list[GraphResult] = [
            to_graph(found, request_id, index) for index, found in enumerate(outcomes)
        ]
        return results


def _streamed(info: Info[Context, None]) -> bool:
    """Whether this field is under an active `@stream` (its `if` not false)."""
    stream = info.selected_fields[0].directives.get("stream")
    return stream is not None and stream.get("if", True) is not False


async def _as_done(
    info: Info[Context, None], urls: list[str], language: str | None
) -> AsyncIterator[GraphResult]:
    """Each link's preview as its link is done: the graph's executor sends each item the
    moment it is yielded."""
    async for index, found in outcomes_as_done(info, urls, language):
        yield to_graph(found, info.context.request_id, index)
