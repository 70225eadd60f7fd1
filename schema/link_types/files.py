"""Direct links to files: an image, video, audio, document or text file, read from headers and
the file's first bytes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.images import ResponsiveImage
from schema.link_types.registry import link_kind
from schema.scalars import Count


@link_kind(
    record.ImageFile,
    key="image_file",
    preview="A preview of a direct link to an image (type IMAGE); its renditions are `image`.",
    field="What the image file is: size, format, colours.",
)
@strawberry.type(description="A direct link to an image. Its renditions are the preview's `image`.")
class ImageFile:
    width: int | None = strawberry.field(description="Width of the image in pixels.")
    height: int | None = strawberry.field(description="Height of the image in pixels.")
    format: str | None = strawberry.field(
        description="The file format's short name, lower case: jpeg, png, webp, gif…"
    )
    has_alpha_channel: bool | None = strawberry.field(
        description="Whether the image has transparency."
    )
    animated: bool | None = strawberry.field(description="Whether the image has several frames.")
    frames: int | None = strawberry.field(description="Number of frames; 1 for a still image.")
    background_color: str | None = strawberry.field(
        description="#RRGGBB to draw behind the image when it has transparency; null otherwise."
    )
    dominant_color: str | None = strawberry.field(
        description="The image's most common colour as #RRGGBB."
    )
    vibrant_color: str | None = strawberry.field(
        description="The image's most vivid prominent colour as #RRGGBB."
    )
    muted_color: str | None = strawberry.field(
        description="The image's most subdued prominent colour as #RRGGBB."
    )


@link_kind(
    record.VideoFile,
    key="video",
    preview="A preview of a direct link to a video (type VIDEO).",
    field="What the video file is: length, size, codecs.",
)
@strawberry.type(
    description="A direct link to a video (GIFs count), read from headers and the container's "
    "first bytes, never the whole file."
)
class VideoFile:
    format: str | None = strawberry.field(
        description="The container format's short name, lower case: mp4, webm, gif…"
    )
    duration: float | None = strawberry.field(description="Length of the video in seconds.")
    width: int | None = strawberry.field(description="Width of the picture in pixels.")
    height: int | None = strawberry.field(description="Height of the picture in pixels.")
    bit_rate: int | None = strawberry.field(description="Overall bit rate in bits per second.")
    frame_rate: float | None = strawberry.field(description="Frames per second.")
    video_codec: str | None = strawberry.field(
        description="The video codec's short name: h264, vp9, av1…"
    )
    audio_codec: str | None = strawberry.field(
        description="The audio codec's short name: aac, opus…; null when there is no audio."
    )
    has_audio: bool | None = strawberry.field(description="Whether the video has a sound track.")
    author: str | None = strawberry.field(description="The author the file's metadata names.")
    title: str | None = strawberry.field(description="The title the file's metadata gives.")
    snapshots: list[ResponsiveImage] = strawberry.field(
        description="Up to four frames at least a second apart from the video's first seconds "
        "(the part the service reads), after the poster, which is the preview's `image`. "
        "Empty when the file's index sits at its end, so that no frame can be decoded from "
        "its head."
    )


@link_kind(
    record.AudioFile,
    key="audio",
    preview="A preview of a direct link to audio (type AUDIO).",
    field="What the audio file is: length, tags, codec.",
)
@strawberry.type(
    description="A direct link to audio, read from headers and the file's first bytes (ID3 "
    "tags and the like)."
)
class AudioFile:
    format: str | None = strawberry.field(
        description="The file format's short name, lower case: mp3, m4a, ogg, flac…"
    )
    duration: float | None = strawberry.field(description="Length of the audio in seconds.")
    title: str | None = strawberry.field(description="The track title the file's tags give.")
    artist: str | None = strawberry.field(description="The artist the file's tags name.")
    album: str | None = strawberry.field(description="The album the file's tags name.")
    creation_date: datetime | None = strawberry.field(
        description="When the recording was made, as the file's tags state."
    )
    bit_rate: int | None = strawberry.field(description="Bit rate in bits per second.")
    audio_codec: str | None = strawberry.field(
        description="The audio codec's short name: mp3, aac, opus, flac…"
    )
    sample_rate: int | None = strawberry.field(description="Samples per second, in hertz.")
    channels: int | None = strawberry.field(description="Number of audio channels; 2 for stereo.")
    album_artwork: ResponsiveImage | None = strawberry.field(
        description="The cover art embedded in the file or linked from it."
    )
    waveform: list[float] | None = strawberry.field(
        description="About 100 peaks between 0 and 1 (1 is full scale), in order, over the "
        "beginning of the file the service reads (its first 256 KiB): enough to draw a "
        "waveform. Null when no audio could be decoded."
    )


@link_kind(
    record.DocumentFile,
    key="document",
    preview="A preview of a direct link to a document (type DOCUMENT).",
    field="What the document is: title, author, pages.",
)
@strawberry.type(
    description="A direct link to a document: a PDF, or an Office (docx, xlsx, pptx) or "
    "OpenDocument (odt, ods, odp) file read from its own metadata."
)
class DocumentFile:
    format: str | None = strawberry.field(
        description="The document format's short name, lower case: pdf, docx, xlsx, pptx, odt…"
    )
    title: str | None = strawberry.field(description="The title the document's metadata gives.")
    description: str | None = strawberry.field(
        description="The subject or summary the document's metadata gives."
    )
    author: str | None = strawberry.field(description="The author the document's metadata names.")
    page_count: Count | None = strawberry.field(
        description="Number of pages (PDF, and word-processing files that record it)."
    )
    sheet_count: Count | None = strawberry.field(
        description="Number of sheets of a spreadsheet (xlsx, ods)."
    )
    slide_count: Count | None = strawberry.field(
        description="Number of slides of a presentation (pptx, odp)."
    )
    is_encrypted: bool | None = strawberry.field(
        description="Whether the document is encrypted (password-protected)."
    )
    last_modified: datetime | None = strawberry.field(
        description="When the document was last changed, as its metadata or the server states."
    )
    language: str | None = strawberry.field(
        description="The document's language as a BCP 47 tag (en, pt-BR)."
    )
    estimated_reading_time_in_minutes: int | None = strawberry.field(
        description="Minutes an adult would take to read the text, rounded up."
    )
    pages: list[ResponsiveImage] = strawberry.field(
        description="The first pages of a PDF as pictures, at most four, in order; the first "
        "is also the preview's `image` (the cover). Empty for other formats and for a PDF "
        "that cannot be opened."
    )
    raw_text_url: str | None = strawberry.field(
        description="A URL of this service serving the text of a PDF's first 20 pages as "
        "plain text (signed, permanent, cacheable), like a page's `page.rawTextUrl`; null "
        "for a PDF without text (a scan) and for other formats."
    )


@link_kind(
    record.TextFile,
    key="text",
    preview="A preview of a direct link to plain text (type TEXT).",
    field="What the text is: encoding and length.",
)
@strawberry.type(description="A direct link to plain text.")
class TextFile:
    encoding: str | None = strawberry.field(
        description="The text's character encoding, lower case: utf-8, iso-8859-1…"
    )
    lines_count: Count | None = strawberry.field(description="Number of lines of text.")
    words_count: Count | None = strawberry.field(description="Number of words of text.")
    estimated_reading_time_in_minutes: int | None = strawberry.field(
        description="Minutes an adult would take to read the text, rounded up."
    )
