"""Where the CLI's GraphQL requests go: a running server, or the app started in this process.

In-process mode starts the real app (its lifespan, middleware and schema) and talks to it over
httpx's ASGI transport, so the terminal gets the same answers, limits and JSON as an HTTP
client without a second code path into the service.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx

from cli.query import PREVIEWS, REFRESH
from settings import load_settings

# Links per request: well under the server's per-request cap, small enough that the progress
# bar moves, large enough that one slow link does not serialise the rest.
CHUNK = 10
# Requests in flight at once.
PARALLEL = 4


class ServerUnreachableError(Exception):
    """No usable answer from the server: not reachable, refused, or not a GraphQL answer."""


@asynccontextmanager
async def open_client(server: str | None, api_key: str | None) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    timeout = httpx.Timeout(120.0, connect=10.0)
    if server:
        async with httpx.AsyncClient(
            base_url=server_root(server), headers=headers, timeout=timeout
        ) as client:
            yield client
        return
    from app import create_app, with_public_url

    # The operator's own terminal is not a client to budget: lift the per-address rate limit,
    # and keep the access log (one line per request) off the terminal unless asked for.
    quiet = {} if "LINKGRAPH_LOG_LEVEL" in os.environ else {"log_level": "WARNING"}
    settings = load_settings().model_copy(update={"rate_capacity": 1_000_000_000, **quiet})
    settings = with_public_url(settings, None)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=settings.public_url,
            headers=headers,
            timeout=timeout,
        ) as client,
    ):
        yield client


def server_root(server: str) -> str:
    """The server's root for `--server`, given as its root or as the API's own URL (the
    README calls `http://host:8000/graphql` the API), where `/graphql` is appended."""
    return server.rstrip("/").removesuffix("/graphql")


async def _post(
    client: httpx.AsyncClient, urls: Sequence[str], refresh: bool, language: str | None
) -> list[dict[str, Any]]:
    if refresh:
        (url,) = urls
        operation = {"query": REFRESH, "variables": {"url": url, "language": language}}
    else:
        operation = {"query": PREVIEWS, "variables": {"urls": list(urls), "language": language}}
    try:
        response = await client.post("/graphql", json=operation)
    except httpx.TransportError as error:
        raise ServerUnreachableError(f"cannot reach {client.base_url}: {error}") from error
    try:
        body = response.json()
    except ValueError as error:
        raise ServerUnreachableError(
            f"{client.base_url} answered HTTP {response.status_code}"
        ) from error
    errors = body.get("errors") if isinstance(body, dict) else None
    if response.status_code != 200 or errors:
        detail = "; ".join(str(e.get("message")) for e in errors or []) or response.text[:200]
        raise ServerUnreachableError(
            f"{client.base_url} answered HTTP {response.status_code}: {detail}"
        )
    if refresh:
        return [body["data"]["refreshPreview"]]
    previews: list[dict[str, Any]] = body["data"]["previews"]
    return previews


async def fetch_previews(
    urls: Sequence[str],
    server: str | None,
    api_key: str | None,
    advance: Callable[[int], None] = lambda _: None,
    *,
    refresh: bool = False,
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Every link's preview, in the order given; `advance` hears how many links each finished
    request answered. `refresh` fetches each link again (`refreshPreview`, one a request);
    `language` (a BCP 47 tag) asks for the pages in that language."""
    size = 1 if refresh else CHUNK
    chunks = [urls[i : i + size] for i in range(0, len(urls), size)]
    gate = asyncio.Semaphore(PARALLEL)
    async with open_client(server, api_key) as client:

        async def one(chunk: Sequence[str]) -> list[dict[str, Any]]:
            async with gate:
                answer = await _post(client, chunk, refresh, language)
            advance(len(chunk))
            return answer

        answers = await asyncio.gather(*(one(chunk) for chunk in chunks))
    return [preview for answer in answers for preview in answer]
