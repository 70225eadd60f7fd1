"""oEmbed answers, as site rules read them: discovery, the built-in providers, parsing.

A rule reads `page.oembed` after the platform's own data and before OpenGraph. Only JSON is
ever parsed (D7: no XML endpoint, so no XXE or entity bombs). `html` is never kept (D6:
`rich` markup can carry scripts); `text` is the plain text of that markup, which is what a
tweet's embed is worth to a preview. Everything here is pure; the backend does the fetch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import msgspec
from selectolax.lexbor import LexborHTMLParser

from extraction.text import clean_text
from extraction.urls import absolute_http_url

if TYPE_CHECKING:
    from extraction.page import ParsedPage

OEMBED_JSON_TYPE: Final = "application/json+oembed"
OEMBED_TYPES: Final = frozenset({"photo", "video", "link", "rich"})
MAX_TEXT_CHARS: Final = 1000
# Markup longer than this is not reduced to text: an embed is a few KB.
MAX_HTML_CHARS: Final = 100_000
MAX_DIMENSION: Final = 100_000


@dataclass(frozen=True, slots=True)
class OEmbed:
    """One oEmbed answer; every field as the provider sent it, checked for type."""

    type: str
    title: str | None = None
    author_name: str | None = None
    author_url: str | None = None
    provider_name: str | None = None
    provider_url: str | None = None
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None
    # The photo's own address, for type "photo".
    url: str | None = None
    width: int | None = None
    height: int | None = None
    # Plain text of the `html` member (a tweet's text, say), markup removed.
    text: str | None = None
    # The `src` of the first <iframe> in `html`, absolute: the provider's player, which
    # extraction/embeds.py accepts only on the provider's own player hosts.
    player_url: str | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    """A platform whose pages do not (reliably) advertise their endpoint."""

    name: str
    pattern: re.Pattern[str]
    endpoint: str


def _scheme(pattern: str) -> re.Pattern[str]:
    return re.compile(r"^https?://" + pattern, re.IGNORECASE)


# Written for the platforms the service knows; oembed.com's list is the reference, not shipped.
# Instagram's endpoint needs an app token since 2020, so it is not listed.
PROVIDERS: Final = (
    Provider(
        "YouTube",
        _scheme(r"(?:(?:www|m)\.)?(?:youtube\.com/(?:watch\?|shorts/|live/)|youtu\.be/)"),
        "https://www.youtube.com/oembed",
    ),
    Provider(
        "X",
        _scheme(r"(?:(?:www|mobile)\.)?(?:twitter|x)\.com/[^/?#]+/status/\d+"),
        "https://publish.twitter.com/oembed",
    ),
    Provider(
        "TikTok",
        _scheme(r"(?:www\.)?tiktok\.com/@[^/?#]+/(?:video|photo)/\d+"),
        "https://www.tiktok.com/oembed",
    ),
    Provider(
        "Reddit",
        _scheme(r"(?:(?:www|old)\.)?reddit\.com/r/[^/?#]+/comments/"),
        "https://www.reddit.com/oembed",
    ),
    Provider("Vimeo", _scheme(r"(?:www\.)?vimeo\.com/\d+"), "https://vimeo.com/api/oembed.json"),
    Provider("SoundCloud", _scheme(r"soundcloud\.com/[^/?#]+/"), "https://soundcloud.com/oembed"),
    Provider(
        "Spotify",
        _scheme(r"open\.spotify\.com/(?:track|album|playlist|episode|show|artist)/"),
        "https://open.spotify.com/oembed",
    ),
    Provider(
        "Flickr",
        _scheme(r"(?:(?:www\.)?flickr\.com/photos/|flic\.kr/p/)"),
        "https://www.flickr.com/services/oembed/",
    ),
)


def provider_endpoint(url: str) -> str | None:
    """The built-in endpoint URL asking about `url` in JSON, if a provider matches it."""
    for provider in PROVIDERS:
        if provider.pattern.match(url):
            return f"{provider.endpoint}?{urlencode({'url': url, 'format': 'json'})}"
    return None


def discover(page: ParsedPage) -> str | None:
    """The JSON oEmbed endpoint the page advertises with `<link rel="alternate"
    type="application/json+oembed">`; the XML variant is ignored on purpose (D7)."""
    for link in page.links:
        if "alternate" in link.rel and (link.type or "").strip().lower() == OEMBED_JSON_TYPE:
            return link.href
    return None


def oembed_url(page: ParsedPage) -> str | None:
    """Where the page's oEmbed lives: what it advertises first, else a built-in provider."""
    return discover(page) or provider_endpoint(page.url)


def parse_oembed(body: bytes, *, base_url: str) -> OEmbed | None:
    """An oEmbed JSON answer, or None for anything that is not one (D8: a `version` other
    than 1.0 is refused). URLs are resolved against `base_url`, the endpoint's address."""
    try:
        data = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("type")
    if not isinstance(kind, str) or kind.strip().lower() not in OEMBED_TYPES:
        return None
    version = data.get("version", "1.0")
    if not isinstance(version, str) or version.strip() != "1.0":
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return clean_text(value, MAX_TEXT_CHARS) if isinstance(value, str) else None

    def url(key: str) -> str | None:
        value = data.get(key)
        return absolute_http_url(value, base_url) if isinstance(value, str) else None

    def size(key: str) -> int | None:
        return _dimension(data.get(key))

    return OEmbed(
        type=kind.strip().lower(),
        title=text("title"),
        author_name=text("author_name"),
        author_url=url("author_url"),
        provider_name=text("provider_name"),
        provider_url=url("provider_url"),
        thumbnail_url=url("thumbnail_url"),
        thumbnail_width=size("thumbnail_width"),
        thumbnail_height=size("thumbnail_height"),
        url=url("url") if kind.strip().lower() == "photo" else None,
        width=size("width"),
        height=size("height"),
        text=html_text(data.get("html")),
        player_url=iframe_src(data.get("html"), base_url),
    )


def html_text(markup: Any) -> str | None:
    """The visible text of an embed's markup; scripts and styles contribute nothing."""
    if not isinstance(markup, str) or not markup.strip() or len(markup) > MAX_HTML_CHARS:
        return None
    tree = LexborHTMLParser(markup)
    tree.strip_tags(["script", "style", "noscript", "template", "iframe"])
    root = tree.body or tree.root
    if root is None:
        return None
    return clean_text(root.text(deep=True, separator=" "), MAX_TEXT_CHARS)


def iframe_src(markup: Any, base_url: str) -> str | None:
    """The first iframe's `src`, as an absolute http(s) URL; the markup itself is dropped."""
    if not isinstance(markup, str) or "<iframe" not in markup.lower():
        return None
    if len(markup) > MAX_HTML_CHARS:
        return None
    frame = LexborHTMLParser(markup).css_first("iframe[src]")
    src = frame.attributes.get("src") if frame is not None else None
    return absolute_http_url(src, base_url) if src else None


def _dimension(value: Any) -> int | None:
    """A positive pixel size; providers send ints, numeric strings or floats."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_DIMENSION:
        return value
    return None
