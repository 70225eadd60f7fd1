"""Rendition sizes and formats (SECURITY-CASES E7), without the network."""

from __future__ import annotations

import pytest
from PIL import Image

from media.decode import decode_image
from media.limits import ImageLimits
from media.variants import VARIANTS, fitted_size, render_variants
from tests.media import images


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((404, 404), [(320, 320), (404, 404), (404, 404), (404, 404)]),
        ((2000, 1000), [(320, 160), (640, 320), (1280, 640), (2000, 1000)]),
        ((100, 100), [(100, 100)] * 4),
        ((1000, 3), [(320, 1), (640, 2), (1000, 3), (1000, 3)]),
        ((641, 1282), [(320, 640), (640, 1280), (641, 1282), (641, 1282)]),
    ],
)
def test_sizes_are_capped_by_width_and_never_upscaled(
    size: tuple[int, int], expected: list[tuple[int, int]]
) -> None:
    renditions = render_variants(Image.new("RGB", size, (10, 120, 200)))
    assert [(renditions[n].width, renditions[n].height) for n in VARIANTS] == expected
    for name in VARIANTS:
        served = images.decode(renditions[name].data)
        assert served.size == (renditions[name].width, renditions[name].height)


def test_fitted_size_keeps_the_aspect_ratio() -> None:
    assert fitted_size(1600, 900, 640) == (640, 360)
    assert fitted_size(300, 200, 640) == (300, 200)
    assert fitted_size(300, 200, None) == (300, 200)


def test_same_sized_variants_share_one_encoding() -> None:
    renditions = render_variants(Image.new("RGB", (404, 404), (1, 2, 3)))
    assert renditions["medium"] is renditions["large"] is renditions["original"]
    assert renditions["thumbnail"] is not renditions["medium"]


def test_opaque_images_become_progressive_jpeg() -> None:
    frame = decode_image(images.opaque_png(700, 500), ImageLimits()).image
    for rendition in render_variants(frame).values():
        assert rendition.content_type == "image/jpeg"
        assert rendition.extension == "jpeg"
        served = images.decode(rendition.data)
        assert served.format == "JPEG"
        assert served.info.get("progressive") or served.info.get("progression")


def test_transparent_images_become_webp_with_alpha() -> None:
    frame = decode_image(images.alpha_png(700, 500), ImageLimits()).image
    for rendition in render_variants(frame).values():
        assert rendition.content_type == "image/webp"
        served = images.decode(rendition.data)
        assert served.format == "WEBP"
        assert served.mode == "RGBA"
        assert images.rgba(served, (served.width - 1, 0))[3] == 0  # right half transparent
        assert images.rgba(served, (1, served.height // 2))[3] == 255


def test_renditions_carry_no_metadata() -> None:
    frame = decode_image(images.jpeg_with_exif(400, 300, gps=True), ImageLimits()).image
    for rendition in render_variants(frame).values():
        served = images.decode(rendition.data)
        assert not served.getexif()
        assert "exif" not in served.info
        assert "icc_profile" not in served.info
        assert b"SecretCamera" not in rendition.data


def test_originals_beyond_webp_limits_fall_back_to_png() -> None:
    renditions = render_variants(Image.new("RGBA", (17_000, 100), (1, 2, 3, 100)))
    assert renditions["large"].content_type == "image/webp"
    original = renditions["original"]
    assert original.content_type == "image/png"
    assert images.decode(original.data).size == (17_000, 100)
