"""Field by field over ../shared/corpus: how many pages get each field, and how often ours
agrees with each installed peer that reads that field.

```sh
.venv/bin/python -m bench.fields            # the table
.venv/bin/python -m bench.fields --pages 20 # a spread of 20 pages (seconds)
.venv/bin/python -m bench.fields --show headline  # ours and the peers' values, page by page
```

Ours is what the direct backend computes for a page before its site rules: `parse_page`,
the article (`read_article`, trafilatura) and `read_metadata`. The peers are the bench
group's (`scripts/setup --dev --bench`): extruct (OpenGraph, JSON-LD, microdata and Dublin
Core, read the way bench/extractors.py does), metadata-parser and linkpreview, plus
trafilatura's own metadata (it is a runtime dependency; since ours falls back to it, its
agreement is partly agreement with ourselves). A peer absent or failing on a page counts as
having no value. Values are compared after normalising: text lower-cased with punctuation
and whitespace removed; URLs without scheme, `www.` and trailing slash; dates by day;
texts also with entities decoded, tags dropped and cut at 150 characters; authors as sets of
names; languages by primary subtag. Agreement is counted on the pages
where both have a value.
"""

from __future__ import annotations

import argparse
import html
import importlib
import importlib.util
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench.extractors import charset_of, spread
from extraction.article import read_article
from extraction.byline import parse_date
from extraction.language import primary_language
from extraction.metadata import read_metadata
from extraction.page import parse_page
from tests.support.origin import CorpusPage, load_corpus

FIELDS = (
    "title",
    "headline",
    "description",
    "image",
    "site_name",
    "authors",
    "published_at",
    "language",
)
Reading = dict[str, Any]
_TAG = re.compile(r"<[^>]{0,200}>")


def ours(page: CorpusPage) -> Reading:
    parsed = parse_page(page.body, url=page.url, http_charset=charset_of(page.content_type))
    html = page.body.decode(parsed.encoding or "utf-8", "replace")
    metadata = read_metadata(parsed, read_article(html, page.url))
    return {
        "title": metadata.title,
        "headline": metadata.headline,
        "description": metadata.description,
        "image": metadata.image.source_url if metadata.image else None,
        "site_name": metadata.site_name,
        "authors": metadata.authors,
        "published_at": metadata.published_at,
        "language": metadata.language,
    }


def _extruct() -> Callable[[CorpusPage], Reading]:
    extruct: Any = importlib.import_module("extruct")

    def read(page: CorpusPage) -> Reading:
        data = extruct.extract(
            page.body,
            base_url=page.url,
            encoding=charset_of(page.content_type),
            syntaxes=["opengraph", "json-ld", "microdata", "dublincore"],
            uniform=True,
            errors="ignore",
        )
        og: dict[str, Any] = next(iter(data.get("opengraph") or []), {})
        things = [t for t in (data.get("json-ld") or []) + (data.get("microdata") or [])]
        things = [t for t in things if isinstance(t, dict)]
        headline = _first(things, "headline")
        author = _first_raw(things, "author")
        return {
            "title": _text(og.get("og:title")) or headline or _first(things, "name"),
            "headline": headline,
            "description": _text(og.get("og:description")) or _first(things, "description"),
            "image": _text(og.get("og:image")) or _first(things, "image"),
            "site_name": _text(og.get("og:site_name")),
            "authors": _names(author),
            "published_at": _text(og.get("article:published_time"))
            or _first(things, "datePublished"),
            "language": _first(things, "inLanguage") or _text(og.get("og:locale")),
        }

    return read


def _metadata_parser() -> Callable[[CorpusPage], Reading]:
    metadata_parser: Any = importlib.import_module("metadata_parser")
    tldextract: Any = importlib.import_module("tldextract")
    metadata_parser.tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())

    def read(page: CorpusPage) -> Reading:
        charset = charset_of(page.content_type)
        html = page.body.decode(charset, "replace") if charset else page.body
        parser = metadata_parser.MetadataParser(url=page.url, html=html)
        result = parser.parsed_result
        return {
            "title": result.select_first_match("title"),
            "description": result.select_first_match("description"),
            "image": parser.get_metadata_link("image"),
        }

    return read


def _linkpreview() -> Callable[[CorpusPage], Reading]:
    linkpreview: Any = importlib.import_module("linkpreview")
    bs4: Any = importlib.import_module("bs4")

    def read(page: CorpusPage) -> Reading:
        soup = bs4.BeautifulSoup(page.body, "lxml", from_encoding=charset_of(page.content_type))
        preview = linkpreview.LinkPreview(linkpreview.Link(page.url, page.body), soup=soup)
        return {
            "title": preview.title,
            "description": preview.description,
            "image": preview.absolute_image,
            "site_name": preview.site_name,
        }

    return read


