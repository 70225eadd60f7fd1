"""Which icon URLs the media stage tries, in which order: ranked here, once (no network: see
tests/media/test_icons.py for fetching them)."""

from __future__ import annotations

import json

from extraction.icons import favicon_url, fetchable_urls, icon_candidates, manifest_icon_urls
from extraction.page import LinkTag


def link(
    href: str, rel: str = "icon", sizes: str | None = None, type_: str | None = None
) -> LinkTag:
    return LinkTag(rel=tuple(rel.split()), href=href, sizes=sizes, type=type_)


def test_link_icons_largest_first_apple_touch_counts_as_180_vectors_skipped() -> None:
    links = [
        link("https://a.test/favicon-32.png", sizes="32x32"),
        link("https://a.test/logo.svg", type_="image/svg+xml"),
        link("https://a.test/pin.svg", rel="mask-icon"),
        link("https://a.test/vector", type_="image/svg+xml"),
        link("data:image/svg+xml;base64,PHN2Zy8+"),
        link("https://a.test/apple.png", rel="apple-touch-icon"),
        link("https://a.test/big.png", sizes="512x512"),
        link("https://a.test/plain.ico"),
        link("https://a.test/favicon-32.png", sizes="32x32"),
    ]
    assert fetchable_urls(icon_candidates(links)) == (
        "https://a.test/big.png",
        "https://a.test/apple.png",
        "https://a.test/favicon-32.png",
        "https://a.test/plain.ico",
    )


def test_manifest_icons_general_purpose_first_then_largest() -> None:
    manifest = {
        "icons": [
            {"src": "/m-512.png", "sizes": "512x512", "purpose": "maskable"},
            {"src": "icons/192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/any.svg", "sizes": "any", "type": "image/svg+xml"},
            {"src": "/both.png", "sizes": "96x96 144x144", "purpose": "any maskable"},
            {"src": "javascript:alert(1)", "sizes": "999x999"},
            "junk",
            {"sizes": "48x48"},
        ]
    }
    urls = manifest_icon_urls(json.dumps(manifest).encode(), "https://a.test/app/manifest.json")
    assert urls == (
        "https://a.test/app/icons/192.png",
        "https://a.test/both.png",
        "https://a.test/m-512.png",
    )


def test_manifests_that_are_not_json_objects_give_nothing() -> None:
    valid = b'{"icons": [{"src": "/i.png", "sizes": "64x64"}]}'
    assert manifest_icon_urls(valid, "https://a.test/m.json") == ("https://a.test/i.png",)
    for body in (b"<xml/>", b"[1, 2]", b'{"icons": "x"}', b"[" * 100_000, b"\xff\xfe"):
        assert manifest_icon_urls(body, "https://a.test/manifest.json") == ()


def test_favicon_at_the_page_origin() -> None:
    assert (
        favicon_url("https://www.a.test:8443/deep/page?q=1")
        == "https://www.a.test:8443/favicon.ico"
    )
    assert favicon_url("http://[2001:db8::1]/x") == "http://[2001:db8::1]/favicon.ico"
    assert favicon_url("ftp://a.test/") is None
