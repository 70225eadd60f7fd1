"""A real DirectBackend against a scriptable origin on loopback: the real SafeFetcher
(allowed only the origin's network), a real MediaService on a temporary directory. The
test modules that need it import these fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fetching import FetchPolicy, SafeFetcher
from media import MediaService, build_media_service
from previews.direct import DirectBackend
from tests.fetching.harness import ALLOWED_NET, HostileOrigin, Reply

PROBE_BYTES = 64 * 1024


@pytest.fixture
async def file_origin() -> AsyncIterator[HostileOrigin]:
    origin = await HostileOrigin().start()
    yield origin
    await origin.stop()


@pytest.fixture
async def media_service(tmp_path: Path) -> AsyncIterator[MediaService]:
    fetcher = SafeFetcher(
        FetchPolicy(allow_networks=(ALLOWED_NET,), total_timeout=10, connect_timeout=2)
    )
    media = build_media_service(
        data_dir=tmp_path / "data", media_key="", public_url="http://media.test", fetcher=fetcher
    )
    yield media
    await media.aclose()
    await fetcher.aclose()


@pytest.fixture
async def backend(media_service: MediaService) -> AsyncIterator[DirectBackend]:
    fetcher = SafeFetcher(
        FetchPolicy(allow_networks=(ALLOWED_NET,), total_timeout=10, connect_timeout=2)
    )
    direct = DirectBackend(
        fetcher,
        max_html_bytes=512 * 1024,
        media=media_service,
        image_limits=media_service.limits,
        max_file_probe_bytes=PROBE_BYTES,
        max_document_bytes=2 * 1024 * 1024,
    )
    yield direct
    await direct.aclose()
    await fetcher.aclose()


def serve(origin: HostileOrigin, path: str, body: bytes, content_type: str) -> None:
    """Serve `body` at `path` with its Content-Length, as a plain file server would."""

    @origin.route(path)
    async def handler(reply: Reply) -> None:
        await reply.simple(200, body, content_type)
