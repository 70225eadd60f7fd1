"""Who wrote a page and when: its authors and its publication and modification dates.

Each by its own chain, most deliberate source first: JSON-LD about the page's subject, then
the meta tags publishers and scholarly indexes write (article:*, citation_*, Dublin Core,
Parse.ly, Sailthru), then what the article itself shows (its byline and the date htmldate
finds, through extraction/article.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Final

from extraction.article import Article
from extraction.jsonld import JsonObject, first_text
from extraction.page import ParsedPage
from extraction.text import clean_text, collapse_whitespace

MAX_AUTHORS: Final = 20
MAX_AUTHOR_CHARS: Final = 100
_AUTHOR_KEYS: Final = (
    "author",
    "article:author",
    "citation_author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
)
_PUBLISHED_KEYS: Final = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "date",
)
_MODIFIED_KEYS: Final = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
_BYLINE: Final = re.compile(r"^(?:by|von|par|por|di|door)\s+", re.I)
_DATE_ONLY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLASH_DATE: Final = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")


def published_at(
    page: ParsedPage, things: tuple[JsonObject, ...], article: Article | None
) -> datetime | None:
    return _first_date(
        (
            *page.meta_values(*_PUBLISHED_KEYS),
            *_json_ld_values(things, "datePublished", "dateCreated", "uploadDate"),
            article.date if article else None,
        )
    )


def modified_at(page: ParsedPage, things: tuple[JsonObject, ...]) -> datetime | None:
    return _first_date(
        (*page.meta_values(*_MODIFIED_KEYS), *_json_ld_values(things, "dateModified"))
    )


def authors(
    page: ParsedPage, things: tuple[JsonObject, ...], article: Article | None
) -> tuple[str, ...]:
    """The first source that names someone: a source giving only URLs or handles (an
    author's profile link) gives way to the next."""
    sources: list[Iterable[str]] = [
        _json_ld_names(obj.get("author")) or _json_ld_names(obj.get("creator")) for obj in things
    ]
    sources.extend(page.meta.get(key, ()) for key in _AUTHOR_KEYS)
    if article:
        sources.append(article.authors)
    for source in sources:
        names = _names(source)
        if names:
            return names
    return ()


def _names(values: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    for value in values:
        for name in value.split(";") if ";" in value else [value]:
            cleaned = clean_text(_BYLINE.sub("", collapse_whitespace(name)), MAX_AUTHOR_CHARS)
            if cleaned and "://" not in cleaned and not cleaned.startswith("@"):
                names.append(cleaned)
    return tuple(dict.fromkeys(names))[:MAX_AUTHORS]


def _json_ld_names(value: object) -> list[str]:
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and (name := first_text(item, "name")):
            names.append(name)
    return names


def _json_ld_values(things: tuple[JsonObject, ...], *keys: str) -> Iterator[str]:
    for obj in things:
        text = first_text(obj, *keys)
        if text:
            yield text


def _first_date(values: Iterable[str | None]) -> datetime | None:
    for value in values:
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return None


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (or "2024/05/01"), in UTC; naive values are taken as UTC."""
    if not value:
        return None
    text = value.strip()
    slashed = _SLASH_DATE.match(text)
    if slashed:
        text = "{}-{:0>2}-{:0>2}".format(*slashed.groups())
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        date_part = _DATE_ONLY.match(text)
        if date_part is None:
            return None
        try:
            parsed = datetime.fromisoformat(date_part.group())
        except ValueError:
            return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
