"""The real app, served by uvicorn on a loopback port in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from app import create_app
from settings import Settings


@contextmanager
def serve_app(settings: Settings) -> Iterator[str]:
    """Run the app until the block ends; yields its base URL (http://127.0.0.1:PORT)."""

    def build(base_url: str) -> FastAPI:
        return create_app(settings.model_copy(update={"public_url": base_url}))

    with serve(build) as (base_url, _):
        yield base_url


@contextmanager
def serve(build: Callable[[str], FastAPI]) -> Iterator[tuple[str, FastAPI]]:
    """Run the app `build(base_url)` returns until the block ends; yields the URL and the app
    (for tests that look inside its middleware stack)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    app = build(base_url)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield base_url, app
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
