"""Reading JSON that pages embed, which is often not quite JSON.

Embedded JSON arrives wrapped in `<![CDATA[ … ]]>` or `<!-- … -->`, with raw newlines inside
strings, or with a trailing `;`. We try the fast strict parser (msgspec) first and fall back
to the standard library's lenient mode after unwrapping. Nothing here raises: a page's broken
JSON is the page's problem, not the preview's. Both parsers refuse nesting deeper than
Python's recursion limit with a RecursionError, which is caught like any other failure.
"""

from __future__ import annotations

import json
from typing import Final

import msgspec

# TikTok's rehydration JSON is ~250 KB; anything past this is not page metadata.
MAX_JSON_CHARS: Final = 2 * 1024 * 1024

_PREFIXES: Final = ("/*<![CDATA[*/", "//<![CDATA[", "<![CDATA[", "<!--")
_SUFFIXES: Final = ("/*]]>*/", "//]]>", "]]>", "-->", ";")

_decoder: Final = msgspec.json.Decoder()


def loads_lenient(text: str) -> object | None:
    """The JSON value in `text`, or None if it is too large or not JSON even when unwrapped."""
    if not text or len(text) > MAX_JSON_CHARS:
        return None
    try:
        value: object = _decoder.decode(text)
        return value
    except (msgspec.DecodeError, RecursionError, UnicodeEncodeError):
        pass
    body = _unwrap(text)
    try:
        value = json.loads(body, strict=False)
    except (ValueError, RecursionError):
        return None
    return value


def _unwrap(text: str) -> str:
    """`text` without the comment and CDATA markers pages wrap script contents in."""
    body = text.strip()
    for prefix in _PREFIXES:
        if body.startswith(prefix):
            body = body[len(prefix) :].lstrip()
    for suffix in _SUFFIXES:
        if body.endswith(suffix):
            body = body[: -len(suffix)].rstrip()
    return body
