"""Generic page metadata: what any page says about itself, each field by a fallback chain.

Sources are taken in order of how deliberately the publisher wrote them for previews:
OpenGraph (written for link cards), then Twitter cards, then JSON-LD about the page's
subject (written for search engines; the first object that is not the site itself or a
breadcrumb), then scholarly and Dublin Core tags (`citation_*`, `dc.*`), then plain markup
(`<title>`, `<meta name=description>`), then what the article itself shows (its `<h1>`, its
first picture, its byline: extraction/article.py), then the site's logo. The chains, field by
field, are in the README ("Where each field comes from"); they are generic, never a rule for
one site. Platform-specific data outranks all of this, but that is the site rules' business
(`sites/`); the preview service lets their values override these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from extraction.article import Article
from extraction.byline import authors, modified_at, published_at
from extraction.icons import IconCandidate, icon_candidates, manifest_url
from extraction.jsonld import JsonObject, first_text, first_url, subjects, types_of
from extraction.language import detect_language, primary_language
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
_SCHOLARLY_TITLE_KEYS: Final = ("citation_title", "dc.title", "dcterms.title")
_DESCRIPTION_KEYS: Final = ("description", "dc.description", "dcterms.description")
_LANGUAGE_KEYS: Final = ("content-language", "language", "dc.language", "dcterms.language")
_SITE_NAME_KEYS: Final = ("og:site_name", "application-name", "apple-mobile-web-app-title")
# Words between a title's parts: "Headline | Site", "Headline - Site", "Site: Headline".
_SEPARATOR: Final = re.compile(r"\s+(?:[|\-–—·•»:/]|::)\s+")
_STRAY_QUOTES: Final = "\"'“”‘’«» "
_QUOTE_PAIRS: Final = frozenset({'""', "''", "“”", "‘’", "«»", "„“"})
_COLOR: Final = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}|[a-zA-Z]{3,20}|rgba?\([0-9., %]{5,40}\)")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    description: str | None = None
    image: ImageRef | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    icons: tuple[IconCandidate, ...] = ()
    manifest_url: str | None = None
    headline: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    theme_color: str | None = None
    language: str | None = None


def read_metadata(
    page: ParsedPage, article: Article | None = None, *, content_language: str | None = None
) -> PageMetadata:
    """What any page says about itself, by the precedence in the module docstring.

    `article` is the page's main content when it was read (the direct backend reads it in a
    worker thread); `content_language` the answer's Content-Language header.
    """
    things = tuple(subjects(page.json_ld))
    site_name = _site_name(page, things, article)
    title = clean_text(
        page.first("og:title", "twitter:title")
        or _json_ld_text(things, "headline")
        or page.first(*_SCHOLARLY_TITLE_KEYS)
        or page.title
        or (article.title if article else None)
        or _json_ld_text(things, "name"),
        MAX_TITLE_CHARS,
    )
    canonical = next((link.href for link in page.links if "canonical" in link.rel), None)
    return PageMetadata(
        title=title,
        description=_description(page, things, (title, site_name), article),
        image=_image(page, things, article),
        site_name=site_name,
        canonical_url=canonical or page.resolve(page.first("og:url")),
        icons=icon_candidates(page.links),
        manifest_url=manifest_url(page.links),
        headline=_headline(page, things, site_name, article),
        authors=authors(page, things, article),
        published_at=published_at(page, things, article),
        modified_at=modified_at(page, things),
        theme_color=_theme_color(page.first("theme-color", "msapplication-tilecolor")),
        language=_language(page, things, content_language, article),
    )


def _site_name(
    page: ParsedPage, things: tuple[JsonObject, ...], article: Article | None
) -> str | None:
    """og:site_name, application-name, the JSON-LD publisher or WebSite, then the part of
    `<title>` that names the registrable domain ("… - Wikipedia" on wikipedia.org)."""
    declared = page.first(*_SITE_NAME_KEYS) or _publisher_name(page.json_ld, things)
    if not declared:
        declared = _title_part_naming_host(page.title, page.url)
    if not declared and article and article.site_name and "." not in article.site_name:
        declared = article.site_name
    return clean_text(declared, MAX_SITE_NAME_CHARS)


def _publisher_name(objects: tuple[JsonObject, ...], things: tuple[JsonObject, ...]) -> str | None:
    for obj in things:
        publisher = obj.get("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        if isinstance(publisher, dict) and (name := first_text(publisher, "name")):
            return name
    for obj in objects:
        if "WebSite" in types_of(obj) and (name := first_text(obj, "name")):
            return name
    return None


def _host_label(url: str) -> str:
    """The registrable label of the URL's host, lower-cased ("wikipedia" for en.wikipedia.org)."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    parts = [part for part in host.split(".") if part not in ("www", "m")]
    if len(parts) >= 3 and len(parts[-2]) <= 3:  # bbc.co.uk, abc.net.au
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else host


def _squash(value: str) -> str:
    return "".join(character for character in value.lower() if character.isalnum())


def _title_part_naming_host(title: str | None, url: str) -> str | None:
    if not title:
        return None
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return None
    label = _squash(_host_label(url))
    for part in (parts[-1], parts[0]):
        squashed = _squash(part)
        if label and squashed and (squashed in label or label in squashed) and len(part) < 60:
            return part.strip()
    return None


