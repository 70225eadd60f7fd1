"""Small text clean-ups shared by the readers: entities, stray tags, whitespace, length."""

from __future__ import annotations

import html
import re
from typing import Final

_TAG: Final = re.compile(r"<[^<>]{0,200}>")
# Only short values get their tags stripped; a long value with "<" is left alone rather than
# scanned (descriptions are cut to a few hundred characters anyway).
_MAX_TAG_STRIPPED: Final = 20_000


# Words an adult reads in a minute, the usual figure for reading-time estimates.
WORDS_PER_MINUTE: Final = 230


def reading_minutes(words: int, per_minute: int = WORDS_PER_MINUTE) -> int | None:
    """Minutes to read `words` words, rounded up (None for no words): one rule for an
    article, a PDF's text and a text file."""
    return -(-words // per_minute) if words > 0 else None


def collapse_whitespace(value: str) -> str:
    """Runs of whitespace (Unicode's, so NBSP too) as single spaces, ends trimmed."""
    return " ".join(value.split())


def truncate(value: str, limit: int) -> str:
    """`value` cut to at most `limit` characters, at a word boundary when one is near."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def clean_text(value: str | None, limit: int) -> str | None:
    """Display text from a metadata value: entities decoded (values are often escaped twice),
    markup dropped, whitespace collapsed, cut to `limit`; None when nothing is left."""
    if not value:
        return None
    if "&" in value:
        value = html.unescape(value)
    if "<" in value and len(value) <= _MAX_TAG_STRIPPED:
        value = _TAG.sub(" ", value)
    value = collapse_whitespace(value)
    return truncate(value, limit) if value else None
