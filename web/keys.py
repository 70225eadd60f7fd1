"""Optional API keys: when any is configured, every /graphql request must carry one.

Keys come from `LINKGRAPH_API_KEYS` and/or a file, one per line. A request is checked against
every key with `hmac.compare_digest` and no early exit, so neither which key nor how much of it
matched shows in the timing. A refusal is a 401 with a GraphQL-shaped body before anything is
read or fetched; /media stays public because its URLs are signed. With no key configured the
service is open (the local default) and clients are told apart by address instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path

from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from web.responses import send_error

# Where the identified client is left in the scope for the rate limit.
CLIENT_KEY = "linkgraph.client"


def read_keys(inline: Iterable[str | SecretStr], path: Path | None) -> tuple[str, ...]:
    """The configured keys: the inline ones (as settings hold them, secret strings), then
    the file's (blank lines and `#` comments skipped). A missing or unreadable file fails at
    startup rather than opening the service."""
    revealed = (k.get_secret_value() if isinstance(k, SecretStr) else k for k in inline)
    keys = [key.strip() for key in revealed if key.strip()]
    if path is not None:
        for line in path.read_text(encoding="utf-8").splitlines():
            key = line.split("#", 1)[0].strip()
            if key:
                keys.append(key)
    return tuple(dict.fromkeys(keys))


def key_id(key: bytes) -> str:
    """A stable name for a key that is safe to keep and log: never the key itself."""
    return "key:" + hashlib.sha256(key).hexdigest()[:16]


class ApiKeys:
    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = [key.encode() for key in keys]
        self._ids = [key_id(key) for key in self._keys]

    @property
    def required(self) -> bool:
        return bool(self._keys)

    def identify(self, authorization: bytes | None) -> str | None:
        """The id of the key an `Authorization: Bearer <key>` header carries, or None."""
        scheme, _, token = (authorization or b"").strip().partition(b" ")
        if scheme.lower() != b"bearer":
            token = b""
        token = token.strip()
        found: str | None = None
        for key, ident in zip(self._keys, self._ids, strict=True):
            if hmac.compare_digest(token, key) and token:
                found = ident
        return found


def guarded(scope: Scope) -> bool:
    """Whether a request is to the GraphQL endpoint (the one that fetches)."""
    path: str = scope.get("path", "")
    return scope["type"] == "http" and (path == "/graphql" or path.startswith("/graphql/"))


class RequireApiKey:
    """Refuse /graphql requests without a configured key; name the client for what follows."""

    def __init__(self, app: ASGIApp, *, keys: ApiKeys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope) or not self.keys.required:
            await self.app(scope, receive, send)
            return
        authorization = dict(scope.get("headers") or ()).get(b"authorization")
        client = self.keys.identify(authorization)
        if client is None:
            await send_error(
                scope,
                send,
                401,
                "A valid API key is required: send `Authorization: Bearer <key>`.",
                "UNAUTHENTICATED",
                [(b"www-authenticate", b"Bearer")],
            )
            return
        scope[CLIENT_KEY] = client
        await self.app(scope, receive, send)
