"""What a file's Content-Type and URL say about it before its bytes do: its format name, its
name, its whole size."""

from __future__ import annotations

import posixpath
from typing import Final
from urllib.parse import unquote, urlsplit

# Office documents and the like are kinds by their type alone; only PDF is read.
DOCUMENT_FORMATS: Final = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
    "application/epub+zip": "epub",
}
TEXT_TYPES: Final = ("text/plain",)
SVG_TYPE: Final = "image/svg+xml"
MAX_NAME_CHARS: Final = 300


def subtype_name(media_type: str) -> str | None:
    """A short format name from the subtype: `video/x-matroska` → `matroska`,
    `audio/mpeg` → `mpeg`, `image/svg+xml` → `svg`."""
    subtype = media_type.partition("/")[2].partition("+")[0]
    subtype = subtype.removeprefix("x-").removeprefix("vnd.")
    return subtype or None


def file_name(url: str) -> str | None:
    """The last path segment, percent-decoded: what a browser would save the file as."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    name = unquote(posixpath.basename(path.rstrip("/") if path != "/" else "")).strip()
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        return None
    return name


def declared_size(content_length: str | None) -> int | None:
    """The whole file's size, as its Content-Length declares it (a file of which only the
    head is read still declares all of it)."""
    if content_length and content_length.strip().isdigit():
        return int(content_length.strip())
    return None
