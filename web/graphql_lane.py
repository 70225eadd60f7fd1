"""POST /graphql answered right inside the app's own middlewares.

Starlette takes every request on from the middlewares to the endpoint through its exception
middleware, FastAPI's exit stack, the router's matching and the route's request wrapper. For
this endpoint none of them does anything (it uses no dependencies and raises nothing they
handle: an error of its own still reaches the server-error layer outside, as before), and
together they cost about as much as a compiled plan's whole answer. So the one path nearly
every request takes is matched here, innermost of our middlewares, and handed straight to the
endpoint; every other request goes the usual way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


class GraphqlLane:
    def __init__(self, app: ASGIApp, *, endpoint: Endpoint, path: str = "/graphql") -> None:
        self.app = app
        self.endpoint = endpoint
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path:
            response = await self.endpoint(Request(scope, receive, send))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