def _without_site(title: str | None, site_name: str | None, url: str) -> str | None:
    """`title` without a leading or trailing part that names the site."""
    if not title:
        return None
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    names = {_squash(site_name)} if site_name else set()
    names.add(_squash(_host_label(url)))
    names.discard("")

    def names_site(part: str) -> bool:
        squashed = _squash(part)
        return bool(squashed) and any(
            squashed == name
            or (len(name) >= 4 and name in squashed and len(squashed) <= 2 * len(name))
            for name in names
        )

    if names_site(parts[-1]):
        kept = title[: title.rfind(parts[-1])]
    elif names_site(parts[0]):
        kept = title[len(parts[0]) :]
    else:
        return title
    kept = _SEPARATOR.sub(" | ", kept)
    return kept.strip(" |") or title


def _headline(
    page: ParsedPage, things: tuple[JsonObject, ...], site_name: str | None, article: Article | None
) -> str | None:
    """The article's own headline: JSON-LD's, then the card and scholarly titles, then the
    article's `<h1>`, then `<title>`, each without the site's name. When a later source is the
    chosen one's start followed by a separator ("Headline" against "Headline - Section -
    Site"), the rest was a suffix the first carried: the shorter wins."""
    chosen: str | None = None
    for candidate in (
        _json_ld_text(things, "headline"),
        page.first("og:title", "twitter:title"),
        page.first(*_SCHOLARLY_TITLE_KEYS),
        article.title if article else None,
        page.title,
    ):
        cleaned = clean_text(_without_site(candidate, site_name, page.url), MAX_TITLE_CHARS)
        if not cleaned:
            continue
        if chosen is None or _carries_suffix(chosen, cleaned):
            chosen = cleaned
    return chosen


def _carries_suffix(chosen: str, shorter: str) -> bool:
    """`chosen` is `shorter` plus a separated suffix ("Headline - Section - Site")."""
    if len(shorter) >= len(chosen) or not chosen.startswith(shorter):
        return False
    return _SEPARATOR.match(" " + chosen[len(shorter) :].lstrip() + " ") is not None


def _description(
    page: ParsedPage,
    things: tuple[JsonObject, ...],
    not_descriptions: tuple[str | None, ...],
    article: Article | None,
) -> str | None:
    """The first real summary: not empty, not the title or the site's name again; a later
    source that says the same at greater length (the first was cut short) wins."""
    refused = {_squash(value) for value in not_descriptions if value}
    chosen: str | None = None
    for raw in (
        page.first("og:description"),
        page.first("twitter:description"),
        _json_ld_text(things, "description"),
        page.first(*_DESCRIPTION_KEYS),
        page.summary,
        _lead(article),
    ):
        value = clean_text(raw, MAX_DESCRIPTION_CHARS + 100)
        if value:
            value = _without_stray_quotes(value)
        if not value or _squash(value) in refused:
            continue
        if chosen is None or (
            len(value) > len(chosen) and value.startswith(chosen.rstrip(".…").rstrip())
        ):
            chosen = value
    return clean_text(chosen, MAX_DESCRIPTION_CHARS)


def _says_more(value: str, chosen: str) -> bool:
    """`value` is `chosen` before it was cut short ("A long summary…" against the whole)."""
    return len(value) > len(chosen) and value.startswith(chosen.rstrip(".…").rstrip())


def _without_stray_quotes(value: str) -> str:
    """`value` without a quote left alone at either end by a template ("\" Lorem…"): one
    with no partner in the text, or standing apart from it by a space."""
    quotes = _STRAY_QUOTES[:-1]
    if len(value) > 2 and value[0] + value[-1] in _QUOTE_PAIRS and not value[1].isspace():
        return value  # quoted whole: the quote is the text's own
    if value and value[0] in quotes and (value.count(value[0]) == 1 or value[1:2].isspace()):
        value = value[1:].lstrip()
    if value and value[-1] in quotes and (value.count(value[-1]) == 1 or value[-2:-1].isspace()):
        value = value[:-1].rstrip()
    return value


def _lead(article: Article | None) -> str | None:
    if article is None or not article.text:
        return None
    for paragraph in article.text.split("\n"):
        if len(paragraph) >= 80:
            return paragraph
    return None


def _theme_color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return value if _COLOR.fullmatch(value) else None


def _language(
    page: ParsedPage,
    things: tuple[JsonObject, ...],
    content_language: str | None,
    article: Article | None,
) -> str | None:
    """`<html lang>`, the meta tags, JSON-LD's inLanguage, og:locale, Content-Language, then
    a guess from the article's text."""
    declared = (
        page.lang,
        *page.meta_values(*_LANGUAGE_KEYS),
        *(obj.get("inLanguage") for obj in things),
        page.first("og:locale"),
        content_language,
    )
    for value in declared:
        language = primary_language(value)
        if language:
            return language
    return detect_language(article.text if article else None)


def _json_ld_text(things: tuple[JsonObject, ...], key: str) -> str | None:
    return next((text for obj in things if (text := first_text(obj, key))), None)


def _image(
    page: ParsedPage, things: tuple[JsonObject, ...], article: Article | None
) -> ImageRef | None:
    for source_url, width, height in _image_candidates(page, things, article):
        url = page.resolve(source_url)
        if url is not None:
            return ImageRef(source_url=url, width=width, height=height)
    return None


def _image_candidates(
    page: ParsedPage, things: tuple[JsonObject, ...], article: Article | None
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
    if article and article.image:
        yield article.image, None, None
    for value in page.meta.get("og:logo", ()):
        yield value, None, None
    for obj in (*things, *page.json_ld):
        publisher = obj.get("publisher")
        for holder in (obj, publisher if isinstance(publisher, dict) else {}):
            found = first_url(holder, "logo")
            if found:
                yield found, None, None


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
