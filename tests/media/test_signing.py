"""URL signatures and the media key file."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fetching import FetchPolicy, SafeFetcher
from media import build_media_service
from media.limits import ImageLimits
from media.signing import MediaSigner, load_or_create_key
from media.urls import MediaUrls
from settings import Settings

KEY = "k" * 32
CONTENT = "ab" * 32


def test_signatures_verify_and_tampering_fails() -> None:
    signer = MediaSigner(KEY)
    signature = signer.sign(f"{CONTENT}/thumbnail.jpeg")
    assert signer.verify(signature, f"{CONTENT}/thumbnail.jpeg")
    assert not signer.verify(signature, f"{CONTENT}/original.jpeg")
    assert not signer.verify(
        signature[:-1] + ("A" if signature[-1] != "A" else "B"), f"{CONTENT}/thumbnail.jpeg"
    )
    assert not MediaSigner("x" * 32).verify(signature, f"{CONTENT}/thumbnail.jpeg")


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        MediaSigner("short")


def test_urls_round_trip_and_name_the_variant() -> None:
    urls = MediaUrls("https://linkgraph.example/", MediaSigner(KEY))
    url = urls.url(CONTENT, "medium", "webp")
    prefix = "https://linkgraph.example/media/"
    assert url.startswith(prefix)
    signature, key, filename = url[len(prefix) :].split("/")
    assert (key, filename) == (CONTENT, "medium.webp")
    path = urls.resolve(signature, key, filename)
    assert path is not None
    assert (path.key, path.variant, path.extension, path.content_type) == (
        CONTENT,
        "medium",
        "webp",
        "image/webp",
    )
    assert urls.resolve(signature, key, "large.webp") is None
    assert urls.resolve(signature, "cd" * 32, filename) is None
    assert urls.resolve(signature, key, "medium.svg") is None


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "media.key"
    key = load_or_create_key(path)
    assert len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_processes_racing_to_create_the_key_agree(tmp_path: Path) -> None:
    path = tmp_path / "media.key"
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: load_or_create_key(path), range(64)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["media.key"]


async def test_build_media_service_generates_and_persists_a_key(tmp_path: Path) -> None:
    async with SafeFetcher(FetchPolicy()) as fetcher:
        first = build_media_service(
            data_dir=tmp_path, media_key="", public_url="https://x.test", fetcher=fetcher
        )
        key_file = tmp_path / "media.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        second = build_media_service(
            data_dir=tmp_path, media_key="", public_url="https://x.test", fetcher=fetcher
        )
        url = first.urls.url(CONTENT, "icon", "png")
        assert second.urls.url(CONTENT, "icon", "png") == url
        signature = url.split("/")[-3]
        assert MediaSigner(key_file.read_text().strip()).verify(signature, f"{CONTENT}/icon.png")
        await first.aclose()
        await second.aclose()


async def test_a_configured_key_is_used_and_no_file_is_written(tmp_path: Path) -> None:
    async with SafeFetcher(FetchPolicy()) as fetcher:
        service = build_media_service(
            data_dir=tmp_path, media_key=KEY, public_url="https://x.test", fetcher=fetcher
        )
        assert not (tmp_path / "media.key").exists()
        expected = MediaUrls("https://x.test", MediaSigner(KEY)).url(CONTENT, "large", "jpeg")
        assert service.urls.url(CONTENT, "large", "jpeg") == expected
        await service.aclose()


def test_settings_defaults_match_the_media_limits() -> None:
    settings = Settings()
    limits = ImageLimits()
    assert settings.media_key.get_secret_value() == ""
    assert settings.max_image_bytes == limits.max_bytes == 10 * 1024 * 1024
    assert settings.max_image_pixels == limits.max_pixels == 32_000_000
    assert settings.image_concurrency == limits.concurrency == 2
