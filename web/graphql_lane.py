"""POST /graphql answered right inside the app's own middlewares.

Starlette takes every request on from the middlewares to the endpoint through its exception
middleware, FastAPI's exit stack, the router's matching and the route's request wrapper. For
this endpoint none of them does anything (it uses no dependencies and raises nothing they
handle: an error of its own still reaches the server-error layer outside, as before), and
together they cost about as much as a compiled plan's whole answer. So the one path nearly
every request takes is matched here, innermost of our middlewares, and handed straight to the
endpoint; every other request goes the usual way.

A streamed answer (`@stream`/`@defer`, multipart) is also watched for its client hanging up:
Starlette notices that only when a write fails, which an answer waiting for a slow link may
not attempt for seconds, and until then its fetches would go on for nobody.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
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
            if isinstance(response, StreamingResponse):
                await _until_hung_up(response(scope, receive, send), receive)
            else:
                await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _until_hung_up(answer: Coroutine[Any, Any, None], receive: Receive) -> None:
    """Send `answer`, cancelling it (and so the work only it waits for) if the client
    disconnects first."""

    async def hang_up() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    sending = asyncio.ensure_future(answer)
    listening = asyncio.ensure_future(hang_up())
    try:
        await asyncio.wait((sending, listening), return_when=asyncio.FIRST_COMPLETED)
    finally:
        listening.cancel()
        if not sending.done():
            sending.cancel()
        await asyncio.gather(listening, return_exceptions=True)
    if listening.done() and not listening.cancelled():
        await asyncio.gather(sending, return_exceptions=True)
        return
    await sending
