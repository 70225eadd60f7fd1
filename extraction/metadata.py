"""Generic page metadata: title, description, image, site name, canonical URL and icons.

Sources are taken in order of how deliberately the publisher wrote them for previews:
OpenGraph (written for link cards), then Twitter cards, then JSON-LD about the page's
subject (written for search engines; `headline`/`description`/`image` of the first object
that is not the site itself or a breadcrumb), then plain markup (`<title>`,
`<meta name=description>`), then, for the description only, the page's first paragraphs.
Platform-specific data outranks all of this, but that is the site rules' business
(`sites/`); the preview service lets their values override these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from extraction.icons import IconCandidate, icon_candidates, manifest_url
from extraction.jsonld import JsonObject, first_text, first_url, subjects
from extraction.page import ParsedPage
from extraction.text import clean_text
from model.record import ImageRef

__all__ = ["IconCandidate", "PageMetadata", "read_metadata"]

MAX_DESCRIPTION_CHARS: Final = 500
MAX_TITLE_CHARS: Final = 300
MAX_SITE_NAME_CHARS: Final = 100
MAX_IMAGE_EDGE: Final = 100_000

_OG_IMAGE_KEYS: Final = ("og:image:secure_url", "og:image", "og:image:url")
_TWITTER_IMAGE_KEYS: Final = ("twitter:image", "twitter:image:src")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    description: str | None = None
    image: ImageRef | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    icons: tuple[IconCandidate, ...] = ()
    manifest_url: str | None = None


def read_metadata(page: ParsedPage) -> PageMetadata:
    """What any page says about itself, by the precedence in the module docstring."""
    things = tuple(subjects(page.json_ld))
    title = (
        page.first("og:title", "twitter:title")
        or _json_ld_text(things, "headline")
        or page.title
        or _json_ld_text(things, "name")
    )
    description = (
        page.first("og:description", "twitter:description")
        or _json_ld_text(things, "description")
        or page.first("description")
        or page.summary
    )
    canonical = next((link.href for link in page.links if "canonical" in link.rel), None)
    return PageMetadata(
        title=clean_text(title, MAX_TITLE_CHARS),
        description=clean_text(description, MAX_DESCRIPTION_CHARS),
        image=_image(page, things),
        site_name=clean_text(page.first("og:site_name", "application-name"), MAX_SITE_NAME_CHARS),
        canonical_url=canonical or page.resolve(page.first("og:url")),
        icons=icon_candidates(page.links),
        manifest_url=manifest_url(page.links),
    )


def _json_ld_text(things: tuple[JsonObject, ...], key: str) -> str | None:
    return next((text for obj in things if (text := first_text(obj, key))), None)


def _image(page: ParsedPage, things: tuple[JsonObject, ...]) -> ImageRef | None:
    for source_url, width, height in _image_candidates(page, things):
        url = page.resolve(source_url)
        if url is not None:
            return ImageRef(source_url=url, width=width, height=height)
    return None


def _image_candidates(
    page: ParsedPage, things: tuple[JsonObject, ...]
) -> Iterator[tuple[str, int | None, int | None]]:
    """(url, declared width, declared height) in order of trust; URLs not yet resolved."""
    width = _dimension(page.first("og:image:width"))
    height = _dimension(page.first("og:image:height"))
    for key in _OG_IMAGE_KEYS:
        for value in page.meta.get(key, ()):
            yield value, width, height
    twitter_width = _dimension(page.first("twitter:image:width"))
    twitter_height = _dimension(page.first("twitter:image:height"))
    for key in _TWITTER_IMAGE_KEYS:
        for value in page.meta.get(key, ()):
            yield value, twitter_width, twitter_height
    for obj in things:
        for key in ("image", "thumbnailUrl"):
            found = first_url(obj, key)
            if found:
                yield (found, *_json_ld_dimensions(obj.get(key)))
                break
    for value in page.meta.get("image", ()):  # itemprop="image" on a <meta>
        yield value, None, None
    for link in page.links:
        if "image_src" in link.rel:
            yield link.href, None, None


def _json_ld_dimensions(value: object) -> tuple[int | None, int | None]:
    """The width and height an ImageObject declares (first of a list), if any."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None, None
    return _dimension(value.get("width")), _dimension(value.get("height"))


def _dimension(value: object) -> int | None:
    """A declared pixel size: 1200, "1200", "1200px", {"value": 1200}; else None."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
    elif isinstance(value, str):
        digits = value.strip().lower().removesuffix("px").strip()
        if not digits.isdigit() or len(digits) > 6:
            return None
        number = int(digits)
    else:
        return None
    return number if 0 < number <= MAX_IMAGE_EDGE else None
