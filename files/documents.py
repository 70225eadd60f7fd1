"""A direct link to a document: PDF metadata through pypdf, other formats by type alone.

A PDF keeps its cross-reference table at the end, so only a whole file is read; a file cut at
the byte cap keeps what its type says. pypdf only parses (it runs no JavaScript and renders
nothing), but a hostile file can still be slow or deeply nested: every error becomes fewer
fields, and the caller runs this in a worker thread under a deadline.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from pypdf import PdfReader

from files.formats import DOCUMENT_FORMATS
from model.record import DocumentFile

logger = logging.getLogger(__name__)

_MAX_TEXT: Final = 1000
# The text served as `rawTextUrl`: what the first pages say, within a bound of its own.
MAX_TEXT_PAGES: Final = 20
MAX_DOCUMENT_TEXT: Final = 1_000_000
_MAX_LANG: Final = 35
# D:YYYYMMDDHHmmSS with optional parts and an optional zone: D:20240102030405+01'00'
_PDF_DATE: Final = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?"
)


def document_format(media_type: str) -> str | None:
    return DOCUMENT_FORMATS.get(media_type)


def read_document(media_type: str, body: bytes, *, truncated: bool) -> DocumentFile:
    """The record for a document body; only whole PDFs are parsed."""
    fmt = document_format(media_type)
    if fmt != "pdf" or truncated or not body.lstrip()[:5].startswith(b"%PDF-"):
        return DocumentFile(format=fmt)
    try:
        return _read_pdf(body)
    except Exception:  # pypdf raises PdfReadError, RecursionError, KeyError, ... on bad files
        logger.info("could not read a PDF", exc_info=True)
        return DocumentFile(format=fmt)


def _read_pdf(body: bytes) -> DocumentFile:
    reader = PdfReader(io.BytesIO(body), strict=False)
    encrypted = reader.is_encrypted
    if encrypted:
        try:
            # Many PDFs are encrypted only against editing: the empty user password opens them.
            reader.decrypt("")
        except Exception:
            return DocumentFile(format="pdf", is_encrypted=True)
    info = _guarded(lambda: reader.metadata)
    page_count = _guarded(lambda: len(reader.pages))
    root: Any = _guarded(lambda: reader.trailer["/Root"])
    language = _guarded(lambda: root.get("/Lang"))
    return DocumentFile(
        format="pdf",
        title=_text(_guarded(lambda: info.get("/Title")) if info else None),
        description=_text(_guarded(lambda: info.get("/Subject")) if info else None),
        author=_text(_guarded(lambda: info.get("/Author")) if info else None),
        page_count=page_count if isinstance(page_count, int) and page_count > 0 else None,
        is_encrypted=encrypted,
        last_modified=_pdf_date(_guarded(lambda: info.get("/ModDate")) if info else None),
        language=_language(language),
    )


def _guarded(read: Any) -> Any:
    """One field's read; a broken object costs that field only."""
    try:
        return read()
    except Exception:
        return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:_MAX_TEXT]
    return text or None


def _language(value: object) -> str | None:
    text = _text(value)
    return text if text and len(text) <= _MAX_LANG else None


def _pdf_date(value: object) -> datetime | None:
    """A PDF date string (ISO 32000 7.9.4) as an aware datetime, or None."""
    text = _text(value)
    match = _PDF_DATE.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second, zone, zone_h, zone_m = match.groups()
    try:
        stamp = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone in ("+", "-") and zone_h:
        offset = timedelta(hours=int(zone_h), minutes=int(zone_m or 0))
        stamp = stamp - offset if zone == "+" else stamp + offset
    return stamp


def pdf_text(body: bytes) -> str | None:
    """The text of a PDF's first MAX_TEXT_PAGES pages, as pypdf lays it out; None for a
    file with none (a scan) or that cannot be read. Runs in the readers' thread under the
    fetch deadline, like the metadata."""
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_TEXT_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_DOCUMENT_TEXT:
                break
    except Exception:  # pypdf raises many kinds of errors on bad files
        logger.info("could not read a PDF's text", exc_info=True)
        return None
    text = "\n\n".join(part.strip() for part in parts if part.strip())[:MAX_DOCUMENT_TEXT]
    return text or None
