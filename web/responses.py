"""The GraphQL-shaped error body the HTTP guards answer with before GraphQL runs."""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import Send


async def send_error(
    send: Send,
    status: int,
    message: str,
    code: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Send `{"errors":[{"message", "extensions":{"code"}}]}` with `status`, so clients parse
    a refusal the same way as any other GraphQL error."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
