"""The icons a page declares with `<link rel>`, best first.

The media stage tries them in this order and falls back to the web app manifest and
`/favicon.ico` itself (it can verify those exist; we cannot, so we never invent them).
"Best" is the largest declared raster: a `sizes` attribute when given, the conventional
180 px for an apple-touch-icon that declares none, unknown (0) otherwise. Vector icons (SVG)
come after rasters, because the media stage does not rasterise SVG, and Safari's
single-colour `mask-icon` comes last of all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from extraction.page import LinkTag

APPLE_TOUCH_ICON_SIZE: Final = 180
MAX_ICONS: Final = 20
_ICON_RELS: Final = frozenset(
    {"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon", "fluid-icon"}
)
_SIZE: Final = re.compile(r"(?<!\d)(\d{1,5})[xX×](\d{1,5})(?!\d)")
_SVG_PATH: Final = re.compile(r"\.svgz?(?:$|[?#])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IconCandidate:
    """One declared icon: its absolute URL, `rel` tokens, declared size and media type.

    `width`/`height` are the largest size the `sizes` attribute lists (an ICO may list
    several); `any_size` is `sizes="any"` (a scalable icon).
    """

    url: str
    rel: tuple[str, ...]
    width: int | None = None
    height: int | None = None
    type: str | None = None
    any_size: bool = False

    @property
    def is_vector(self) -> bool:
        return (
            "mask-icon" in self.rel
            or "svg" in (self.type or "").lower()
            or bool(_SVG_PATH.search(self.url))
        )

    @property
    def declared_size(self) -> int:
        """The edge used for ranking: the shorter declared side, or a convention."""
        if self.width and self.height:
            return min(self.width, self.height)
        if any(rel.startswith("apple-touch-icon") for rel in self.rel):
            return APPLE_TOUCH_ICON_SIZE
        return 0


def icon_candidates(links: Iterable[LinkTag]) -> tuple[IconCandidate, ...]:
    """Every icon `<link>`, de-duplicated by URL, best first (see the module docstring)."""
    found: dict[str, IconCandidate] = {}
    for link in links:
        if not _ICON_RELS.intersection(link.rel) or link.href in found:
            continue
        width, height, any_size = parse_sizes(link.sizes)
        found[link.href] = IconCandidate(
            url=link.href,
            rel=link.rel,
            width=width,
            height=height,
            type=link.type.strip().lower() if link.type else None,
            any_size=any_size,
        )
        if len(found) >= MAX_ICONS:
            break
    # sorted() is stable, so equally good icons keep document order.
    return tuple(sorted(found.values(), key=_rank))


def _rank(icon: IconCandidate) -> tuple[bool, bool, int]:
    return ("mask-icon" in icon.rel, icon.is_vector, -icon.declared_size)


def parse_sizes(sizes: str | None) -> tuple[int | None, int | None, bool]:
    """(width, height, any) from a `sizes` attribute: the largest listed size wins."""
    if not sizes:
        return None, None, False
    best: tuple[int, int] | None = None
    for match in _SIZE.finditer(sizes[:200]):
        width, height = int(match.group(1)), int(match.group(2))
        if width and height and (best is None or width * height > best[0] * best[1]):
            best = (width, height)
    any_size = "any" in sizes.lower().split()
    return (best[0], best[1], any_size) if best else (None, None, any_size)


def manifest_url(links: Iterable[LinkTag]) -> str | None:
    """The web app manifest's URL (`<link rel=manifest>`), whose icons the media stage reads."""
    return next((link.href for link in links if "manifest" in link.rel), None)
