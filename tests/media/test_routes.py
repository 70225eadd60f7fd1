"""The /media route: only signed URLs, never a fetch, immutable caching, conditional GETs."""

from __future__ import annotations

import hashlib
import secrets

import httpx
import pytest

from media import MediaService
from media.routes import etag_matches
from model.record import ImageRef
from tests.media import images
from tests.media.conftest import PUBLIC_URL
from tests.media.helpers import variants
from tests.media.origin import ImageOrigin


@pytest.fixture
async def avatar(image_origin: ImageOrigin, service: MediaService) -> ImageRef:
    ref = await service.ingest_image(
        ImageRef(source_url=image_origin.serve("/avatar.jpg", images.jpeg(404, 404)))
    )
    assert ref is not None
    return ref


@pytest.fixture
def thumbnail_url(avatar: ImageRef) -> str:
    return variants(avatar)[0].url


def split(url: str) -> tuple[str, str, str]:
    signature, key, filename = url.removeprefix(f"{PUBLIC_URL}/media/").split("/")
    return signature, key, filename


def join(signature: str, key: str, filename: str) -> str:
    return f"{PUBLIC_URL}/media/{signature}/{key}/{filename}"


async def test_headers_of_a_served_variant(client: httpx.AsyncClient, thumbnail_url: str) -> None:
    response = await client.get(thumbnail_url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    _, key, _ = split(thumbnail_url)
    assert response.headers["etag"] == f'"{key}"'
    assert int(response.headers["content-length"]) == len(response.content)
    assert images.decode(response.content).size == (320, 320)


async def test_if_none_match_gives_304_without_a_body(
    client: httpx.AsyncClient, thumbnail_url: str
) -> None:
    etag = (await client.get(thumbnail_url)).headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await client.get(thumbnail_url, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = await client.get(thumbnail_url, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200


async def test_head_gives_headers_only(client: httpx.AsyncClient, thumbnail_url: str) -> None:
    response = await client.head(thumbnail_url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.content == b""


def _flip(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


async def test_tampered_urls_are_refused_and_never_fetch(
    client: httpx.AsyncClient, image_origin: ImageOrigin, avatar: ImageRef
) -> None:
    thumbnail_url, medium_url = (v.url for v in variants(avatar)[:2])
    signature, key, filename = split(thumbnail_url)
    _, stored_key, _ = split(medium_url)  # a key the store does hold
    hits = image_origin.count()
    assert (await client.get(thumbnail_url)).status_code == 200
    tampered = [
        join(_flip(signature), key, filename),
        join(signature, stored_key, filename),
        join(signature, secrets.token_hex(32), filename),
        join(signature, key, "original.jpeg"),
        join(signature, key, "thumbnail.png"),
        join(signature, key, "thumbnail.svg"),
        join(signature, key.upper(), filename),
        join("", key, filename) + "/",
        join(signature, "..", filename),
        f"{PUBLIC_URL}/media/{key}/{filename}",
    ]
    for url in tampered:
        response = await client.get(url)
        assert response.status_code in (403, 404), url
        assert response.headers.get("cache-control") != "public, max-age=31536000, immutable"
    assert image_origin.count() == hits


async def test_invented_keys_are_not_found(
    client: httpx.AsyncClient, service: MediaService
) -> None:
    invented = secrets.token_hex(32)
    await service.store.put(b"stored", "image/jpeg")
    stored_key = hashlib.sha256(b"stored").hexdigest()
    assert (await client.get(service.urls.url(stored_key, "thumbnail", "jpeg"))).status_code == 200
    forged = await client.get(join("A" * 22, invented, "thumbnail.jpeg"))
    assert forged.status_code == 404
    # Even a correctly signed URL for a key the store does not hold is a 404.
    signed = service.urls.url(invented, "thumbnail", "jpeg")
    response = await client.get(signed)
    assert response.status_code == 404


async def test_a_url_signed_with_another_key_is_refused(
    image_origin: ImageOrigin, client: httpx.AsyncClient, thumbnail_url: str
) -> None:
    from media.signing import MediaSigner
    from media.urls import MediaUrls

    _, key, _ = split(thumbnail_url)
    foreign = MediaUrls(PUBLIC_URL, MediaSigner("another key, 32 bytes long......"))
    assert foreign.url(key, "thumbnail", "jpeg") != thumbnail_url
    response = await client.get(foreign.url(key, "thumbnail", "jpeg"))
    assert response.status_code == 404
    assert (await client.get(thumbnail_url)).status_code == 200


def test_etag_matching() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"b" , "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches(None, '"a"')
    assert not etag_matches("", '"a"')
