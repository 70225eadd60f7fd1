"""Where an HTTP request becomes the graph's per-request context: the web layer knows the
request (its id, its cost counter, the app's service); the resolvers know only the context.
"""

from __future__ import annotations

from fastapi import Request

from common.language import preferred_language
from previews.service import PreviewService
from resolvers.context import Context
from resolvers.cost import RequestCost
from web.cost import STATE_KEY
from web.logs import current_request_id
from web.rate_limit import client_of


async def get_context(request: Request) -> Context:
    """A fresh context per request: the loader's memo must never outlive it."""
    service: PreviewService = request.app.state.previews
    cost = getattr(request.state, STATE_KEY, None)
    if not isinstance(cost, RequestCost):
        cost = RequestCost()
    return Context(
        service=service,
        cost=cost,
        request_id=current_request_id(),
        language=preferred_language(request.headers.get("accept-language")),
        client=client_of(request.scope),
    )
