"""Bytes to text: which character encoding a fetched HTML page is really in.

Servers and pages lie about their charset often enough that trusting one declaration gives
mojibake on real pages (Synapse's and Mastodon's charset tests are made of such pages). The
chain below takes each piece of evidence in order of trust and accepts a declaration only when
the bytes actually decode under it:

1. a byte-order mark (the HTML standard lets it override everything, even the header);
2. a UTF-16/UTF-32 charset in the HTTP header (the only non-ASCII-compatible ones we accept);
3. the bytes are valid UTF-8: then they are UTF-8. ASCII reads the same under every
   ASCII-compatible label, and legacy-encoded text that contains non-ASCII bytes is
   practically never valid UTF-8 by accident, so this overrides mislabelled pages (a
   `windows-1251` or `Shift_JIS` meta on a page stored as UTF-8) without hurting honest ones;
4. the HTTP header charset, if the bytes decode under it (a Shift_JIS header on Shift_JIS
   bytes wins over a lying UTF-8 `<meta>`);
5. a `<meta charset>` / `http-equiv` declaration (or an XML declaration) near the top, again
   only if the bytes decode under it;
6. the bytes are *mostly* UTF-8 (a few stray Latin-1 bytes in a UTF-8 page): UTF-8 with
   U+FFFD for the stray bytes, as a browser reading a UTF-8 label would show;
7. charset-normalizer's detection, keeping only a guess that preserves the markup (a decoder
   that swallows `<` into a multi-byte character is wrong about an HTML page);
8. windows-1252, the HTML standard's fallback for unlabelled pages (it decodes every byte).

Labels are read as the WHATWG Encoding Standard defines them (`utf8`, `x-sjis`, `latin1`…),
with its superset decoders; see extraction/encoding_labels.py. Unknown labels are ignored, as
browsers ignore them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final

import charset_normalizer

from extraction.encoding_labels import LABELS

# How far into the document a `<meta>` charset declaration is looked for. The HTML standard's
# prescan stops at 1024 bytes, but browsers also honour a later `<meta>` while parsing, and
# many pages put scripts or long comments first.
PRESCAN_BYTES: Final = 16 * 1024
# How much of the document charset detection reads; detection is slow and a prefix is enough.
DETECTION_BYTES: Final = 256 * 1024

_WIDE: Final = frozenset({"utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le"})
# The HTTP header may name UTF-32, which the WHATWG list leaves out; a BOM handles the rest.
_HEADER_ONLY_LABELS: Final = {
    "utf-32": "utf-32-le",
    "utf-32le": "utf-32-le",
    "utf-32be": "utf-32-be",
}
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_META = re.compile(rb"<meta[\t\n\f\r /][^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    rb"""([^\t\n\f\r />=]+)[\t\n\f\r ]*=[\t\n\f\r ]*("[^"]*"|'[^']*'|[^\t\n\f\r >]+)"""
)
_CHARSET_IN_CONTENT = re.compile(
    rb"""charset[\t\n\f\r ]*=[\t\n\f\r ]*["']?([^"'\t\n\f\r ;]+)""", re.I
)
_XML_DECLARATION = re.compile(
    rb"""[\t\n\f\r ]*<\?xml[^>]*?encoding[\t\n\f\r ]*=[\t\n\f\r ]*["']([^"']+)["']"""
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The page as text, the Python codec that produced it, and which evidence chose it."""

    text: str
    encoding: str
    source: str  # "bom", "http", "utf-8", "meta", "mostly-utf-8", "detected" or "fallback"


def codec_for_label(label: str | None) -> str | None:
    """The Python codec for a WHATWG encoding label, or None if browsers would ignore it."""
    if not label:
        return None
    return LABELS.get(label.strip().strip("\"'").strip().lower())


def decode_html(body: bytes, http_charset: str | None = None) -> DecodedText:
    """Decode an HTML body by the evidence chain in the module docstring; never raises."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return DecodedText(body[len(bom) :].decode(codec, "replace"), codec, "bom")
    header_codec = _header_codec(http_charset)
    if header_codec in _WIDE:
        text = _strict(body, header_codec)
        if text is not None:
            return DecodedText(text, header_codec, "http")
    text = _strict(body, "utf-8")
    if text is not None:
        return DecodedText(text, "utf-8", "utf-8")
    if header_codec is not None and header_codec not in _WIDE:
        text = _strict(body, header_codec)
        if text is not None:
            return DecodedText(text, header_codec, "http")
    declared = declared_codec(body)
    if declared is not None:
        text = _strict(body, declared)
        if text is not None:
            return DecodedText(text, declared, "meta")
    if _mostly_utf8(body):
        return DecodedText(body.decode("utf-8", "replace"), "utf-8", "mostly-utf-8")
    detected = _detect(body)
    if detected is not None:
        return DecodedText(body.decode(detected, "replace"), detected, "detected")
    return DecodedText(_decode_windows_1252(body), "cp1252", "fallback")


def declared_codec(body: bytes) -> str | None:
    """The codec a `<meta>` (or an XML declaration) near the top of the page declares.

    A UTF-16 label in a `<meta>` means UTF-8, as the HTML standard says: a page that could
    declare its encoding in ASCII is not UTF-16.
    """
    head = _COMMENT.sub(b"", body[:PRESCAN_BYTES])
    for tag in _META.finditer(head):
        attributes = {
            name.lower(): value.strip(b"\"'") for name, value in _ATTRIBUTE.findall(tag.group(0))
        }
        label = attributes.get(b"charset")
        if label is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET_IN_CONTENT.search(attributes.get(b"content", b""))
            label = found.group(1) if found else None
        codec = codec_for_label(label.decode("latin-1")) if label else None
        if codec is not None:
            return "utf-8" if codec in _WIDE else codec
    xml = _XML_DECLARATION.match(head)
    if xml:
        codec = codec_for_label(xml.group(1).decode("latin-1"))
        if codec is not None:
            return "utf-8" if codec in _WIDE else codec
    return None


def _header_codec(http_charset: str | None) -> str | None:
    if not http_charset:
        return None
    label = http_charset.strip().strip("\"'").strip().lower()
    return LABELS.get(label) or _HEADER_ONLY_LABELS.get(label)


def _strict(body: bytes, codec: str) -> str | None:
    if codec == "cp1252":
        return _decode_windows_1252(body)
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _c1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    """windows-1252 as WHATWG defines it: the five bytes Python leaves undefined are C1."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    undefined = error.object[error.start : error.end]
    return "".join(chr(byte) for byte in undefined), error.end


codecs.register_error("linkgraph-windows-1252", _c1_for_undefined)


def _decode_windows_1252(body: bytes) -> str:
    return body.decode("cp1252", "linkgraph-windows-1252")


def _mostly_utf8(body: bytes) -> bool:
    """Whether valid multi-byte UTF-8 characters outnumber invalid bytes at least 2 to 1.

    Legacy encodings almost never form valid UTF-8 sequences, so a page where they dominate
    is a UTF-8 page with a few stray bytes (a pasted Latin-1 string, a truncated character).
    """
    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return invalid > 0 and non_ascii - invalid >= 2 * invalid


def _detect(body: bytes) -> str | None:
    """charset-normalizer's best guess that keeps the markup intact, preferring windows-1252
    among equally good guesses (the web's most common legacy encoding)."""
    sample = body[:DETECTION_BYTES]
    try:
        results = list(charset_normalizer.from_bytes(sample))
    except Exception:  # a detector failure must not lose the page
        return None
    if not results:
        return None
    best = (results[0].chaos, results[0].coherence)
    ranked = sorted(
        results,
        key=lambda r: (
            (r.chaos, r.coherence) != best,
            r.encoding != "cp1252",
        ),
    )
    brackets = sample.count(b"<")
    for result in ranked:
        codec = result.encoding
        if codec in _WIDE or codec.startswith(("utf_16", "utf_32")):
            continue
        try:
            decoded = sample.decode(codec, "replace")
        except LookupError:
            continue
        if decoded.count("<") == brackets:
            return codec
    return None
