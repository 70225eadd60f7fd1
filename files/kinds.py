"""The file kinds a direct link may be, as one table: which media types each accepts, within
which byte cap and how far its body is read, the reader that makes its record, and the
record left when only the headers could be read.

The table lets a direct link be fetched once: the first request accepts pages and every
kind here, and the answer's Content-Type picks the row, hence the cap the body is read
within (previews/direct.py turns the rows into the fetcher's per-type limits). How far a
kind is read follows from where its facts are: an image is decoded whole; a PDF's index is
at its end, so it is read whole up to its cap; a video's or audio file's container headers
are at the start, so only that head is read, whatever length the file declares.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from msgspec.structs import replace

from extraction.text import reading_minutes
from files.audio import read_audio
from files.documents import pdf_text, read_document
from files.formats import DOCUMENT_FORMATS, SVG_TYPE, TEXT_TYPES, subtype_name
from files.images import read_image, svg_image
from files.isolated import Isolation, run_isolated
from files.office import ODF_FORMATS, OOXML_FORMATS, read_office
from files.pdf_pages import render_pages
from files.stills import audio_peaks, video_stills
from files.text import read_text
from files.video import read_video
from media.datauri import encode_data_uri
from media.limits import ImageLimits
from model.record import (
    AudioFile,
    Details,
    DocumentFile,
    ImageFile,
    ImageRef,
    LinkType,
    TextFile,
    VideoFile,
)


class Cap(enum.Enum):
    """Which configured byte cap a kind is read within (the backend holds the numbers)."""

    PAGE = enum.auto()  # text is read like a page
    IMAGE = enum.auto()  # the media store's cap, since a direct image is stored as read
    PROBE = enum.auto()  # enough for a container's header
    DOCUMENT = enum.auto()


class Extent(enum.Enum):
    """How far a body is read."""

    WHOLE = enum.auto()  # all of it; a file over the cap keeps only what its headers say
    CUT = enum.auto()  # up to the cap, the rest dropped; a declared length over it as WHOLE
    HEAD = enum.auto()  # the first cap's worth, whatever length the file declares


@dataclass(frozen=True, slots=True)
class FileBody:
    """One fetched file, as a reader sees it."""

    media_type: str
    data: bytes
    charset: str | None
    url: str  # where the bytes came from (after redirects)
    size: int | None  # the whole file's, when the headers or a complete read tell
    partial: bool  # `data` is only part of the file
    image_limits: ImageLimits
    # The bounds of decoding frames, peaks and pages; None: pictures are not made.
    isolation: Isolation | None = None


@dataclass(frozen=True, slots=True)
class FileRead:
    """What reading one file gave: its record, its own title and the image to keep."""

    details: Details
    title: str | None = None
    image: ImageRef | None = None
    # The document's text, which the backend stores and links as `rawTextUrl`.
    text: str | None = None


@dataclass(frozen=True, slots=True)
class FileKind:
    link_type: LinkType
    media_types: tuple[str, ...]  # exact types, or families such as "video/*"
    cap: Cap
    extent: Extent
    read: Callable[[FileBody], FileRead]
    empty: Callable[[str], Details]  # from the media type alone


def _image(body: FileBody) -> FileRead:
    fallback = subtype_name(body.media_type)
    record = read_image(body.data, body.image_limits, fallback_format=fallback)
    return FileRead(record, image=ImageRef(source_url=body.url))


def _video(body: FileBody) -> FileRead:
    video = read_video(body.media_type, body.data, size=body.size)
    stills = run_isolated(video_stills, body.data, body.isolation) if body.isolation else None
    if stills is None or stills.poster is None:
        return FileRead(video, video.title)
    snapshots = tuple(_embedded(still, "image/jpeg") for still in stills.snapshots)
    video = replace(video, snapshots=snapshots)
    return FileRead(video, video.title, _embedded(stills.poster, "image/jpeg"))


def _audio(body: FileBody) -> FileRead:
    audio = read_audio(body.media_type, body.data, truncated=body.partial, size=body.size)
    if body.isolation:
        audio = replace(audio, waveform=run_isolated(audio_peaks, body.data, body.isolation))
    return FileRead(audio, audio.title, audio.album_artwork)


def _document(body: FileBody) -> FileRead:
    fmt = DOCUMENT_FORMATS.get(body.media_type)
    if fmt in OOXML_FORMATS or fmt in ODF_FORMATS:
        office = read_office(fmt, body.data) if not body.partial else DocumentFile(format=fmt)
        return FileRead(office, office.title)
    document = read_document(body.media_type, body.data, truncated=body.partial)
    text = pdf_text(body.data) if document.page_count else None
    if text:
        minutes = reading_minutes(len(text.split()))
        document = replace(document, estimated_reading_time_in_minutes=minutes)
    cover: ImageRef | None = None
    if document.page_count and body.isolation:
        rendered = run_isolated(render_pages, body.data, body.isolation) or ()
        pages = tuple(_embedded(page, "image/png") for page in rendered)
        if pages:
            document, cover = replace(document, pages=pages), pages[0]
    return FileRead(document, document.title, cover, text)


def _embedded(data: bytes, media_type: str) -> ImageRef:
    """A picture made here, as an image the media store keeps like any other: its bytes ride
    in a `data:` URL, which the store replaces with its own copy's URL (previews/direct.py)."""
    return ImageRef(source_url=encode_data_uri(data, media_type))


def _text(body: FileBody) -> FileRead:
    text, title = read_text(body.data, charset=body.charset)
    return FileRead(text, title)


FILE_KINDS: tuple[FileKind, ...] = (
    # SVG is never rasterised: its record is its format, whatever its markup says.
    FileKind(
        LinkType.IMAGE,
        (SVG_TYPE,),
        Cap.PROBE,
        Extent.CUT,
        lambda _: FileRead(svg_image()),
        lambda _: svg_image(),
    ),
    FileKind(
        LinkType.IMAGE,
        ("image/*",),
        Cap.IMAGE,
        Extent.WHOLE,
        _image,
        lambda media_type: ImageFile(format=subtype_name(media_type)),
    ),
    FileKind(
        LinkType.VIDEO,
        ("video/*",),
        Cap.PROBE,
        Extent.HEAD,
        _video,
        lambda media_type: VideoFile(format=subtype_name(media_type)),
    ),
    FileKind(
        LinkType.AUDIO,
        ("audio/*",),
        Cap.PROBE,
        Extent.HEAD,
        _audio,
        lambda media_type: AudioFile(format=subtype_name(media_type)),
    ),
    FileKind(
        LinkType.DOCUMENT,
        tuple(DOCUMENT_FORMATS),
        Cap.DOCUMENT,
        Extent.CUT,
        _document,
        lambda media_type: DocumentFile(format=subtype_name(media_type)),
    ),
    FileKind(LinkType.TEXT, TEXT_TYPES, Cap.PAGE, Extent.CUT, _text, lambda _: TextFile()),
)

_BY_TYPE: dict[str, FileKind] = {
    media_type: kind for kind in FILE_KINDS for media_type in kind.media_types
}


def kind_for(media_type: str) -> FileKind | None:
    """The row for `media_type` (an exact type before its family), or None for a type we do
    not preview (zip, octet-stream, anything a client could not show)."""
    return _BY_TYPE.get(media_type) or _BY_TYPE.get(media_type.partition("/")[0] + "/*")
