"""absolute_http_url: relative, protocol-relative and hostile URLs found in pages."""

from __future__ import annotations

import pytest

from extraction.urls import MAX_URL_LENGTH, absolute_http_url

BASE = "https://www.example.com/a/b/page.html?q=1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://cdn.example/x.png", "https://cdn.example/x.png"),
        ("HTTP://CDN.example/x.png", "HTTP://CDN.example/x.png"),
        ("//cdn.example/x.png", "https://cdn.example/x.png"),
        ("/root.png", "https://www.example.com/root.png"),
        ("rel.png", "https://www.example.com/a/b/rel.png"),
        ("../up.png", "https://www.example.com/a/up.png"),
        ("?page=2", "https://www.example.com/a/b/page.html?page=2"),
        ("  /spaced.png \n", "https://www.example.com/spaced.png"),
        ("/new\nline.png", "https://www.example.com/newline.png"),
        ("https://例え.jp/画像.png", "https://例え.jp/画像.png"),
        ("https://user@cdn.example/x.png", "https://user@cdn.example/x.png"),
    ],
)
def test_resolves(value: str, expected: str) -> None:
    assert absolute_http_url(value, BASE) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "javascript:alert(1)",
        " JAVASCRIPT:alert(1)",
        "java\nscript:alert(1)",
        "data:image/png;base64,AAAA",
        "vbscript:msgbox",
        "mailto:someone@example.com",
        "ftp://files.example/x",
        "file:///etc/passwd",
        "http://",
        "http://[::1",
        "http://host:99999/",
        "https://cdn.example/" + "x" * MAX_URL_LENGTH,
    ],
)
def test_refuses(value: str | None) -> None:
    assert absolute_http_url(value, BASE) is None
