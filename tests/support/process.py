"""The real app as its own `uvicorn app:app` process, for tests that need a separate process
(several instances on one Redis, or the server's own peak memory)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class AppProcess:
    client: httpx.AsyncClient
    process: asyncio.subprocess.Process
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def app_process(
    env: Mapping[str, str], log: Path, *, public_url: bool = True
) -> AsyncIterator[AppProcess]:
    """Start the app on a free port with `LINKGRAPH_*` from `env` (its public URL set to that
    port unless `public_url` is False), wait until it answers, and stop it afterwards; its
    output goes to `log`."""
    port = free_port()
    environment = {**os.environ, **env}
    environment.pop("LINKGRAPH_PUBLIC_URL", None)
    if public_url:
        environment["LINKGRAPH_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)),
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await _wait_until_up(client, process, log)
            yield AppProcess(client, process, log)
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), timeout=20)


async def _wait_until_up(
    client: httpx.AsyncClient, process: asyncio.subprocess.Process, log: Path
) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(await asyncio.to_thread(log.read_text))
        try:
            await client.post("/graphql", json={"query": "{ __typename }"})
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError("the app did not start")
