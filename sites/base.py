"""What a site rule returns, and the contract every rule keeps.

A rule is two pure functions: `matches(url)` says whether the URL is the kind of link the
rule understands (cheap, no page needed), and `extract(url, page)` reads the parsed page and
returns a `SiteExtract`, or None when the page does not hold what the rule looks for (a
TikTok video page is not a profile). Rules never fetch and never raise on odd page data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extraction.page import ParsedPage
from model.record import Details, ImageRef, LinkType


@dataclass(frozen=True, slots=True)
class SiteExtract:
    """A rule's reading of a page. Non-None `title`, `description` and `image` override the
    generic metadata, because platform data is more exact than what the page's tags say."""

    link_type: LinkType
    details: Details
    title: str | None = None
    description: str | None = None
    image: ImageRef | None = None


@dataclass(frozen=True, slots=True)
class SiteRule:
    """One platform page kind: its name (for logs), its link type and its two functions."""

    name: str
    link_type: LinkType
    matches: Callable[[str], bool]
    extract: Callable[[str, ParsedPage], SiteExtract | None]
