"""ParsedPage: the parts of an HTML document that metadata and site rules read.

`parse_page` turns fetched bytes into one: decode (extraction/charset.py), reduce the markup
to the elements we read (extraction/flatten.py, which is what keeps parsing linear on hostile
pages), parse that with Lexbor, and collect titles, `<meta>`s, `<link>`s, JSON-LD and JSON
data scripts in one pass over the few elements left. Every collection is capped (Synapse's
limits: a key of at most 50 characters, values cut at 1000, 50 values per key), and the
function never raises: a page that cannot be read is an empty page, not an error.

JSON data scripts are kept as raw text and parsed only by the site rule that wants them;
JSON-LD is parsed here because generic metadata reads it on every page. The few facts some
platforms state only in body markup (GitHub's counts) are read apart, on request
(extraction/marks.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

from extraction.charset import decode_html
from extraction.flatten import head_parts
from extraction.jsondata import MAX_JSON_CHARS, inline_state
from extraction.jsonld import first_text, read_json_ld, subjects
from extraction.marks import body_marks
from extraction.oembed import OEmbed
from extraction.summary import summarize_paragraphs
from extraction.text import collapse_whitespace
from extraction.urls import absolute_http_url

logger = logging.getLogger(__name__)

MAX_META_TAGS: Final = 500
MAX_VALUES_PER_KEY: Final = 50
MAX_KEY_CHARS: Final = 50
# Longer values are cut to this length; a URL that long is therefore not trusted whole.
META_VALUE_LIMIT: Final = 1000
MAX_TITLE_CHARS: Final = 1000
MAX_LINKS: Final = 300
MAX_JSON_SCRIPTS: Final = 50
MAX_LANG_CHARS: Final = 35
# Scripts kept by id whatever their type says, because platforms keep page state in them.
STATE_SCRIPT_IDS: Final = frozenset(
    {"__UNIVERSAL_DATA_FOR_REHYDRATION__", "SIGI_STATE", "__NEXT_DATA__"}
)
# `<link>` relations that are loading hints, not facts about the page; not collected (nor are
# `rel=alternate hreflang=…` links, the same page in other languages: TikTok lists 60).
_HINT_RELS: Final = frozenset(
    {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload"}
)
_DESCRIPTION_KEYS: Final = ("og:description", "twitter:description", "description")
# A byte that makes a body worth reading: anything but NULs and whitespace.
_CONTENT: Final = re.compile(rb"[^\x00\t\n\f\r ]")


@dataclass(frozen=True, slots=True)
class LinkTag:
    """A `<link>` element; `href` is already absolute against the page's base URL."""

    rel: tuple[str, ...]
    href: str
    type: str | None = None
    sizes: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedPage:
    url: str
    title: str | None = None
    # Lower-cased `property`/`name`/`itemprop` of each `<meta>` to its values, document order.
    meta: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    links: tuple[LinkTag, ...] = ()
    # Parsed JSON-LD objects, `@graph` members flattened in.
    json_ld: tuple[Any, ...] = ()
    # Raw text of `<script type="application/json">` elements by their id, and the object
    # text of inline state assignments (`var ytInitialData = {…}`) by variable name.
    json_scripts: Mapping[str, str] = field(default_factory=dict)
    lang: str | None = None
    # The `<base href>`, when the page has one; URLs in the page resolve against it.
    base_url: str | None = None
    # The first paragraphs of body text; only computed when the page declares no description.
    summary: str | None = None
    # The Python codec the body was decoded with.
    encoding: str | None = None
    # The page's oEmbed answer, when the backend fetched one (never set by `parse_page`).
    oembed: OEmbed | None = None
    # Facts stated only in body markup, as (kind, value), for site rules (extraction/marks.py).
    marks: tuple[tuple[str, str], ...] = ()

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value among `keys`, in the order given."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None

    def meta_values(self, *keys: str) -> tuple[str, ...]:
        """Every non-empty meta value among `keys`, keys in the order given."""
        return tuple(value for key in keys for value in self.meta.get(key, ()) if value)

    def resolve(self, value: str | None) -> str | None:
        """`value` as an absolute http(s) URL against the page's base URL, or None.

        A value cut at `META_VALUE_LIMIT` is refused: a truncated URL is a wrong URL.
        """
        if value is None or len(value) >= META_VALUE_LIMIT:
            return None
        return absolute_http_url(value, self.base_url or self.url)


def parse_page(
    body: bytes, *, url: str, http_charset: str | None = None, marks: bool = False
) -> ParsedPage:
    """Read a fetched HTML body; an empty, binary or broken body gives an empty page.

    `marks`: also read the body's marks (extraction/marks.py), which costs a few scans of the
    text, so only for a page whose site rule reads them (`sites.reads_body_marks`)."""
    try:
        return _parse(body, url, http_charset, marks)
    except Exception:  # a page must never take the preview down with it
        logger.warning("could not read the page at %s", url, exc_info=True)
        return ParsedPage(url=url)


