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
mapped to Python codecs with the standard's supersets: `iso-8859-1`/`us-ascii` mean
windows-1252, `gb2312`/`gbk` mean GB18030, `Shift_JIS` means Windows-31J (cp932), `euc-kr`
means windows-949. Unknown labels are ignored, as browsers ignore them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final

import charset_normalizer

# How far into the document a `<meta>` charset declaration is looked for. The HTML standard's
# prescan stops at 1024 bytes, but browsers also honour a later `<meta>` while parsing, and
# many pages put scripts or long comments first.
PRESCAN_BYTES: Final = 16 * 1024
# How much of the document charset detection reads; detection is slow and a prefix is enough.
DETECTION_BYTES: Final = 256 * 1024

_WHATWG_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "utf-8": (
        "unicode-1-1-utf-8",
        "unicode11utf8",
        "unicode20utf8",
        "utf-8",
        "utf8",
        "x-unicode20utf8",
    ),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "iso8859-2": (
        "csisolatin2",
        "iso-8859-2",
        "iso-ir-101",
        "iso8859-2",
        "iso88592",
        "iso_8859-2",
        "iso_8859-2:1987",
        "l2",
        "latin2",
    ),
    "iso8859-3": (
        "csisolatin3",
        "iso-8859-3",
        "iso-ir-109",
        "iso8859-3",
        "iso88593",
        "iso_8859-3",
        "iso_8859-3:1988",
        "l3",
        "latin3",
    ),
    "iso8859-4": (
        "csisolatin4",
        "iso-8859-4",
        "iso-ir-110",
        "iso8859-4",
        "iso88594",
        "iso_8859-4",
        "iso_8859-4:1988",
        "l4",
        "latin4",
    ),
    "iso8859-5": (
        "csisolatincyrillic",
        "cyrillic",
        "iso-8859-5",
        "iso-ir-144",
        "iso8859-5",
        "iso88595",
        "iso_8859-5",
        "iso_8859-5:1988",
    ),
    "iso8859-6": (
        "arabic",
        "asmo-708",
        "csiso88596e",
        "csiso88596i",
        "csisolatinarabic",
        "ecma-114",
        "iso-8859-6",
        "iso-8859-6-e",
        "iso-8859-6-i",
        "iso-ir-127",
        "iso8859-6",
        "iso88596",
        "iso_8859-6",
        "iso_8859-6:1987",
    ),
    "iso8859-7": (
        "csisolatingreek",
        "ecma-118",
        "elot_928",
        "greek",
        "greek8",
        "iso-8859-7",
        "iso-ir-126",
        "iso8859-7",
        "iso88597",
        "iso_8859-7",
        "iso_8859-7:1987",
        "sun_eu_greek",
    ),
    "iso8859-8": (
        "csiso88598e",
        "csisolatinhebrew",
        "hebrew",
        "iso-8859-8",
        "iso-8859-8-e",
        "iso-ir-138",
        "iso8859-8",
        "iso88598",
        "iso_8859-8",
        "iso_8859-8:1988",
        "visual",
        "csiso88598i",
        "iso-8859-8-i",
        "logical",
    ),
    "iso8859-10": (
        "csisolatin6",
        "iso-8859-10",
        "iso-ir-157",
        "iso8859-10",
        "iso885910",
        "l6",
        "latin6",
    ),
    "iso8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "iso8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "iso8859-15": (
        "csisolatin9",
        "iso-8859-15",
        "iso8859-15",
        "iso885915",
        "iso_8859-15",
        "l9",
    ),
    "iso8859-16": ("iso-8859-16",),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1252": (
        "ansi_x3.4-1968",
        "ascii",
        "cp1252",
        "cp819",
        "csisolatin1",
        "ibm819",
        "iso-8859-1",
        "iso-ir-100",
        "iso8859-1",
        "iso88591",
        "iso_8859-1",
        "iso_8859-1:1987",
        "l1",
        "latin1",
        "us-ascii",
        "windows-1252",
        "x-cp1252",
    ),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": (
        "cp1254",
        "csisolatin5",
        "iso-8859-9",
        "iso-ir-148",
        "iso8859-9",
        "iso88599",
        "iso_8859-9",
        "iso_8859-9:1989",
        "l5",
        "latin5",
        "windows-1254",
        "x-cp1254",
    ),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "gb18030": (
        "chinese",
        "csgb2312",
        "csiso58gb231280",
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gbk",
        "iso-ir-58",
        "x-gbk",
        "gb18030",
    ),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp932": (
        "csshiftjis",
        "ms932",
        "ms_kanji",
        "shift-jis",
        "shift_jis",
        "sjis",
        "windows-31j",
        "x-sjis",
    ),
    "cp949": (
        "cseuckr",
        "csksc56011987",
        "euc-kr",
        "iso-ir-149",
        "korean",
        "ks_c_5601-1987",
        "ks_c_5601-1989",
        "ksc5601",
        "ksc_5601",
        "windows-949",
    ),
    "utf-16-be": ("unicodefffe", "utf-16be"),
    "utf-16-le": (
        "csunicode",
        "iso-10646-ucs-2",
        "ucs-2",
        "unicode",
        "unicodefeff",
        "utf-16",
        "utf-16le",
    ),
}
LABELS: Final[dict[str, str]] = {
    label: codec for codec, labels in _WHATWG_LABELS.items() for label in labels
}
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
