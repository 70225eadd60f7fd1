"""Decoding refusals and clean-up, one test per SECURITY-CASES E row that the decoder owns
(E6, a failed fetch, and E7, sizes, are in test_ingest.py and test_variants.py)."""

from __future__ import annotations

import threading

import pytest
from PIL import _imaging

from media.decode import decode_image
from media.errors import ImageRejectedError
from media.headers import sniff_format
from media.limits import ImageLimits
from tests.media import images

LIMITS = ImageLimits()


def rejected(data: bytes, limits: ImageLimits = LIMITS) -> str:
    with pytest.raises(ImageRejectedError) as caught:
        decode_image(data, limits)
    return caught.value.reason


class _NoPixelBuffer:
    """Fails the test if Pillow allocates a frame while the block runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.allocations = 0
        original = _imaging.new
        lock = threading.Lock()

        def counting_new(*args: object) -> object:
            with lock:
                self.allocations += 1
            return original(*args)

        monkeypatch.setattr(_imaging, "new", counting_new)


# E1: header bombs, refused before decoding.


def test_png_header_bomb_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = images.png_header_bomb(60_000, 60_000)
    assert len(bomb) < 1_000
    watch = _NoPixelBuffer(monkeypatch)
    assert rejected(bomb) == "too_many_pixels"
    assert watch.allocations == 0


def test_jpeg_header_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    watch = _NoPixelBuffer(monkeypatch)
    assert rejected(images.jpeg_header_bomb(50_000, 50_000)) == "too_many_pixels"
    assert watch.allocations == 0


def test_pixel_cap_applies_below_pillows_own_limit() -> None:
    # 6000x6000 = 36 Mpx: over our 32 Mpx cap, well under Pillow's 89 Mpx warning.
    assert rejected(images.png_header_bomb(6_000, 6_000)) == "too_many_pixels"
    small = ImageLimits(max_pixels=100 * 100)
    assert rejected(images.jpeg(101, 100), small) == "too_many_pixels"
    assert decode_image(images.jpeg(100, 100), small).width == 100


def test_ico_wrapping_a_png_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    watch = _NoPixelBuffer(monkeypatch)
    assert rejected(images.ico_wrapping_bomb()) == "too_many_pixels"
    assert watch.allocations == 0


def test_byte_cap() -> None:
    assert rejected(images.jpeg(64, 64), ImageLimits(max_bytes=100)) == "too_large"


# E2: GIF screens, frame extents and frame counts.


def test_gif_with_huge_screen_is_refused() -> None:
    assert rejected(images.gif_patched(screen=(65_535, 65_535))) == "too_many_pixels"


def test_gif_has_a_lower_pixel_cap_than_other_formats() -> None:
    # 4000x4000 = 16 Mpx: fine for a PNG, over the 10 Mpx GIF cap.
    assert rejected(images.gif_patched(screen=(4_000, 4_000))) == "too_many_pixels"


def test_gif_frame_outside_its_screen_is_refused() -> None:
    assert rejected(images.gif_patched(frame=(5_000, 5_000))) == "gif_extent"


def test_gif_frame_count_is_capped() -> None:
    data = images.animated_gif(8, 8, frames=10)
    assert rejected(data, ImageLimits(max_gif_frames=5)) == "gif_frames"
    assert decode_image(data, ImageLimits(max_gif_frames=10)).frames == 10


def test_animated_gif_gives_its_first_frame() -> None:
    decoded = decode_image(images.animated_gif(40, 30, frames=4), LIMITS)
    assert decoded.frames == 4
    assert decoded.image.size == (40, 30)
    assert images.rgba(decoded.image, (5, 5)) == (255, 0, 0, 255)


# E3: formats outside the allowlist, whatever they are labelled.


@pytest.mark.parametrize(
    "data",
    [images.tiff(), images.psd_header(), images.fits(), images.bmp()],
    ids=["tiff", "psd", "fits", "bmp"],
)
def test_formats_outside_the_allowlist_are_refused(data: bytes) -> None:
    # Pillow itself would open TIFF and BMP (and PSD/FITS with full files); we never ask it.
    assert rejected(data) == "unsupported"


# E4: SVG is neither rasterised nor parsed.


def test_svg_is_refused_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_xml(*args: object, **kwargs: object) -> None:
        raise AssertionError("an XML parser was used")

    import xml.etree.ElementTree as ElementTree

    monkeypatch.setattr(ElementTree, "XMLParser", no_xml)
    assert rejected(images.SVG) == "unsupported"


# E5: truncated files and broken or huge EXIF.


def test_truncated_jpeg_is_refused() -> None:
    assert rejected(images.truncated_jpeg()) == "corrupt"


def test_garbage_with_a_valid_magic_is_refused() -> None:
    assert rejected(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) == "corrupt"
    assert rejected(b"GIF89a\x01") == "corrupt"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_corrupt_exif_costs_only_the_rotation() -> None:
    decoded = decode_image(images.jpeg_with_corrupt_exif(64, 48), LIMITS)
    assert decoded.image.size == (64, 48)


def test_huge_exif_chunk_is_survived() -> None:
    decoded = decode_image(images.png_with_huge_exif(64, 48), LIMITS)
    assert decoded.image.size == (64, 48)
    assert decoded.image.info == {}


# Orientation and metadata.


def test_exif_orientation_is_applied() -> None:
    decoded = decode_image(images.jpeg_with_exif(300, 200, orientation=6), LIMITS)
    assert decoded.image.size == (200, 300)


def test_metadata_is_not_carried_into_the_frame() -> None:
    decoded = decode_image(images.jpeg_with_exif(64, 64, gps=True), LIMITS)
    assert decoded.image.info == {}
    assert not decoded.image.getexif()


def test_frames_are_rgb_or_rgba_by_actual_transparency() -> None:
    assert decode_image(images.jpeg(32, 32), LIMITS).image.mode == "RGB"
    assert decode_image(images.opaque_png(32, 32), LIMITS).image.mode == "RGB"
    transparent = decode_image(images.alpha_png(32, 32), LIMITS)
    assert transparent.image.mode == "RGBA"
    assert transparent.has_alpha


def test_ico_gives_its_largest_frame() -> None:
    decoded = decode_image(images.ico([16, 32, 48]), LIMITS)
    assert decoded.image.size == (48, 48)
    assert decoded.source_format == "ICO"


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (images.jpeg(8, 8), "JPEG"),
        (images.opaque_png(8, 8), "PNG"),
        (images.webp(8, 8), "WEBP"),
        (images.animated_gif(8, 8), "GIF"),
        (images.ico([16]), "ICO"),
    ],
)
def test_allowed_formats_are_sniffed_from_their_bytes(data: bytes, fmt: str) -> None:
    assert sniff_format(data) == fmt
    assert decode_image(data, LIMITS).source_format == fmt
