"""The GraphQL-shaped error body the HTTP guards answer with before GraphQL runs."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.types import Scope, Send

from web.media import negotiate_scope


def error_body(message: str, code: str) -> bytes:
    """`{"errors":[{"message", "extensions":{"code"}}]}`: a refusal parsed the same way as any
    other GraphQL error, its code for a program to switch on."""
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    message: str,
    code: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Send `error_body` with `status`, as the media type the request accepts
    (web/media.py), so a refusal reads like any other GraphQL answer."""
    body = error_body(message, code)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", negotiate_scope(scope).encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
