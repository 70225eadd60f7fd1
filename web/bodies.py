"""Reading a request body inside ASGI middleware, and handing it on as if unread.

Middlewares that must see a GraphQL request's JSON before the app does (persisted queries)
read the whole body, which the body limit outside them has already capped, and replay it to
the app behind them.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope


def is_json_request(scope: Scope) -> bool:
    content_type: bytes = dict(scope.get("headers") or ()).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields `body` once, whole, then whatever the client sends next (the
    disconnect)."""
    sent = False

    async def replaying_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying_receive
