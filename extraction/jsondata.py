"""Reading JSON that pages embed, which is often not quite JSON.

Embedded JSON arrives wrapped in `<![CDATA[ … ]]>` or `<!-- … -->`, with raw newlines inside
strings, or with a trailing `;`. We try the fast strict parser (msgspec) first and fall back
to the standard library's lenient mode after unwrapping. Nothing here raises: a page's broken
JSON is the page's problem, not the preview's. Both parsers refuse nesting deeper than
Python's recursion limit with a RecursionError, which is caught like any other failure.

Some platforms keep their state in inline JavaScript instead (YouTube's
`var ytInitialData = {...};`). `inline_state` recognises the few assignments we know by name
at the very start of a script and hands back the object text; a JSON value followed by more
script (`{...};window.x = 1`) still reads, because the lenient path decodes the longest JSON
prefix and accepts it when what follows starts a new statement.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import msgspec

# TikTok's rehydration JSON is ~250 KB; anything past this is not page metadata.
MAX_JSON_CHARS: Final = 2 * 1024 * 1024

_PREFIXES: Final = ("/*<![CDATA[*/", "//<![CDATA[", "<![CDATA[", "<!--")
_SUFFIXES: Final = ("/*]]>*/", "//]]>", "]]>", "-->", ";")

# Inline scripts whose first statement assigns page state to one of these names are kept
# (extraction/flatten.py) and exposed under the name in `ParsedPage.json_scripts`.
INLINE_STATE_NAMES: Final = ("ytInitialData", "ytInitialPlayerResponse")

_decoder: Final = msgspec.json.Decoder()
_raw_object: Final = msgspec.json.Decoder(dict[str, msgspec.Raw])
_raw_array: Final = msgspec.json.Decoder(list[msgspec.Raw])
_FAILURES: Final = (
    msgspec.DecodeError,
    msgspec.ValidationError,
    RecursionError,
    UnicodeEncodeError,
)
_lenient: Final = json.JSONDecoder(strict=False)
# `var ytInitialData = `, `window["ytInitialData"] = `, `window.ytInitialData = `; bounded so
# that matching at the start of a huge script reads a few dozen characters at most.
_ASSIGNMENT: Final = re.compile(
    r"[\t\n\f\r ]{0,64}(?:var[\t\n\f\r ]{1,8}|window\.|window\[[\"'])"
    rf"(?P<name>{'|'.join(INLINE_STATE_NAMES)})[\"']?\]?[\t\n\f\r ]{{0,8}}=[\t\n\f\r ]{{0,8}}"
)


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
        value, end = _lenient.raw_decode(body)
    except (ValueError, RecursionError):
        return None
    rest = body[end:].lstrip()
    return value if not rest or rest.startswith(";") else None


def inline_state(script: str) -> tuple[str, str] | None:
    """(name, object text) when the script starts by assigning one of INLINE_STATE_NAMES.

    The text runs to the end of the script, less a final `;`; `loads_lenient` reads the
    object off its front, so no brace matching is needed here (a linear pass either way).
    """
    match = _ASSIGNMENT.match(script)
    if match is None:
        return None
    body = script[match.end() :].rstrip()
    if body.endswith(";"):
        body = body[:-1].rstrip()
    return (match.group("name"), body) if body.startswith("{") else None


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


class JsonPath:
    """Reads the value at one path of a large JSON document in a single pass.

    Platform state runs to half a megabyte (YouTube's ytInitialData) of which a rule reads a
    few fields. Decoding all of it builds hundreds of thousands of Python objects, 5-25 ms a
    page plus the garbage collector's time after; a msgspec type that declares only the keys
    on the path skips everything else in C (about 1 ms). A "[]" step goes into every member of
    a list, so the result is then a list of what each member holds at the rest of the path
    (members without it are left out). A value of the wrong type anywhere on the path reads
    as None, as does a document that is not JSON even leniently.
    """

    def __init__(self, *steps: str) -> None:
        self._steps = steps
        shape: Any = Any
        for depth, step in enumerate(reversed(steps)):
            if step == "[]":
                shape = list[shape]
            else:
                name = f"Step{len(steps) - depth}"
                shape = msgspec.defstruct(
                    name, [(step, shape | None, None)], forbid_unknown_fields=False
                )
        self._decoder = msgspec.json.Decoder(shape)
        self._shape = shape

    def read(self, text: str | None) -> object:
        if not text or len(text) > MAX_JSON_CHARS:
            return None
        try:
            found: object = self._decoder.decode(text)
        except msgspec.ValidationError:
            return None
        except _FAILURES:
            lenient = loads_lenient(text)
            try:
                found = msgspec.convert(lenient, self._shape) if lenient is not None else None
            except _FAILURES:
                return None
        return _unwrap_path(found, self._steps)


def _unwrap_path(value: object, steps: tuple[str, ...]) -> object:
    for index, step in enumerate(steps):
        if value is None:
            return None
        if step == "[]":
            rest = steps[index + 1 :]
            members = value if isinstance(value, list) else []
            return [
                found for member in members if (found := _unwrap_path(member, rest)) is not None
            ]
        value = getattr(value, step, None)
    return value
