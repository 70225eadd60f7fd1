"""Two app processes sharing one Redis fetch a cold link once between them (issue 6).

Each instance is a real `uvicorn app:app` subprocess with its own port and event loop, so the
only thing they share is Redis (and the data directory, for the media key and store): one
fetch for 40 concurrent requests can only come from the cross-instance single flight.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support.origin import CorpusOrigin

ROOT = Path(__file__).resolve().parents[2]
URL = "https://github.com/steventroughtonsmith/marzipanify"
QUERY = "query ($u: String!) { preview(url: $u) { ... on LinkPreview { url title } } }"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def app_instance(
    name: str, redis_url: str, data_dir: Path, origin: CorpusOrigin
) -> AsyncIterator[httpx.AsyncClient]:
    """Run `uvicorn app:app` as a subprocess; yields a client for it once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "LINKGRAPH_CACHE_URL": redis_url,
        "LINKGRAPH_DATA_DIR": str(data_dir),
        "LINKGRAPH_HOSTS_FILE": str(origin.hosts_path),
        "LINKGRAPH_ALLOW_NETWORKS": f"{origin.address}/32",
        "LINKGRAPH_CA_BUNDLE": str(origin.ca_path),
        "LINKGRAPH_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    log = data_dir.parent / f"{name}.log"
    server = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)),
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await wait_until_up(client, server, log)
            yield client
        assert server.returncode is None, log.read_text()
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), timeout=20)


async def wait_until_up(
    client: httpx.AsyncClient, server: asyncio.subprocess.Process, log: Path
) -> None:
    for _ in range(300):
        if server.returncode is not None:
            raise AssertionError(await asyncio.to_thread(log.read_text))
        try:
            await client.post("/graphql", json={"query": "{ __typename }"})
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError("an app instance did not start")


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
