"""The file readers on real files made in the test: what each kind reveals, and that cut,
mislabelled or hostile bytes give fewer fields, never an exception."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from files.audio import read_audio
from files.documents import read_document
from files.formats import declared_size, file_name, subtype_name
from files.images import gif_duration, read_image, svg_image
from files.kinds import kind_for
from files.text import read_text
from files.video import read_video
from media.limits import ImageLimits
from model.record import ImageFile, LinkType, VideoFile
from tests.files import samples

LIMITS = ImageLimits()


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("image/png", LinkType.IMAGE),
        ("video/mp4", LinkType.VIDEO),
        ("audio/mpeg", LinkType.AUDIO),
        ("application/pdf", LinkType.DOCUMENT),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            LinkType.DOCUMENT,
        ),
        ("text/plain", LinkType.TEXT),
        ("application/zip", None),
        ("application/octet-stream", None),
    ],
)
def test_kinds_by_type(media_type: str, kind: LinkType | None) -> None:
    row = kind_for(media_type)
    assert (row.link_type if row else None) is kind


def test_names_and_sizes() -> None:
    assert file_name("https://cdn.test/a/b/Annual%20Report.pdf?x=1") == "Annual Report.pdf"
    assert file_name("https://cdn.test/") is None
    assert subtype_name("video/x-matroska") == "matroska"
    assert subtype_name("image/svg+xml") == "svg"
    assert declared_size(" 5000 ") == 5000
    assert declared_size("ten") is None
    assert declared_size(None) is None


def test_png_with_transparency() -> None:
    record = read_image(samples.png(64, 48, alpha=True), LIMITS, fallback_format="png")
    assert isinstance(record, ImageFile)
    assert (record.width, record.height, record.format) == (64, 48, "png")
    assert record.has_alpha_channel is True
    assert record.animated is False
    assert record.frames == 1
    assert record.background_color in ("#000000", "#FFFFFF")
    for colour in (record.dominant_color, record.vibrant_color, record.muted_color):
        assert colour is not None
        assert colour.startswith("#")
        assert len(colour) == 7
    assert record.vibrant_color != record.muted_color


def test_opaque_jpeg_has_no_background() -> None:
    record = read_image(samples.jpeg(80, 60), LIMITS, fallback_format="jpeg")
    assert isinstance(record, ImageFile)
    assert (record.width, record.height, record.format) == (80, 60, "jpeg")
    assert record.has_alpha_channel is False
    assert record.background_color is None
    # A flat blue image: its vibrant colour is blue, and there is nothing muted in it.
    assert record.vibrant_color is not None
    red, green, blue = (int(record.vibrant_color[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red
    assert blue > green
    assert record.muted_color is None


def test_still_gif_is_an_image_and_animated_gif_a_video() -> None:
    still = read_image(samples.gif(1), LIMITS, fallback_format="gif")
    assert isinstance(still, ImageFile)
    assert still.format == "gif"
    moving = read_image(samples.gif(5, delay_ms=100), LIMITS, fallback_format="gif")
    assert isinstance(moving, VideoFile)
    assert moving.format == "gif"
    assert (moving.width, moving.height) == (32, 24)
    assert moving.duration == pytest.approx(0.5)
    assert moving.frame_rate == pytest.approx(10.0)


def test_gif_duration_walks_blocks_only() -> None:
    assert gif_duration(samples.gif(3, delay_ms=200)) == pytest.approx(0.6)
    assert gif_duration(b"GIF89a") is None
    assert gif_duration(b"not a gif at all") is None


@pytest.mark.parametrize(
    "data",
    [
        samples.png()[:60],  # cut inside the pixels
        b"<html>not an image</html>",  # the wrong bytes behind an image type
        b"",
    ],
)
def test_unreadable_image_keeps_its_type(data: bytes) -> None:
    record = read_image(data, LIMITS, fallback_format="png")
    assert record == ImageFile(format="png")


def test_svg_is_not_decoded() -> None:
    assert svg_image() == ImageFile(format="svg")


def test_image_over_the_pixel_cap_keeps_its_type() -> None:
    small = ImageLimits(max_pixels=100)
    assert read_image(samples.png(64, 48), small, fallback_format="png") == ImageFile(format="png")


def test_mp4_header() -> None:
    data = samples.mp4(seconds=4, width=320, height=240, fps=25, title="Tiny", artist="Ana")
    record = read_video("video/mp4", data, size=len(data))
    assert record.format == "mp4"
    assert record.duration == pytest.approx(4.0)
    assert (record.width, record.height) == (320, 240)
    assert record.frame_rate == pytest.approx(25.0)
    assert record.video_codec == "h264"
    assert record.audio_codec == "aac"
    assert record.has_audio is True
    assert (record.title, record.author) == ("Tiny", "Ana")
    assert record.bit_rate == round(len(data) * 8 / 4)


def test_silent_mp4_has_no_audio() -> None:
    data = samples.mp4(audio=False)
    record = read_video("video/mp4", data, size=None)
    assert record.has_audio is False
    assert record.audio_codec is None
    assert record.bit_rate is None  # no size, no average


@pytest.mark.parametrize("cut", [0, 7, 30, 200, 600])
def test_cut_mp4_gives_fewer_fields(cut: int) -> None:
    data = samples.mp4()[:cut]
    record = read_video("video/mp4", data, size=10**9)
    assert record.format in ("mp4", None)
    assert record.width is None
    assert record.duration is None


def test_hostile_boxes() -> None:
    ftyp = samples.box(b"ftyp", b"isom", bytes(4))
    # A moov claiming 4 GB, a box of size 1 with a huge 64-bit size, a zero-sized box.
    for tail in (
        struct.pack(">I4s", 0xFFFFFFF0, b"moov"),
        struct.pack(">I4sQ", 1, b"moov", 2**63),
        struct.pack(">I4s", 3, b"moov") * 10_000,
    ):
        assert read_video("video/mp4", ftyp + tail, size=None).width is None


def test_webm_keeps_its_type() -> None:
    assert read_video("video/webm", b"\x1aE\xdf\xa3" + bytes(100), size=None) == VideoFile(
        format="webm"
    )


def test_mp3_tags_and_stream(tmp_path: Path) -> None:
    cover = samples.jpeg(20, 20)
    data = samples.mp3(tmp_path / "a.mp3", frames=400, artwork=cover)
    record = read_audio("audio/mpeg", data, truncated=False, size=len(data))
    assert record.format == "mp3"
    assert (record.title, record.artist, record.album) == ("Night Drive", "The Testers", "Loopback")
    assert record.creation_date is not None
    assert record.creation_date.date().isoformat() == ("2021-05-03")
    assert record.bit_rate == 128_000
    assert record.sample_rate == 44_100
    assert record.channels == 2
    assert record.audio_codec == "mp3"
    # 400 frames of 1152 samples at 44.1 kHz.
    assert record.duration == pytest.approx(400 * 1152 / 44_100, rel=0.02)
    assert record.album_artwork is not None
    assert record.album_artwork.source_url.startswith("data:image/jpeg;base64,")


def test_mp3_prefix_estimates_length_from_declared_size(tmp_path: Path) -> None:
    data = samples.mp3(tmp_path / "a.mp3", frames=2000)
    prefix = data[: 64 * 1024]
    record = read_audio("audio/mpeg", prefix, truncated=True, size=len(data))
    assert record.title == "Night Drive"
    assert record.duration == pytest.approx(2000 * 1152 / 44_100, rel=0.02)
    unknown = read_audio("audio/mpeg", prefix, truncated=True, size=None)
    assert unknown.duration is None


def test_wav_from_the_stdlib() -> None:
    data = samples.wav(seconds=1.5, rate=8000, channels=1)
    record = read_audio("audio/wav", data, truncated=False, size=len(data))
    assert record.format == "wav"
    assert record.duration == pytest.approx(1.5)
    assert (record.sample_rate, record.channels) == (8000, 1)


@pytest.mark.parametrize("data", [b"", b"ID3\x04\x00\x00\xff\xff\xff\xff", b"OggS" + bytes(50)])
def test_broken_audio_keeps_its_type(data: bytes) -> None:
    record = read_audio("audio/mpeg", data, truncated=True, size=None)
    assert record.title is None
    assert record.duration is None


def test_pdf_metadata() -> None:
    data = samples.pdf(pages=3, lang="en-GB")
    record = read_document("application/pdf", data, truncated=False)
    assert record.format == "pdf"
    assert (record.title, record.author, record.description) == (
        "Quarterly Report",
        "Ada Lovelace",
        "Numbers, mostly",
    )
    assert record.page_count == 3
    assert record.is_encrypted is False
    assert record.language == "en-GB"
    assert record.last_modified is not None
    # D:20240102030405+01'00' is 02:04:05 UTC.
    assert record.last_modified.isoformat() == "2024-01-02T02:04:05+00:00"


def test_encrypted_pdf_says_so() -> None:
    record = read_document("application/pdf", samples.pdf(password="secret"), truncated=False)
    assert record.is_encrypted is True
    assert record.title is None  # the metadata is encrypted too


def test_cut_pdf_keeps_its_type() -> None:
    data = samples.pdf()
    record = read_document("application/pdf", data[: len(data) // 2], truncated=True)
    assert record.format == "pdf"
    assert record.page_count is None


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n garbage", b"not a pdf", b"%PDF-1.4\n" + b"1 0 obj <<" * 50_000]
)
def test_broken_pdfs(data: bytes) -> None:
    record = read_document("application/pdf", data, truncated=False)
    assert record.format == "pdf"
    assert record.title is None


def test_deeply_nested_pdf_is_read_or_refused_not_hung() -> None:
    record = read_document("application/pdf", samples.nested_pdf(), truncated=False)
    assert record.format == "pdf"
    assert record.title is None


def test_docx_by_type_only() -> None:
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    record = read_document(media_type, b"PK\x03\x04", truncated=False)
    assert record.format == "docx"
    assert record.page_count is None


def test_text_counts() -> None:
    body = "\n\nFirst line here\n" + "word " * 450 + "\nlast\n"
    record, title = read_text(body.encode(), charset="utf-8")
    assert title == "First line here"
    assert record.encoding == "utf-8"
    assert record.words_count == 3 + 450 + 1
    assert record.lines_count == body.count("\n")
    assert record.estimated_reading_time_in_minutes == 3


def test_text_encoding_detected_without_a_charset() -> None:
    text = "Größere Übungen für Köln und Düsseldorf, später.\n" * 40
    record, title = read_text(text.encode("cp1252"), charset=None)
    assert record.encoding is not None
    assert record.encoding != "utf-8"
    assert title is not None
    assert title.startswith("Gr")
    assert "ß" in title


def test_text_with_a_character_cut_by_the_cap() -> None:
    record, _ = read_text("café".encode()[:-1], charset=None)
    assert record.encoding == "utf-8"
    assert record.words_count == 1


def test_empty_text() -> None:
    record, title = read_text(b"", charset="no-such-charset")
    assert title is None
    assert record.words_count == 0
    assert record.estimated_reading_time_in_minutes is None
