"""The root Query: `preview` for one link, `previews` for a batch."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry.types import Info

from model.record import Outcome
from resolvers.context import Context
from schema.mapping import GraphResult, to_graph
from schema.results import PreviewResult

# Graph objects of outcomes answered lately, built without a request id: an outcome the
# service answers again (the same object, from its memo of recent entries) is not mapped
# again, only given this request's id. Keyed by identity, the outcome kept alive beside it.
_GRAPHS: dict[int, tuple[Outcome, GraphResult]] = {}
_MAX_GRAPHS = 4096


def _graph(outcome: Outcome, request_id: str | None) -> GraphResult:
    kept = _GRAPHS.get(id(outcome))
    if kept is not None and kept[0] is outcome:
        graph = kept[1]
    else:
        graph = to_graph(outcome, None)
        if len(_GRAPHS) >= _MAX_GRAPHS:
            _GRAPHS.clear()
        _GRAPHS[id(outcome)] = (outcome, graph)
    fields = getattr(graph, "__dict__", None)
    if fields is None:
        return to_graph(outcome, request_id)
    if "request_id" not in fields:
        return graph
    # A shallow copy: what it shares (images, typed objects) nothing ever changes.
    answer = object.__new__(type(graph))
    vars(answer).update(fields, request_id=request_id)
    return answer


async def _outcome(context: Context, url: str) -> Outcome:
    key = context.service.key_for(url)
    if isinstance(key, str):
        outcome: Outcome = await context.loader.load(key)
        return outcome
    return key


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
    ) -> PreviewResult:
        return _graph(await _outcome(info.context, url), info.context.request_id)

    @strawberry.field(
        description="Previews of many links, in the order given; each link is fetched at most "
        "once per request, and one bad link never affects the others."
    )
    async def previews(
        self,
        info: Info[Context, None],
        urls: Annotated[
            list[str], strawberry.argument(description="The links, as users wrote them.")
        ],
    ) -> list[PreviewResult]:
        outcomes = await asyncio.gather(*(_outcome(info.context, url) for url in urls))
        request_id = info.context.request_id
        results: list[GraphResult] = [_graph(outcome, request_id) for outcome in outcomes]
        return results