def _parse(body: bytes, url: str, http_charset: str | None, marks: bool) -> ParsedPage:
    if _CONTENT.search(body) is None:  # (not `strip`: that would copy the whole body)
        return ParsedPage(url=url)
    decoded = decode_html(body, http_charset)
    markup, script_texts = head_parts(decoded.text)
    tree = LexborHTMLParser(markup)
    reader = _Reader(script_texts)
    for node in tree.css("meta, link, base, title, script"):
        reader.read(node)
    base_url = absolute_http_url(reader.base_href, url) if reader.base_href else None
    resolve_against = base_url or url
    links = tuple(
        LinkTag(rel=rel, href=href, type=type_, sizes=sizes)
        for rel, raw_href, type_, sizes in reader.links
        if (href := absolute_http_url(raw_href, resolve_against)) is not None
    )
    json_ld = read_json_ld(reader.json_ld)
    meta = {key: tuple(values) for key, values in reader.meta.items()}
    summary = None
    if not _declares_description(meta, json_ld):
        summary = summarize_paragraphs(decoded.text)
    return ParsedPage(
        url=url,
        title=reader.title,
        meta=meta,
        links=links,
        json_ld=json_ld,
        json_scripts=reader.json_scripts,
        lang=_lang(tree),
        base_url=base_url,
        summary=summary,
        encoding=decoded.encoding,
        marks=body_marks(decoded.text) if marks else (),
    )


class _Reader:
    """Collects what the page declares, element by element, within the caps."""

    def __init__(self, script_texts: list[str]) -> None:
        # The data scripts' texts, in document order; their elements in the tree are empty.
        self._script_texts = iter(script_texts)
        self.title: str | None = None
        self.meta: dict[str, list[str]] = {}
        self.meta_tags = 0
        self.links: list[tuple[tuple[str, ...], str, str | None, str | None]] = []
        self.base_href: str | None = None
        self.json_ld: list[str] = []
        self.json_scripts: dict[str, str] = {}

    def read(self, node: LexborNode) -> None:
        tag = node.tag
        if tag == "meta":
            self._meta(node.attributes)
        elif tag == "link":
            self._link(node.attributes)
        elif tag == "script":
            self._script(node)
        elif tag == "title":
            if self.title is None:
                text = collapse_whitespace((node.text(deep=True) or "")[: MAX_TITLE_CHARS * 2])
                self.title = text[:MAX_TITLE_CHARS] or None
        elif tag == "base" and self.base_href is None:
            self.base_href = node.attributes.get("href")

    def _meta(self, attributes: dict[str, str | None]) -> None:
        if self.meta_tags >= MAX_META_TAGS:
            return
        # A few sites (Pastebin, Genius) write `value=` where the standard says `content=`.
        content = attributes.get("content")
        if content is None:
            content = attributes.get("value")
        if content is None:
            return
        self.meta_tags += 1
        content = content.strip()[:META_VALUE_LIMIT]
        keys: list[str] = []
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            declared = attributes.get(attribute)
            if declared:
                # itemprop may list several properties ("image thumbnailUrl").
                names = declared.split() if attribute == "itemprop" else [declared.strip()]
                keys.extend(name.lower() for name in names)
        for key in dict.fromkeys(keys):
            if not key or len(key) > MAX_KEY_CHARS:
                continue
            values = self.meta.setdefault(key, [])
            if len(values) < MAX_VALUES_PER_KEY:
                values.append(content)

    def _link(self, attributes: dict[str, str | None]) -> None:
        rel = tuple((attributes.get("rel") or "").lower().split())
        href = attributes.get("href")
        if not rel or not href or len(self.links) >= MAX_LINKS:
            return
        if all(token in _HINT_RELS for token in rel):
            return
        if rel == ("alternate",) and attributes.get("hreflang"):
            return  # the same page in another language
        self.links.append((rel, href, attributes.get("type"), attributes.get("sizes")))

    def _script(self, node: LexborNode) -> None:
        text = next(self._script_texts, "")  # taken first: every script element has one
        attributes = node.attributes
        kind = (attributes.get("type") or "").strip().lower()
        script_id = (attributes.get("id") or "").strip()
        if "ld+json" in kind:
            if len(text) <= MAX_JSON_CHARS:
                self.json_ld.append(text)
        elif script_id and ("json" in kind or script_id in STATE_SCRIPT_IDS):
            if script_id in self.json_scripts or len(self.json_scripts) >= MAX_JSON_SCRIPTS:
                return
            if len(text) <= MAX_JSON_CHARS:
                self.json_scripts[script_id] = text
        elif not kind or "javascript" in kind or "ecmascript" in kind:
            self._inline_state(text)

    def _inline_state(self, text: str) -> None:
        """An inline script's state assignment, kept under its variable name like a data
        script under its id; only the first of each name counts."""
        state = inline_state(text) if len(text) <= MAX_JSON_CHARS else None
        if state is None or len(self.json_scripts) >= MAX_JSON_SCRIPTS:
            return
        name, body = state
        self.json_scripts.setdefault(name, body)


def _lang(tree: LexborHTMLParser) -> str | None:
    root = tree.root
    if root is None:
        return None
    attributes = root.attributes
    lang = (attributes.get("lang") or attributes.get("xml:lang") or "").strip()
    return lang if lang and len(lang) <= MAX_LANG_CHARS else None


def _declares_description(meta: Mapping[str, tuple[str, ...]], json_ld: tuple[Any, ...]) -> bool:
    if any(value for key in _DESCRIPTION_KEYS for value in meta.get(key, ())):
        return True
    return any(first_text(obj, "description") for obj in subjects(json_ld))