def _trafilatura() -> Callable[[CorpusPage], Reading]:
    trafilatura: Any = importlib.import_module("trafilatura")

    def read(page: CorpusPage) -> Reading:
        charset = charset_of(page.content_type) or "utf-8"
        html = page.body.decode(charset, "replace")
        found = trafilatura.extract_metadata(html, default_url=page.url)
        if found is None:
            return {}
        return {
            "title": found.title,
            "description": found.description,
            "image": found.image,
            "site_name": found.sitename,
            "authors": tuple((found.author or "").split("; ")) if found.author else (),
            "published_at": found.date,
        }

    return read


PEERS: dict[str, tuple[str, Callable[[], Callable[[CorpusPage], Reading]]]] = {
    "extruct": ("extruct", _extruct),
    "metadata-parser": ("metadata_parser", _metadata_parser),
    "linkpreview": ("linkpreview", _linkpreview),
    "trafilatura": ("trafilatura", _trafilatura),
}


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("name")
    return value if isinstance(value, str) and value.strip() else None


def _first_raw(things: list[dict[str, Any]], key: str) -> object:
    return next((thing[key] for thing in things if thing.get(key)), None)


def _first(things: list[dict[str, Any]], key: str) -> str | None:
    return _text(_first_raw(things, key))


def _names(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, list):
            item = item[0] if item else None
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
    return tuple(names)


def normalise(field: str, value: Any) -> Any:
    """A value in the form two extractors' values are compared in; None when empty."""
    if value is None or value == () or value == "":
        return None
    if field == "image":
        url = str(value).strip().split("://", 1)[-1].removeprefix("www.").rstrip("/")
        return url.replace("&amp;", "&")
    if field == "authors":
        return frozenset(_squash(name) for name in value) - {""} or None
    if field == "published_at":
        parsed = value if isinstance(value, datetime) else parse_date(str(value))
        return parsed.date() if parsed else None
    if field == "language":
        return primary_language(value)
    # Entities and tags as some peers leave them; long texts by their first 150 characters
    # (ours cuts descriptions at 500, most peers keep them whole).
    text = _TAG.sub(" ", html.unescape(str(value)))
    return _squash(text)[:150] or None


def _squash(value: str) -> str:
    return "".join(character for character in value.lower() if character.isalnum())


def _safe(read: Callable[[CorpusPage], Reading], page: CorpusPage) -> Reading:
    try:
        return read(page)
    except Exception:
        return {}


def evaluate(pages: list[CorpusPage]) -> tuple[list[Reading], dict[str, list[Reading]]]:
    mine = [_safe(ours, page) for page in pages]
    theirs: dict[str, list[Reading]] = {}
    for name, (module, factory) in PEERS.items():
        if importlib.util.find_spec(module) is None:
            continue
        read = factory()
        theirs[name] = [_safe(read, page) for page in pages]
    return mine, theirs


def table(pages: list[CorpusPage], mine: list[Reading], theirs: dict[str, list[Reading]]) -> str:
    lines = [f"{len(pages)} corpus pages; 'has' = pages with a value, 'agree' = same value / both"]
    header = f"{'field':<14}{'ours has':>10}" + "".join(f"{name:>27}" for name in theirs)
    lines.append(header)
    for field in FIELDS:
        ours_values = [normalise(field, reading.get(field)) for reading in mine]
        has = sum(value is not None for value in ours_values)
        cells = []
        for readings in theirs.values():
            peer_values = [normalise(field, reading.get(field)) for reading in readings]
            both = [(a, b) for a, b in zip(ours_values, peer_values, strict=True) if a and b]
            peer_has = sum(value is not None for value in peer_values)
            if not peer_has:
                cells.append(f"{'—':>27}")
                continue
            agree = sum(a == b for a, b in both)
            share = f"{100 * agree / len(both):.0f}%" if both else "–"
            cells.append(f"{f'has {peer_has}, agree {agree}/{len(both)} {share}':>27}")
        lines.append(f"{field:<14}{has:>10}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fields", description=__doc__)
    parser.add_argument("--pages", type=int, default=None, help="a spread of this many pages")
    parser.add_argument("--show", choices=FIELDS, help="print each page's values of a field")
    args = parser.parse_args(argv)
    pages = spread(load_corpus(), args.pages)
    mine, theirs = evaluate(pages)
    if args.show:
        for index, page in enumerate(pages):
            print(page.url)
            print(f"    ours: {mine[index].get(args.show)!r}")
            for name, readings in theirs.items():
                if args.show in readings[index]:
                    print(f"    {name}: {readings[index].get(args.show)!r}")
    print(table(pages, mine, theirs))


if __name__ == "__main__":
    main()
