"""Office documents (Word, Excel and PowerPoint's OOXML, OpenDocument) read from their own
metadata: title, author, dates, language, and the page, sheet or slide count.

Both formats are zip archives with a small XML part of metadata, so the standard library
reads them: nothing is rendered, no macro or embedded object is ever opened, and only the
named metadata parts are decompressed, each within MAX_PART_BYTES whatever the archive
declares (a zip bomb costs what it is allowed to, not what it expands to). A part holding a
DOCTYPE is refused unread: neither format uses one, and entities are the XML bomb.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final
from xml.etree import ElementTree

from model.record import DocumentFile

MAX_PART_BYTES: Final = 1024 * 1024
MAX_ENTRIES: Final = 10_000
_MAX_TEXT: Final = 1000

_NS: Final = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "sheet": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
}
OOXML_FORMATS: Final = ("docx", "xlsx", "pptx")
ODF_FORMATS: Final = ("odt", "ods", "odp")


def read_office(fmt: str, data: bytes) -> DocumentFile:
    """The record of an OOXML or OpenDocument file; `DocumentFile(format=fmt)` when the
    archive or its metadata cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > MAX_ENTRIES:
                return DocumentFile(format=fmt)
            part = _part_reader(archive)
            if fmt in OOXML_FORMATS:
                return _ooxml(fmt, part)
            if fmt in ODF_FORMATS:
                return _odf(fmt, part)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        pass  # damaged, encrypted or an unknown compression: the type alone
    return DocumentFile(format=fmt)


def _part_reader(archive: zipfile.ZipFile) -> Callable[[str], ElementTree.Element | None]:
    names = set(archive.namelist())

    def part(name: str) -> ElementTree.Element | None:
        if name not in names:
            return None
        with archive.open(name) as stream:
            raw = stream.read(MAX_PART_BYTES + 1)
        if len(raw) > MAX_PART_BYTES or b"<!DOCTYPE" in raw.upper():
            return None
        try:
            return ElementTree.fromstring(raw)
        except ElementTree.ParseError:
            return None

    return part


def _ooxml(fmt: str, part: Callable[[str], ElementTree.Element | None]) -> DocumentFile:
    core = part("docProps/core.xml")
    app = part("docProps/app.xml")
    pages = slides = sheets = None
    if fmt == "docx":
        pages = _count(_text(app, "ep:Pages"))
    elif fmt == "pptx":
        slides = _count(_text(app, "ep:Slides"))
    else:
        workbook = part("xl/workbook.xml")
        if workbook is not None:
            sheets = len(workbook.findall("sheet:sheets/sheet:sheet", _NS)) or None
    return DocumentFile(
        format=fmt,
        title=_text(core, "dc:title"),
        description=_text(core, "dc:description") or _text(core, "dc:subject"),
        author=_text(core, "dc:creator"),
        page_count=pages,
        slide_count=slides,
        sheet_count=sheets,
        last_modified=_date(_text(core, "dcterms:modified")),
        language=_text(core, "dc:language"),
    )


def _odf(fmt: str, part: Callable[[str], ElementTree.Element | None]) -> DocumentFile:
    meta = part("meta.xml")
    block = meta.find("office:meta", _NS) if meta is not None else None
    stats = block.find("meta:document-statistic", _NS) if block is not None else None

    def statistic(name: str) -> int | None:
        if stats is None:
            return None
        return _count(stats.get(f"{{{_NS['meta']}}}{name}"))

    return DocumentFile(
        format=fmt,
        title=_text(block, "dc:title"),
        description=_text(block, "dc:description") or _text(block, "dc:subject"),
        author=_text(block, "meta:initial-creator") or _text(block, "dc:creator"),
        page_count=statistic("page-count") if fmt == "odt" else None,
        slide_count=statistic("page-count") if fmt == "odp" else None,
        sheet_count=statistic("table-count") if fmt == "ods" else None,
        last_modified=_date(_text(block, "dc:date")),
        language=_text(block, "dc:language"),
    )


def _text(element: ElementTree.Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path, _NS)
    if found is None or not found.text:
        return None
    text = " ".join(found.text.split())[:_MAX_TEXT]
    return text or None


def _count(value: str | None) -> int | None:
    if value and value.strip().isdigit() and 0 < int(value) < 10**7:
        return int(value)
    return None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
