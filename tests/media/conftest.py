"""Fixtures for the media tests: a real image origin on loopback, the real SafeFetcher
allowed to reach only that origin's network, a MediaService on a temporary data dir, and an
ASGI client for a minimal app that mounts the media route."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from fetching import FetchPolicy, SafeFetcher
from media import FileMediaStore, MediaService, MediaStore, build_media_service, media_router
from tests.media.origin import ImageOrigin, serve_images
from tests.support.s3_server import S3Server, s3_store

ORIGIN_ADDRESS = "127.10.0.1"
# An address outside the fetcher's allowed networks: anything served here must never be hit.
BLOCKED_ADDRESS = "127.11.0.1"
PUBLIC_URL = "http://media.test"


@pytest.fixture(scope="session")
def _image_origin() -> Iterator[ImageOrigin]:
    with serve_images(ORIGIN_ADDRESS) as origin:
        yield origin


@pytest.fixture
def image_origin(_image_origin: ImageOrigin) -> Iterator[ImageOrigin]:
    _image_origin.reset()
    yield _image_origin
    _image_origin.reset()


@pytest.fixture(scope="session")
def _blocked_origin() -> Iterator[ImageOrigin]:
    with serve_images(BLOCKED_ADDRESS) as origin:
        yield origin


@pytest.fixture
def blocked_origin(_blocked_origin: ImageOrigin) -> Iterator[ImageOrigin]:
    _blocked_origin.reset()
    yield _blocked_origin
    _blocked_origin.reset()


def make_policy(total_timeout: float = 10.0) -> FetchPolicy:
    return FetchPolicy(
        allow_networks=(ipaddress.ip_network("127.10.0.0/16"),),
        total_timeout=total_timeout,
        connect_timeout=2.0,
    )


@pytest.fixture
async def fetcher() -> AsyncIterator[SafeFetcher]:
    client = SafeFetcher(make_policy())
    yield client
    await client.aclose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=["directory", "s3"])
def media_store(request: pytest.FixtureRequest, data_dir: Path) -> MediaStore:
    """Every test of the service and the route runs on both stores: a directory, and a real
    S3-compatible server under a prefix of its own."""
    if request.param == "directory":
        return FileMediaStore(data_dir / "media")
    server: S3Server = request.getfixturevalue("s3_server")
    return s3_store(server, f"test-{secrets.token_hex(6)}")


@pytest.fixture
async def service(
    fetcher: SafeFetcher, data_dir: Path, media_store: MediaStore
) -> AsyncIterator[MediaService]:
    media = build_media_service(
        data_dir=data_dir,
        media_key="",
        public_url=PUBLIC_URL,
        fetcher=fetcher,
        store=media_store,
    )
    yield media
    await media.aclose()


@pytest.fixture
async def client(service: MediaService) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(media_router(service))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        yield http
