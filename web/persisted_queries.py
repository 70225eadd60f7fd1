"""Apollo-style Automatic Persisted Queries, so mobile clients send a hash, not the query.

A client first sends only `extensions.persistedQuery.sha256Hash`; if we know the hash, the
stored query is put into the body and the request proceeds as if the client had sent it. If
not, it gets `PERSISTED_QUERY_NOT_FOUND` and retries with the query and the hash; we check the
hash (`PERSISTED_QUERY_HASH_MISMATCH`, 400, otherwise), remember the query and run it.

This works on the JSON body before the GraphQL router reads it, so the router, the limits and
the resolvers see an ordinary request. A query over the document limits (size, tokens) is
refused before it is stored, and the store is an LRU bounded in entries and in bytes: a
client registering 2 500 queries of 234 KiB each (a long comment) once took a process to
1.5 GB; now it evicts old queries rather than growing memory. `QueryStore` is the seam for a
shared store (Redis) later. GET stays disabled.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, Protocol

from graphql import GraphQLError
from starlette.types import ASGIApp, Receive, Scope, Send

from common.memo import TtlLru
from web.bodies import is_json_request, read_body, replay, too_deep
from web.responses import send_error

_HASH = re.compile(r"[0-9a-fA-F]{64}")


class QueryStore(Protocol):
    async def get(self, digest: str) -> str | None: ...

    async def put(self, digest: str, query: str) -> None: ...


# What keeping one query costs besides its text: the entry, its key (a 64-character hash).
_ENTRY_BYTES = 200


def _weight(digest: str, query: str) -> int:
    return len(query) + _ENTRY_BYTES


class MemoryQueryStore:
    """At most `max_entries` queries and `max_bytes` of them, least recently used evicted
    first (per process)."""

    def __init__(self, max_entries: int = 10_000, *, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self._queries: TtlLru[str, str] = TtlLru(max_entries, max_bytes=max_bytes, weigh=_weight)

    @property
    def held_bytes(self) -> int:
        return self._queries.held_bytes

    async def get(self, digest: str) -> str | None:
        return self._queries.get(digest)

    async def put(self, digest: str, query: str) -> None:
        self._queries.put(digest, query)

    def __len__(self) -> int:
        return len(self._queries)


class _RefusalError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


# A document's refusal (over the size or token limit, not GraphQL), or None when it may be kept.
Refusal = Callable[[str], GraphQLError | None]


def _keep_all(query: str) -> GraphQLError | None:
    return None


async def resolve_persisted(
    payload: dict[str, Any], store: QueryStore, refusal: Refusal = _keep_all
) -> dict[str, Any] | None:
    """The payload to run: None when it does not use APQ (pass it through untouched), the
    payload with the stored `query` inserted; raises `_RefusalError` to answer the client."""
    extensions = payload.get("extensions")
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise _RefusalError(
            400, "PERSISTED_QUERY_NOT_SUPPORTED", "Only persisted query version 1 is supported."
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise _RefusalError(400, "PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash is not a SHA-256.")
    digest = digest.lower()
    query = payload.get("query")
    if query is None:
        stored = await store.get(digest)
        if stored is None:
            raise _RefusalError(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
        return {**payload, "query": stored}
    if not isinstance(query, str) or sha256_hex(query) != digest:
        raise _RefusalError(
            400, "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query"
        )
    refused = refusal(query)
    if refused is not None:
        code = (refused.extensions or {}).get("code", "GRAPHQL_PARSE_FAILED")
        raise _RefusalError(400, str(code), refused.message)
    await store.put(digest, query)
    return payload


# Every APQ request names its extension; a body without these bytes cannot be one.
_APQ_MARK = b"persistedQuery"


class PersistedQueries:
    """ASGI middleware: APQ on `POST <path>` with a JSON body; everything else passes."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: QueryStore,
        refusal: Refusal = _keep_all,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.store = store
        self.refusal = refusal
        self.paths = {path, path + "/"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in self.paths
            or not is_json_request(scope)
        ):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if _APQ_MARK not in body:
            # Not an APQ request (no hash to look up or register): passed on unparsed, since
            # every ordinary query would otherwise pay for a JSON parse here.
            await self.app(scope, replay(body, receive), send)
            return
        try:
            # Too deep to parse safely: passed on as is, for the router to refuse.
            payload = None if too_deep(body) else json.loads(body)
        except ValueError:
            payload = None
        try:
            rewritten = (
                await resolve_persisted(payload, self.store, self.refusal)
                if isinstance(payload, dict)
                else None
            )
        except _RefusalError as refusal:
            await _refuse(scope, send, refusal)
            return
        if rewritten is not None and rewritten is not payload:
            body = json.dumps(rewritten).encode()
            scope = {**scope, "headers": _with_length(scope, len(body))}
        await self.app(scope, replay(body, receive), send)


def _with_length(scope: Scope, length: int) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in scope.get("headers") or () if k.lower() != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return headers


async def _refuse(scope: Scope, send: Send, refusal: _RefusalError) -> None:
    await send_error(scope, send, refusal.status, refusal.message, refusal.code)
