"""Which icon URLs to try for a page, best first.

Order: the page's declared `<link>` icons (largest declared first, by the shorter side as
`extraction.icons` ranks them, an apple-touch-icon without `sizes` counting as its
conventional 180 px), then the web app manifest's `icons` (purpose "any" before maskable or
monochrome, largest first), then `/favicon.ico` at the page's origin. Vector icons (SVG,
Safari's mask-icon) are skipped without a fetch: we do not rasterise SVG (SECURITY-CASES
E4). The manifest is fetched only when every declared icon has failed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urljoin, urlsplit

APPLE_TOUCH_SIZE = 180
MAX_MANIFEST_ICONS = 50
MANIFEST_TYPES = (
    "application/manifest+json",
    "application/json",
    "text/json",
    "text/plain",
    "application/octet-stream",
)
_SIZE = re.compile(r"(\d{1,5})[xX](\d{1,5})")


class IconLink(Protocol):
    """What ingest needs of a declared icon (extraction's IconCandidate has these fields)."""

    @property
    def url(self) -> str: ...

    @property
    def rel(self) -> str | tuple[str, ...]: ...

    @property
    def width(self) -> int | None: ...

    @property
    def height(self) -> int | None: ...

    @property
    def type(self) -> str | None: ...


def is_vector(url: str, media_type: str | None) -> bool:
    if media_type and "svg" in media_type.lower():
        return True
    if url.lower().startswith("data:image/svg"):
        return True
    return urlsplit(url).path.lower().endswith((".svg", ".svgz"))


def _rels(rel: str | tuple[str, ...]) -> set[str]:
    words = rel.split() if isinstance(rel, str) else [w for part in rel for w in part.split()]
    return {word.lower() for word in words}


def _declared_size(icon: IconLink) -> int:
    """The shorter declared side (as extraction ranks them), else a convention, else 0."""
    if icon.width and icon.height:
        return min(icon.width, icon.height)
    if any(rel.startswith("apple-touch-icon") for rel in _rels(icon.rel)):
        return APPLE_TOUCH_SIZE
    return 0


def link_icon_urls(candidates: Iterable[IconLink]) -> list[str]:
    usable = [
        icon
        for icon in candidates
        if icon.url and not is_vector(icon.url, icon.type) and "mask-icon" not in _rels(icon.rel)
    ]
    usable.sort(key=_declared_size, reverse=True)  # stable: document order among equals
    return _unique(icon.url for icon in usable)


def manifest_icon_urls(body: bytes, manifest_url: str) -> list[str]:
    """Raster icon URLs from a web app manifest, best first; [] if it is not one."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return []
    icons = document.get("icons") if isinstance(document, dict) else None
    if not isinstance(icons, list):
        return []
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
        size = max(
            (
                max(int(w), int(h))
                for w, h in _SIZE.findall(sizes if isinstance(sizes, str) else "")
            ),
            default=0,
        )
        purposes = set(purpose.split()) if isinstance(purpose, str) and purpose.strip() else set()
        general = not purposes or "any" in purposes
        ranked.append((not general, -size, position, url))
    ranked.sort()
    return _unique(url for *_, url in ranked)


def favicon_url(page_url: str) -> str | None:
    parts = urlsplit(page_url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/favicon.ico"


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))
