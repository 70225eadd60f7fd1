"""Icon candidates: every declared icon, sizes parsed, best first."""

from __future__ import annotations

import pytest

from extraction.icons import IconCandidate, icon_candidates, manifest_url, parse_sizes
from extraction.page import LinkTag


def link(rel: str, href: str, sizes: str | None = None, type_: str | None = None) -> LinkTag:
    return LinkTag(
        rel=tuple(rel.split()), href=f"https://site.example/{href}", sizes=sizes, type=type_
    )


def test_best_first() -> None:
    links = [
        link("shortcut icon", "favicon.ico"),
        link("icon", "16.png", "16x16"),
        link("mask-icon", "mask.svg"),
        link("icon", "any.svg", "any", "image/svg+xml"),
        link("apple-touch-icon-precomposed", "precomposed.png"),
        link("icon", "192.png", "192x192"),
        link("icon", "32.png", "32x32"),
        link("apple-touch-icon", "152.png", "152x152"),
        link("stylesheet", "style.css"),
        link("alternate icon", "alt.png", "48x48"),
    ]
    assert [icon.url.rsplit("/", 1)[1] for icon in icon_candidates(links)] == [
        "192.png",
        "precomposed.png",  # an apple-touch-icon without sizes counts as 180 px
        "152.png",
        "alt.png",
        "32.png",
        "16.png",
        "favicon.ico",  # size unknown
        "any.svg",  # vector after every raster
        "mask.svg",  # Safari's mask icon last of all
    ]


def test_fields() -> None:
    (icon,) = icon_candidates([link("icon", "a.png", "16x16 32x32 48X48", "Image/PNG")])
    assert icon == IconCandidate(
        url="https://site.example/a.png",
        rel=("icon",),
        width=48,
        height=48,
        type="image/png",
    )
    assert not icon.is_vector


def test_duplicates_keep_the_first_declaration() -> None:
    icons = icon_candidates([link("icon", "a.png"), link("apple-touch-icon", "a.png", "180x180")])
    assert [icon.rel for icon in icons] == [("icon",)]


def test_any_size_and_vector_detection() -> None:
    (icon,) = icon_candidates([link("icon", "logo.svg?v=2", "any")])
    assert icon.any_size
    assert icon.is_vector
    assert (icon.width, icon.height) == (None, None)


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        (None, (None, None, False)),
        ("", (None, None, False)),
        ("any", (None, None, True)),
        ("32x32", (32, 32, False)),
        ("16x16 64x64 32x32", (64, 64, False)),
        ("192×96", (192, 96, False)),
        ("0x0 garbage", (None, None, False)),
        ("99999999x1", (None, None, False)),
    ],
)
def test_parse_sizes(sizes: str | None, expected: tuple[int | None, int | None, bool]) -> None:
    assert parse_sizes(sizes) == expected


def test_manifest_url() -> None:
    assert manifest_url([link("icon", "a.png"), link("manifest", "m.json")]) == (
        "https://site.example/m.json"
    )
    assert manifest_url([link("icon", "a.png")]) is None
