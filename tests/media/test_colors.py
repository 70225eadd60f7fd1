"""Dominant colour, icon background colour and the inline placeholder."""

from __future__ import annotations

import base64

import pytest
from PIL import Image, ImageDraw

from media.colors import dominant_color, icon_background, placeholder
from tests.media import images


def test_dominant_color_is_the_largest_area_not_the_mean() -> None:
    image = Image.new("RGB", (100, 100), (200, 30, 30))
    ImageDraw.Draw(image).rectangle((0, 0, 39, 99), fill=(20, 20, 200))
    colour = dominant_color(image)
    assert colour is not None
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 150
    assert green < 80
    assert blue < 80


def test_dominant_color_ignores_transparent_pixels() -> None:
    image = Image.new("RGBA", (100, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle((40, 40, 60, 60), fill=(0, 128, 0, 255))
    assert dominant_color(image) == "#008000"
    assert dominant_color(Image.new("RGBA", (10, 10), (0, 0, 0, 0))) is None


@pytest.mark.parametrize(
    ("mark", "background"),
    [
        ((0, 0, 0), "#FFFFFF"),
        ((30, 30, 60), "#FFFFFF"),
        ((255, 255, 255), "#000000"),
        ((250, 220, 80), "#000000"),
    ],
)
def test_icon_background_contrasts_with_the_mark(
    mark: tuple[int, int, int], background: str
) -> None:
    assert icon_background(images.mark_icon(64, mark)) == background


def test_opaque_icons_get_no_background() -> None:
    assert icon_background(images.mark_icon(32, (0, 0, 0))) is not None
    assert icon_background(Image.new("RGB", (32, 32), (0, 0, 0))) is None
    assert icon_background(Image.new("RGBA", (32, 32), (0, 0, 0, 255))) is None


def test_placeholder_is_a_tiny_webp_data_uri_with_the_aspect_ratio() -> None:
    uri = placeholder(images.photo(2000, 1000))
    prefix = "data:image/webp;base64,"
    assert uri.startswith(prefix)
    assert len(uri) < 400
    tiny = images.decode(base64.b64decode(uri[len(prefix) :]))
    assert tiny.format == "WEBP"
    assert tiny.size == (16, 8)


def test_placeholder_keeps_transparency() -> None:
    uri = placeholder(images.mark_icon(64, (0, 0, 0)))
    tiny = images.decode(base64.b64decode(uri.split(",", 1)[1]))
    assert tiny.mode == "RGBA"
    assert images.rgba(tiny, (0, 0))[3] == 0
