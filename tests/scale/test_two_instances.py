"""Two app processes sharing one Redis fetch a cold link once between them (issue 6).

Each instance is a real `uvicorn app:app` subprocess with its own port and event loop, so the
only thing they share is Redis (and the data directory, for the media key and store): one
fetch for 40 concurrent requests can only come from the cross-instance single flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support.origin import CorpusOrigin
from tests.support.process import app_process

URL = "https://github.com/steventroughtonsmith/marzipanify"
QUERY = "query ($u: String!) { preview(url: $u) { ... on LinkPreview { url title } } }"


@asynccontextmanager
async def app_instance(
    name: str, redis_url: str, data_dir: Path, origin: CorpusOrigin
) -> AsyncIterator[httpx.AsyncClient]:
    """One instance on the shared Redis and data directory, fetching from the corpus origin."""
    env = {
        "LINKGRAPH_CACHE_URL": redis_url,
        "LINKGRAPH_DATA_DIR": str(data_dir),
        "LINKGRAPH_HOSTS_FILE": str(origin.hosts_path),
        "LINKGRAPH_ALLOW_NETWORKS": f"{origin.address}/32",
        "LINKGRAPH_CA_BUNDLE": str(origin.ca_path),
    }
    async with app_process(env, data_dir.parent / f"{name}.log") as app:
        yield app.client
        assert app.process.returncode is None, app.log.read_text()


async def ask(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": QUERY, "variables": {"u": URL}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def test_two_instances_fetch_a_slow_cold_link_once(
    redis_url: str, tmp_path: Path, origin: CorpusOrigin
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(app_instance("a", redis_url, data_dir, origin))
        second = await stack.enter_async_context(app_instance("b", redis_url, data_dir, origin))
        origin.reset()
        origin.delay = 1.0
        try:
            answers = await asyncio.gather(
                *(ask(client) for client in (first, second) for _ in range(20))
            )
        finally:
            origin.delay = 0.0
    assert origin.count(URL) == 1
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["data"]["preview"]["url"] == URL
    assert answers[0]["data"]["preview"]["title"]
