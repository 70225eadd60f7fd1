"""Which icons a page has, best first: ranked here once, fetched by the media stage in order.

A page names its icons three ways, tried in this order: `<link rel>` icons, the web app
manifest's `icons` (fetched only when every declared icon fails, so its ranking takes the
manifest's bytes), then `/favicon.ico` at the page's origin, which the media stage can
verify exists (we cannot, so we never invent other URLs).

"Best" is the largest declared raster: the shorter side of the largest size a `sizes`
attribute lists, the conventional 180 px for an apple-touch-icon that declares none, unknown
(0) otherwise. Vector icons (SVG) come after rasters and are never fetched, because the media
stage does not rasterise SVG (SECURITY-CASES E4); Safari's single-colour `mask-icon` comes
last of all. In a manifest, icons for any purpose come before maskable or monochrome ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit

from extraction.page import LinkTag

APPLE_TOUCH_ICON_SIZE: Final = 180
MAX_ICONS: Final = 20
MAX_MANIFEST_ICONS: Final = 50
_ICON_RELS: Final = frozenset(
    {"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon", "fluid-icon"}
)
_SIZE: Final = re.compile(r"(?<!\d)(\d{1,5})[xX×](\d{1,5})(?!\d)")
_SVG_PATH: Final = re.compile(r"\.svgz?(?:$|[?#])", re.IGNORECASE)


def is_vector(url: str, media_type: str | None) -> bool:
    """An SVG by its declared type, its `data:` type or its path."""
    return (
        "svg" in (media_type or "").lower()
        or url[:14].lower() == "data:image/svg"
        or bool(_SVG_PATH.search(url))
    )


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
        return "mask-icon" in self.rel or is_vector(self.url, self.type)

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


def fetchable_urls(icons: Iterable[IconCandidate]) -> tuple[str, ...]:
    """The URLs of the raster icons among ranked `icons`, in their order: what to fetch."""
    return tuple(icon.url for icon in icons if icon.url and not icon.is_vector)


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


def manifest_icon_urls(body: bytes, manifest_url: str) -> tuple[str, ...]:
    """Raster icon URLs from a web app manifest, best first; () if it is not one."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return ()
    icons = document.get("icons") if isinstance(document, dict) else None
    if not isinstance(icons, list):
        return ()
    ranked: list[tuple[bool, int, int, str]] = []
    for position, entry in enumerate(icons[:MAX_MANIFEST_ICONS]):
        if not isinstance(entry, dict):
            continue
        src, sizes, media_type, purpose = (
            entry.get(name) for name in ("src", "sizes", "type", "purpose")
        )
        if not isinstance(src, str) or not src.strip():
            continue
        url = urljoin(manifest_url, src.strip())
        if urlsplit(url).scheme not in ("http", "https", "data"):
            continue
        if is_vector(url, media_type if isinstance(media_type, str) else None):
            continue
        width, height, _ = parse_sizes(sizes if isinstance(sizes, str) else None)
        purposes = set(purpose.split()) if isinstance(purpose, str) and purpose.strip() else set()
        general = not purposes or "any" in purposes
        ranked.append((not general, -min(width or 0, height or 0), position, url))
    ranked.sort()
    return tuple(dict.fromkeys(url for *_, url in ranked))


def favicon_url(page_url: str) -> str | None:
    """`/favicon.ico` at the page's origin, the icon every browser looks for."""
    parts = urlsplit(page_url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/favicon.ico"
