"""ParsedPage: the parts of an HTML document that metadata and site rules read.

INTERFACE STUB: the implementation lands with the extraction work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    # Raw text of `<script type="application/json">` elements by their id.
    json_scripts: Mapping[str, str] = field(default_factory=dict)
    lang: str | None = None

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value among `keys`, in the order given."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None


def parse_page(body: bytes, *, url: str, http_charset: str | None = None) -> ParsedPage:
    raise NotImplementedError
