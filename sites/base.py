"""What a site rule returns, and the contract every rule keeps.

A rule is a URL pattern and a pure function, in the shape of yt-dlp's extractors (`_VALID_URL`
with named groups): the dispatcher (`sites.apply_site_rules`) splits the URL once, matches each
rule's pattern against it, and hands the first match to the rule's `extract(match, page)`,
which reads the parsed page and returns a `SiteExtract`, or None when the page does not hold
what the rule looks for (a TikTok video page is not a profile). A rule never parses its URL
again, never fetches and never raises on odd page data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extraction.page import ParsedPage
from model.record import DETAILS_TYPES, Details, ImageRef, LinkType
from sites.values import url_parts


@dataclass(frozen=True, slots=True)
class SiteExtract:
    """A rule's reading of a page. Non-None `title`, `description` and `image` override the
    generic metadata, because platform data is more exact than what the page's tags say."""

    details: Details
    title: str | None = None
    description: str | None = None
    image: ImageRef | None = None

    @property
    def link_type(self) -> LinkType:
        """The kind the typed object belongs to (its record says which)."""
        return DETAILS_TYPES[type(self.details)]


@dataclass(frozen=True, slots=True)
class SiteRule:
    """One platform page kind: its name (for logs), its link type, the URLs it reads
    (`url_pattern`) and the function of the match and the page."""

    name: str
    link_type: LinkType
    url: re.Pattern[str]
    extract: Callable[[re.Match[str], ParsedPage], SiteExtract | None]
    # Whether `extract` reads `page.marks`: the reader then reads the body's marks, which it
    # skips for every other page (extraction/marks.py).
    reads_body_marks: bool = False


def url_target(url: str) -> str | None:
    """What rule patterns match: the lower-cased host (no trailing dot), the path and, when
    there is one, `?` and the query; None for anything but an http(s) URL."""
    parts = url_parts(url)
    if parts is None:
        return None
    host, path, query = parts
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def url_pattern(pattern: str) -> re.Pattern[str]:
    """A rule's pattern (yt-dlp's `_VALID_URL`): a regular expression for the host and path
    (as `url_target` writes them), then any query, which only a pattern that reads the query
    (`…/watch\\?v=…`) spells out."""
    return re.compile(rf"(?:{pattern})(?:\?.*)?", re.DOTALL)


def one_of(names: Iterable[str]) -> str:
    """A regular expression for exactly one of these names (hosts, say)."""
    return "(?:" + "|".join(re.escape(name) for name in sorted(names)) + ")"


def none_of(names: Iterable[str]) -> str:
    """A lookahead refusing a path segment that is one of these names, in any case: a
    platform's own pages (`x.com/home`) that an account's pattern would take for a name."""
    return rf"(?!(?i:{one_of(names)})(?:[/?]|$))"


def match_url(pattern: re.Pattern[str], url: str) -> re.Match[str] | None:
    """A rule's match for a URL found elsewhere (a canonical link, og:url), or None."""
    target = url_target(url)
    return pattern.fullmatch(target) if target is not None else None
