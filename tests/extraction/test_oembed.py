"""oEmbed as pure logic: discovery from a parsed page, the built-in providers, parsing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from extraction.oembed import (
    PROVIDERS,
    discover,
    html_text,
    oembed_url,
    parse_oembed,
    provider_endpoint,
)
from extraction.page import parse_page

BASE = "https://provider.test/oembed"


def _body(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def test_discovery_prefers_json_and_ignores_xml() -> None:
    html = b"""<html><head>
    <link rel="alternate" type="text/xml+oembed" href="/oembed.xml?u=1">
    <link rel="alternate" type="application/json+oembed" href="/oembed.json?u=1">
    </head></html>"""
    page = parse_page(html, url="https://site.test/post/1")
    assert discover(page) == "https://site.test/oembed.json?u=1"
    assert oembed_url(page) == "https://site.test/oembed.json?u=1"


def test_no_discovery_and_no_provider() -> None:
    page = parse_page(b"<html><head><title>x</title></head></html>", url="https://a.test/")
    assert discover(page) is None
    assert oembed_url(page) is None


@pytest.mark.parametrize(
    ("url", "endpoint_host"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "www.youtube.com"),
        ("https://youtu.be/dQw4w9WgXcQ", "www.youtube.com"),
        ("https://www.youtube.com/shorts/abc", "www.youtube.com"),
        ("https://x.com/jack/status/20", "publish.twitter.com"),
        ("https://twitter.com/jack/status/20", "publish.twitter.com"),
        ("https://www.tiktok.com/@someone/video/7100000000000000000", "www.tiktok.com"),
        ("https://www.reddit.com/r/python/comments/abc/title/", "www.reddit.com"),
        ("https://vimeo.com/76979871", "vimeo.com"),
        ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "open.spotify.com"),
    ],
)
def test_built_in_providers(url: str, endpoint_host: str) -> None:
    endpoint = provider_endpoint(url)
    assert endpoint is not None
    parts = urlsplit(endpoint)
    assert parts.scheme == "https"
    assert parts.hostname == endpoint_host
    query = parse_qs(parts.query)
    assert query["url"] == [url]
    assert query["format"] == ["json"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/",
        "https://x.com/jack",
        "https://www.tiktok.com/@someone",
        "https://example.com/watch?v=1",
        "https://evil.test/?next=https://www.youtube.com/watch?v=1",
    ],
)
def test_pages_no_provider_knows(url: str) -> None:
    assert provider_endpoint(url) is None


def test_every_provider_endpoint_is_https() -> None:
    assert all(provider.endpoint.startswith("https://") for provider in PROVIDERS)


def test_parse_a_video_answer() -> None:
    body = _body(
        version="1.0",
        type="video",
        title="A &amp; B",
        author_name="Someone",
        author_url="https://www.youtube.com/@someone",
        provider_name="YouTube",
        thumbnail_url="/vi/abc/hqdefault.jpg",
        thumbnail_width=480,
        thumbnail_height="360",
        width=200,
        height=113.0,
        html='<iframe src="https://www.youtube.com/embed/abc"></iframe>',
    )
    answer = parse_oembed(body, base_url=BASE)
    assert answer is not None
    assert answer.type == "video"
    assert answer.title == "A & B"
    assert answer.author_name == "Someone"
    assert answer.author_url == "https://www.youtube.com/@someone"
    assert answer.thumbnail_url == "https://provider.test/vi/abc/hqdefault.jpg"
    assert (answer.thumbnail_width, answer.thumbnail_height) == (480, 360)
    assert (answer.width, answer.height) == (200, 113)
    assert answer.url is None  # only photos have one
    assert answer.text is None  # an iframe has no text


def test_rich_html_becomes_text_and_scripts_vanish() -> None:
    html = (
        '<blockquote class="twitter-tweet"><p lang="en">Hello <a href="https://t.co/x">'
        "world</a></p>&mdash; Jack (@jack)</blockquote>"
        '<script async src="https://platform.twitter.com/widgets.js"></script>'
        "<script>alert('owned')</script><style>p{}</style>"
    )
    answer = parse_oembed(_body(type="rich", version="1.0", html=html), base_url=BASE)
    assert answer is not None
    assert answer.text is not None
    assert answer.text.startswith("Hello world")
    assert "Jack (@jack)" in answer.text
    assert "alert" not in answer.text
    assert "<" not in answer.text
    assert not hasattr(answer, "html")


def test_photo_keeps_its_url() -> None:
    answer = parse_oembed(
        _body(type="photo", version="1.0", url="https://img.test/p.jpg", width=10, height=20),
        base_url=BASE,
    )
    assert answer is not None
    assert answer.url == "https://img.test/p.jpg"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<oembed><type>video</type></oembed>",
        b"[1, 2]",
        b'"video"',
        b"\xff\xfe{",
        _body(type="script", version="1.0"),
        _body(type=7, version="1.0"),
        _body(title="no type"),
        _body(type="video", version="2.0"),
        _body(type="video", version=1),
    ],
)
def test_not_an_oembed_answer(body: bytes) -> None:
    assert parse_oembed(body, base_url=BASE) is None


def test_fields_of_the_wrong_type_are_dropped() -> None:
    answer = parse_oembed(
        _body(
            type="link",
            title=["list"],
            author_name={"x": 1},
            thumbnail_url="javascript:alert(1)",
            thumbnail_width=-5,
            width=True,
            height="tall",
            provider_url="ftp://files.test/",
        ),
        base_url=BASE,
    )
    assert answer is not None
    assert answer.type == "link"
    assert answer.title is None
    assert answer.author_name is None
    assert answer.thumbnail_url is None
    assert answer.provider_url is None
    assert answer.thumbnail_width is None
    assert answer.width is None
    assert answer.height is None


def test_missing_version_is_accepted() -> None:
    answer = parse_oembed(_body(type="link", title="T"), base_url=BASE)
    assert answer is not None
    assert answer.title == "T"


def test_html_text_bounds() -> None:
    assert html_text(None) is None
    assert html_text("   ") is None
    assert html_text("<p>" + "x" * 200_000 + "</p>") is None
    assert html_text("<p>a</p><p>b</p>") == "a b"
