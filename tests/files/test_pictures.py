"""Pictures of files: a video's poster and snapshots, an audio file's waveform, a PDF's cover
and pages, and the metadata of Office and OpenDocument files, made by the real decoders
(FFmpeg through PyAV, PDFium through pypdfium2) from real files made in the test, and end
to end through GraphQL on the real app."""

from __future__ import annotations

import io
import itertools
import multiprocessing
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from files import office, pdf_pages, stills
from files.isolated import Isolation, run_isolated
from model.record import DocumentFile, LinkType, Preview
from previews.direct import DirectBackend
from tests.fetching.harness import ALLOWED_NET, HostileOrigin
from tests.files import backend as fixtures
from tests.files import media_samples as samples
from tests.files.backend import serve
from tests.files.samples import pdf as plain_pdf
from tests.support.process import app_process

backend = fixtures.backend
file_origin = fixtures.file_origin
media_service = fixtures.media_service


def colour(jpeg_or_png: bytes) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(jpeg_or_png)).convert("RGB")
    red, green, blue = image.getpixel((image.width // 2, image.height // 2))  # type: ignore[misc]
    return red, green, blue


def near(actual: tuple[int, int, int], expected: tuple[float, float, float]) -> bool:
    return all(abs(a - e) <= 24 for a, e in zip(actual, expected, strict=True))


# --- video ------------------------------------------------------------------------------------


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_poster_and_snapshots_show_their_own_moments(container: str) -> None:
    made = stills.video_stills(samples.video(container, seconds=5))
    assert made.poster is not None
    assert near(colour(made.poster), samples.SECOND_COLOURS[0])
    assert len(made.snapshots) == stills.MAX_SNAPSHOTS
    for second, snapshot in enumerate(made.snapshots, start=1):
        assert near(colour(snapshot), samples.SECOND_COLOURS[second]), second
    assert Image.open(io.BytesIO(made.poster)).size == (320, 240)


def test_a_head_cut_mid_file_keeps_the_frames_before_the_cut() -> None:
    whole = samples.video("mp4", seconds=5, size=(160, 120))
    made = stills.video_stills(whole[: len(whole) * 2 // 3])
    assert made.poster is not None
    assert len(made.snapshots) < stills.MAX_SNAPSHOTS


def test_an_index_at_the_end_gives_no_frame_and_no_error() -> None:
    moov_last = samples.video("mp4", seconds=3, faststart=False)
    assert stills.video_stills(moov_last[: len(moov_last) // 2]).poster is None


def test_a_picture_over_the_pixel_cap_is_not_decoded() -> None:
    huge = samples.video("mp4", seconds=1, fps=1, size=(4112, 2320))
    assert stills.video_stills(huge).poster is None
    assert stills.video_stills(b"\x00\x00\x00\x18ftypisom" + bytes(4000)).poster is None


# --- audio ------------------------------------------------------------------------------------


def test_a_rising_tone_draws_a_rising_waveform() -> None:
    peaks = stills.audio_peaks(samples.tone_wav(seconds=2.0))
    assert peaks is not None
    assert len(peaks) == stills.WAVEFORM_PEAKS
    assert all(0.0 <= peak <= 1.0 for peak in peaks)
    assert peaks[0] < 0.05
    assert peaks[-1] > 0.9
    assert all(later >= earlier - 0.02 for earlier, later in itertools.pairwise(peaks))


def test_an_mp3_tone_and_silence() -> None:
    peaks = stills.audio_peaks(samples.tone_mp3(seconds=3.0))
    assert peaks is not None
    assert len(peaks) == stills.WAVEFORM_PEAKS
    assert min(peaks[5:-5]) > 0.8  # a steady full-scale tone (the encoder's edges aside)
    silent = stills.audio_peaks(samples.tone_wav(seconds=1.0, frequency=0.0))
    assert silent is not None
    assert max(silent) == 0.0
    assert stills.audio_peaks(b"RIFF" + bytes(100)) is None


# --- PDF --------------------------------------------------------------------------------------

REPORT_WORDS = "Quarterly numbers rose sharply"
PAGE_COLOURS = [(1.0, 0.0, 0.0), (0.0, 0.8, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 0.0), (0, 0, 0)]


def test_the_first_pages_are_rendered_in_their_colours() -> None:
    pages = pdf_pages.render_pages(samples.painted_pdf(PAGE_COLOURS))
    assert len(pages) == pdf_pages.MAX_PAGES
    for page, expected in zip(pages, PAGE_COLOURS, strict=False):
        red, green, blue = expected
        assert near(colour(page), (255 * red, 255 * green, 255 * blue))
        image = Image.open(io.BytesIO(page))
        assert abs(image.width - pdf_pages.PAGE_WIDTH) <= 1  # PDFium rounds up
        assert abs(image.height - round(842 * pdf_pages.PAGE_WIDTH / 595)) <= 1


def test_a_page_declared_enormous_costs_an_ordinary_bitmap() -> None:
    tall = samples.painted_pdf([(0.5, 0.5, 0.5)], width=200, height=14400)
    (page,) = pdf_pages.render_pages(tall)
    image = Image.open(io.BytesIO(page))
    assert image.width * image.height <= pdf_pages.MAX_PIXELS
    assert image.height > image.width * 50  # the shape kept, the size bounded


def test_ten_thousand_pages_cost_their_first_four() -> None:
    bomb = samples.painted_pdf([(0.2, 0.4, 0.6)] * 10_000, width=100, height=100)
    assert len(pdf_pages.render_pages(bomb)) == pdf_pages.MAX_PAGES


def test_unopenable_pdfs_render_nothing() -> None:
    assert pdf_pages.render_pages(plain_pdf(pages=2, password="secret")) == ()
    assert pdf_pages.render_pages(b"%PDF-1.7\n" + bytes(500)) == ()


# --- isolation --------------------------------------------------------------------------------


def spin(_: bytes) -> int:
    while True:
        pass


def hoard(_: bytes) -> int:
    held = bytearray(3 * 1024**3)
    return len(held)


def fail(_: bytes) -> int:
    raise ValueError("a hostile file")


def length(data: bytes) -> int:
    return len(data)


def test_a_job_that_overruns_is_killed() -> None:
    assert run_isolated(spin, b"", Isolation(timeout=0.5)) is None
    assert multiprocessing.active_children() == []


def test_a_job_that_grabs_memory_fails_alone() -> None:
    assert run_isolated(hoard, b"", Isolation(memory_bytes=1024**3)) is None
    assert run_isolated(fail, b"x", Isolation()) is None
    assert run_isolated(length, b"four", Isolation()) == 4


# --- Office and OpenDocument ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "field"), [("docx", "page_count"), ("xlsx", "sheet_count"), ("pptx", "slide_count")]
)
def test_ooxml_metadata(fmt: str, field: str) -> None:
    read = office.read_office(fmt, samples.office(fmt, title="Plan B", author="Ada", count=7))
    assert (read.title, read.author, read.description) == ("Plan B", "Ada", "A summary")
    assert getattr(read, field) == 7
    assert read.language == "en-GB"
    assert read.last_modified is not None
    assert read.last_modified.isoformat().startswith("2024-03-04T05:06:07")


@pytest.mark.parametrize(
    ("fmt", "field", "expected"),
    [("odt", "page_count", 3), ("ods", "sheet_count", 2), ("odp", "slide_count", 3)],
)
def test_opendocument_metadata(fmt: str, field: str, expected: int) -> None:
    data = samples.opendocument(fmt, title="Bericht", author="Emmy", pages=3, tables=2)
    read = office.read_office(fmt, data)
    assert (read.title, read.author, read.language) == ("Bericht", "Emmy", "de")
    assert getattr(read, field) == expected


def test_bombs_and_garbage_keep_the_format_only() -> None:
    for data in (samples.zip_bomb_docx(), samples.entity_bomb_docx(), b"PK\x03\x04" + bytes(99)):
        assert office.read_office("docx", data) == DocumentFile(format="docx")


# --- through the backend and the graph ---------------------------------------------------------


async def test_pictures_are_off_unless_asked_for(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/clip.mp4", samples.video("mp4", seconds=2), "video/mp4")
    preview = await backend.preview(file_origin.url("/clip.mp4"))
    assert isinstance(preview, Preview)
    assert preview.type is LinkType.VIDEO
    assert preview.image is None


@pytest.fixture
async def files_origin() -> AsyncIterator[HostileOrigin]:
    origin = await HostileOrigin().start()
    serve(origin, "/clip.mp4", samples.video("mp4", seconds=5), "video/mp4")
    serve(origin, "/tone.wav", samples.tone_wav(seconds=2.0), "audio/wav")
    serve(
        origin,
        "/report.pdf",
        samples.painted_pdf(PAGE_COLOURS, words=REPORT_WORDS),
        "application/pdf",
    )
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    serve(origin, "/plan.docx", samples.office("docx", title="Plan B", author="Ada", count=9), docx)
    yield origin
    await origin.stop()


PICTURES = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { title image { original { url width height } } }
    ... on VideoPreview { video { width height snapshots { thumbnail { url width } } } }
    ... on AudioPreview { audio { waveform } }
    ... on DocumentPreview {
      document {
        title author pageCount estimatedReadingTimeInMinutes rawTextUrl
        pages { medium { url width height } }
      }
    }
    ... on PreviewError { code message }
  }
}
"""


async def test_file_pictures_end_to_end(files_origin: HostileOrigin, tmp_path: Path) -> None:
    env = {"LINKGRAPH_DATA_DIR": str(tmp_path), "LINKGRAPH_ALLOW_NETWORKS": str(ALLOWED_NET)}
    paths = ["/clip.mp4", "/tone.wav", "/report.pdf", "/plan.docx"]
    async with app_process(env, tmp_path / "server.log") as app:
        response = await app.client.post(
            "/graphql",
            json={"query": PICTURES, "variables": {"urls": [files_origin.url(p) for p in paths]}},
        )
        video, audio, document, docx = response.json()["data"]["previews"]

        assert video["__typename"] == "VideoPreview", video
        poster = video["image"]["original"]
        assert (poster["width"], poster["height"]) == (320, 240)
        assert len(video["video"]["snapshots"]) == stills.MAX_SNAPSHOTS
        served = await app.client.get(poster["url"])
        assert served.status_code == 200
        assert near(colour(served.content), samples.SECOND_COLOURS[0])

        assert audio["__typename"] == "AudioPreview", audio
        waveform = audio["audio"]["waveform"]
        assert len(waveform) == stills.WAVEFORM_PEAKS
        assert waveform[-1] > waveform[0]

        assert document["__typename"] == "DocumentPreview", document
        assert document["document"]["pageCount"] == len(PAGE_COLOURS)
        pages = document["document"]["pages"]
        assert len(pages) == pdf_pages.MAX_PAGES
        cover = await app.client.get(document["image"]["original"]["url"])
        assert cover.status_code == 200
        assert near(colour(cover.content), (255, 0, 0))
        second = await app.client.get(pages[1]["medium"]["url"])
        assert near(colour(second.content), (0, 204, 0))
        text = await app.client.get(document["document"]["rawTextUrl"])
        assert text.status_code == 200
        assert text.headers["content-type"].startswith("text/plain")
        assert text.text.count(REPORT_WORDS) == len(PAGE_COLOURS)
        assert document["document"]["estimatedReadingTimeInMinutes"] == 1

        assert docx["__typename"] == "DocumentPreview", docx
        assert docx["title"] == "Plan B"
        assert (docx["document"]["author"], docx["document"]["pageCount"]) == ("Ada", 9)
        assert docx["image"] is None
        assert docx["document"]["pages"] == []
        assert docx["document"]["rawTextUrl"] is None
    assert "data:image" not in (tmp_path / "server.log").read_text()
