"""A direct link to plain text: its encoding, size in lines and words, and reading time."""

from __future__ import annotations

import codecs
from typing import Final

from charset_normalizer import from_bytes

from extraction.text import reading_minutes
from model.record import TextFile

# Plain text (notes, logs, code) is read slower than an article's prose.
WORDS_PER_MINUTE: Final = 200
MAX_TITLE_CHARS: Final = 200
# Detection looks at a sample; the whole (bounded) body is then decoded with its answer.
_DETECT_BYTES: Final = 64 * 1024


def read_text(body: bytes, *, charset: str | None) -> tuple[TextFile, str | None]:
    """The record and the title (the first non-blank line) of a text body."""
    text, encoding = _decode(body, charset)
    words = len(text.split())
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    record = TextFile(
        encoding=encoding,
        lines_count=lines,
        words_count=words,
        estimated_reading_time_in_minutes=reading_minutes(words, WORDS_PER_MINUTE),
    )
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return record, title[:MAX_TITLE_CHARS] if title else None


def _decode(body: bytes, charset: str | None) -> tuple[str, str | None]:
    """Declared charset if Python knows it, then a BOM or valid UTF-8, then detection."""
    if charset:
        try:
            name = codecs.lookup(charset).name
            return body.decode(name, errors="replace"), name
        except LookupError:
            pass
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(body) - 3:  # a character cut by the byte cap
            return body.decode("utf-8", errors="ignore"), "utf-8"
    best = from_bytes(body[:_DETECT_BYTES]).best()
    if best is None:
        return body.decode("latin-1"), None
    name = codecs.lookup(best.encoding).name
    return body.decode(name, errors="replace"), name
