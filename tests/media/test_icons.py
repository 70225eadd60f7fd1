"""Icons end to end: the order extraction ranks them in, the manifest, /favicon.ico, ICO
frames, real sizes and the background colour, fetched from a real origin through the real
fetcher."""

from __future__ import annotations

import base64
import json

import httpx

from extraction.icons import fetchable_urls, icon_candidates
from extraction.page import LinkTag
from media import MediaService
from model.record import Icon
from tests.media import images
from tests.media.origin import ImageOrigin


def declared(*links: LinkTag) -> tuple[str, ...]:
    """The icon URLs a page with these `<link>`s gives the media stage, best first."""
    return fetchable_urls(icon_candidates(links))


def candidate(
    url: str, rel: str = "icon", sizes: str | None = None, type: str | None = None
) -> LinkTag:
    return LinkTag(rel=tuple(rel.split()), href=url, sizes=sizes, type=type)


async def served_icon(client: httpx.AsyncClient, icon: Icon) -> tuple[int, int]:
    response = await client.get(icon.url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = images.decode(response.content)
    assert image.format == "PNG"
    return image.size


async def test_favicon_ico_largest_frame_and_white_behind_a_dark_mark(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    image_origin.serve("/favicon.ico", images.ico([16, 32, 48], mark=(10, 10, 10)), "image/x-icon")
    icon = await service.ingest_icon([], page_url=image_origin.url("/some/page"), manifest_url=None)
    assert icon is not None
    assert (icon.width, icon.height) == (48, 48)
    assert icon.background_color == "#FFFFFF"
    assert await served_icon(client, icon) == (48, 48)


async def test_light_mark_gets_a_dark_background(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    url = image_origin.serve("/white.png", images.icon_png(64, mark=(255, 255, 255)), "image/png")
    icon = await service.ingest_icon(
        declared(candidate(url)), page_url=image_origin.url("/"), manifest_url=None
    )
    assert icon is not None
    assert icon.background_color == "#000000"


async def test_opaque_icon_has_no_background(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    url = image_origin.serve("/apple-touch-icon.png", images.opaque_png(180, 180), "image/png")
    icon = await service.ingest_icon(
        declared(candidate(url, rel="apple-touch-icon")),
        page_url=image_origin.url("/"),
        manifest_url=None,
    )
    assert icon is not None
    assert icon.background_color is None
    assert (icon.width, icon.height) == (180, 180)
    assert await served_icon(client, icon) == (180, 180)


async def test_declared_icons_best_first_vectors_never_fetched(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    svg = image_origin.serve("/logo.svg", images.SVG, "image/svg+xml")
    missing = image_origin.url("/missing-192.png")
    small = image_origin.serve("/favicon-32.png", images.icon_png(32), "image/png")
    candidates = [
        candidate(small, sizes="32x32"),
        candidate(svg, type="image/svg+xml"),
        candidate(missing, sizes="192x192"),
    ]
    icon = await service.ingest_icon(
        declared(*candidates), page_url=image_origin.url("/"), manifest_url=None
    )
    assert icon is not None
    assert (icon.width, icon.height) == (32, 32)
    assert image_origin.hits == ["/missing-192.png", "/favicon-32.png"]


async def test_manifest_icons_after_declared_ones_fail(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    manifest = {
        "name": "App",
        "icons": [
            {"src": "/icons/maskable-512.png", "sizes": "512x512", "purpose": "maskable"},
            {"src": "icons/192.png", "sizes": "192x192", "type": "image/png"},
        ],
    }
    manifest_url = image_origin.serve(
        "/app/manifest.webmanifest", json.dumps(manifest).encode(), "application/manifest+json"
    )
    image_origin.serve("/app/icons/192.png", images.icon_png(192), "image/png")
    image_origin.serve("/icons/maskable-512.png", images.opaque_png(512, 512), "image/png")
    icon = await service.ingest_icon(
        declared(candidate(image_origin.url("/gone.png"))),
        page_url=image_origin.url("/"),
        manifest_url=manifest_url,
    )
    assert icon is not None
    assert (icon.width, icon.height) == (192, 192)
    assert await served_icon(client, icon) == (192, 192)
    assert image_origin.hits == ["/gone.png", "/app/manifest.webmanifest", "/app/icons/192.png"]


async def test_favicon_after_a_broken_manifest(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    manifest_url = image_origin.serve(
        "/manifest.json", b"<?xml version='1.0'?><x/>", "application/json"
    )
    image_origin.serve("/favicon.ico", images.ico([16, 32]), "image/vnd.microsoft.icon")
    icon = await service.ingest_icon(
        [], page_url=image_origin.url("/a/b"), manifest_url=manifest_url
    )
    assert icon is not None
    assert (icon.width, icon.height) == (32, 32)
    assert image_origin.hits == ["/manifest.json", "/favicon.ico"]


async def test_manifest_is_not_read_when_a_declared_icon_works(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    url = image_origin.serve("/icon.png", images.icon_png(64), "image/png")
    manifest_url = image_origin.serve("/manifest.json", b'{"icons": []}', "application/json")
    icon = await service.ingest_icon(
        declared(candidate(url)), page_url=image_origin.url("/"), manifest_url=manifest_url
    )
    assert icon is not None
    assert image_origin.hits == ["/icon.png"]


async def test_large_icons_are_scaled_to_256(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    url = image_origin.serve("/huge-icon.png", images.icon_png(1024), "image/png")
    icon = await service.ingest_icon(
        declared(candidate(url, sizes="1024x1024")),
        page_url=image_origin.url("/"),
        manifest_url=None,
    )
    assert icon is not None
    assert (icon.width, icon.height) == (256, 256)
    assert await served_icon(client, icon) == (256, 256)


async def test_inline_data_uri_icon(image_origin: ImageOrigin, service: MediaService) -> None:
    uri = "data:image/png;base64," + base64.b64encode(images.icon_png(24)).decode()
    icon = await service.ingest_icon(
        declared(candidate(uri)), page_url=image_origin.url("/"), manifest_url=None
    )
    assert icon is not None
    assert (icon.width, icon.height) == (24, 24)
    assert image_origin.count() == 0


async def test_no_usable_icon_gives_none(image_origin: ImageOrigin, service: MediaService) -> None:
    image_origin.serve("/favicon.ico", images.tiff(), "image/x-icon")
    bad = image_origin.serve("/bomb.ico", images.ico_wrapping_bomb(), "image/x-icon")
    icon = await service.ingest_icon(
        declared(candidate(bad)), page_url=image_origin.url("/"), manifest_url=None
    )
    assert icon is None
    assert image_origin.hits == ["/bomb.ico", "/favicon.ico"]


async def test_declared_tries_are_bounded(image_origin: ImageOrigin, service: MediaService) -> None:
    candidates = [candidate(image_origin.url(f"/missing-{i}.png")) for i in range(10)]
    assert (
        await service.ingest_icon(
            declared(*candidates), page_url=image_origin.url("/"), manifest_url=None
        )
        is None
    )
    assert len(image_origin.hits) == 4  # three declared, then /favicon.ico
    assert image_origin.hits[-1] == "/favicon.ico"


async def test_one_sites_favicon_is_fetched_once_for_many_pages(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    image_origin.serve("/favicon.ico", images.ico([32]), "image/x-icon")
    icons = [
        await service.ingest_icon([], page_url=image_origin.url(f"/page/{i}"), manifest_url=None)
        for i in range(5)
    ]
    assert all(icon is not None and icon == icons[0] for icon in icons)
    assert image_origin.count("/favicon.ico") == 1


async def test_a_failing_icon_is_not_asked_for_on_every_preview(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    for i in range(3):
        icon = await service.ingest_icon([], page_url=image_origin.url(f"/{i}"), manifest_url=None)
        assert icon is None
    assert image_origin.count("/favicon.ico") == 1
