"""The extractors section 3 compares, and the worker that times one of them.

Each extractor turns a saved page (bytes, URL, Content-Type) into the title and image a
preview would show. Ours runs `parse_page` + `read_metadata` + `apply_site_rules`, exactly as
the direct backend does, and answers with the generic page title and image (`read_metadata`'s):
that is what the peers read, while a site rule's title is a platform's own wording (X posts
as "Name on X: “text”", TikTok and X profiles without the " | TikTok" and " / X" suffixes,
GitHub repositories by name) that would make agreement measure the rules.

The peers are what a Python user might pick instead, each used the way its documentation
shows, given the page's HTTP charset when there is one (as an HTTP client would) and
otherwise left to its own detection:

- linkpreview: `LinkPreview(Link(url, html), soup=...)` over one lxml BeautifulSoup (its
  default builds a soup per source, five parses a page: one is its fastest correct use);
  `title` and `absolute_image`.
- metadata-parser: `MetadataParser(url=..., html=...)`, its default strategy;
  `select_first_match("title")` and `get_metadata_link("image")`. It asks tldextract about
  hosts; that is pointed at its bundled suffix list, since there is no network here.
- extruct: `extract(html, base_url=..., syntaxes=[opengraph, json-ld, microdata, dublincore])`
  (RDFa and microformats left out, as a preview needs neither); title from og:title, then
  JSON-LD headline or name, then Dublin Core title; image from og:image, then JSON-LD image.
  It never reads `<title>`: it is a structured-data extractor, which its agreement shows.

`python -m bench.extractors` reads a `WorkerSpec` on stdin, times one extractor over the
corpus in this process alone (so its peak resident size is its own) and writes a
`WorkerResult` on stdout.
"""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.support.origin import CorpusPage, load_corpus

# (title, image) as the extractor gives them; compared after normalising.
Reading = tuple[str | None, str | None]
Extract = Callable[[CorpusPage], Reading]

OURS = "linkgraph"
PEERS = ("linkpreview", "metadata-parser", "extruct")
# The module each extractor needs, and the distribution its version comes from.
_REQUIRES = {
    OURS: ("selectolax", "linkgraph"),
    "linkpreview": ("linkpreview", "linkpreview"),
    "metadata-parser": ("metadata_parser", "metadata-parser"),
    "extruct": ("extruct", "extruct"),
}


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type, as the fetcher passes it to `parse_page`."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def installed(name: str) -> bool:
    return importlib.util.find_spec(_REQUIRES[name][0]) is not None


def version(name: str) -> str:
    try:
        return importlib.metadata.version(_REQUIRES[name][1])
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _ours() -> Extract:
    from extraction.metadata import read_metadata
    from extraction.page import parse_page
    from sites import apply_site_rules

    def extract(page: CorpusPage) -> Reading:
        parsed = parse_page(page.body, url=page.url, http_charset=charset_of(page.content_type))
        metadata = read_metadata(parsed)
        # Timed because the direct backend runs it on every page, but not compared: a site
        # rule's title and image are platform facts ("Name on X: “text”", a TikTok avatar at
        # full size) that no peer reads, so agreement would measure the rules, not extraction.
        apply_site_rules(page.url, parsed)
        image = metadata.image
        return metadata.title, image.source_url if image else None

    return extract


def _linkpreview() -> Extract:
    linkpreview: Any = importlib.import_module("linkpreview")
    bs4: Any = importlib.import_module("bs4")

    def extract(page: CorpusPage) -> Reading:
        soup = bs4.BeautifulSoup(page.body, "lxml", from_encoding=charset_of(page.content_type))
        preview = linkpreview.LinkPreview(linkpreview.Link(page.url, page.body), soup=soup)
        return preview.title, preview.absolute_image

    return extract


def _metadata_parser() -> Extract:
    metadata_parser: Any = importlib.import_module("metadata_parser")
    tldextract: Any = importlib.import_module("tldextract")
    metadata_parser.tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())

    def extract(page: CorpusPage) -> Reading:
        charset = charset_of(page.content_type)
        html = page.body.decode(charset, "replace") if charset else page.body
        parser = metadata_parser.MetadataParser(url=page.url, html=html)
        title = parser.parsed_result.select_first_match("title")
        return title, parser.get_metadata_link("image")

    return extract


def _extruct() -> Extract:
    extruct: Any = importlib.import_module("extruct")
    syntaxes = ["opengraph", "json-ld", "microdata", "dublincore"]

    def extract(page: CorpusPage) -> Reading:
        data = extruct.extract(
            page.body,
            base_url=page.url,
            encoding=charset_of(page.content_type),
            syntaxes=syntaxes,
            uniform=True,
            errors="ignore",
        )
        og: dict[str, Any] = next(iter(data.get("opengraph") or []), {})
        things = [thing for thing in data.get("json-ld") or [] if isinstance(thing, dict)]
        dublin: dict[str, Any] = next(iter(data.get("dublincore") or []), {})
        dc_title = next(
            (e.get("content") for e in dublin.get("elements", []) if e.get("name") == "title"),
            None,
        )
        title = _text(og.get("og:title")) or _first(things, "headline", "name") or dc_title
        image = _text(og.get("og:image")) or _first(things, "image")
        return title, image

    return extract


def _text(value: object) -> str | None:
    """A string, the first of a list, or the `url` of an ImageObject; else None."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value if isinstance(value, str) and value.strip() else None


def _first(things: list[dict[str, Any]], *keys: str) -> str | None:
    for key in keys:
        for thing in things:
            if found := _text(thing.get(key)):
                return found
    return None


FACTORIES: dict[str, Callable[[], Extract]] = {
    OURS: _ours,
    "linkpreview": _linkpreview,
    "metadata-parser": _metadata_parser,
    "extruct": _extruct,
}


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    name: str
    pages: int | None
    min_seconds: float


@dataclass(frozen=True, slots=True)
class WorkerResult:
    name: str
    version: str
    pages: int
    passes: int
    # Seconds of extraction in all passes, and in the median pass (the figure shown: a
    # moment of disturbance on the machine moves it less than the total).
    seconds: float
    median_pass_seconds: float
    megabytes: float
    failures: int
    # Resident size before the first page (interpreter, imports, the pages in memory) and
    # the highest it reached from then on, in MiB.
    base_rss_mib: float
    peak_rss_mib: float
    # [url, title, image] per page, from the first pass.
    readings: list[tuple[str, str | None, str | None]]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.median_pass_seconds if self.median_pass_seconds else 0.0


def spread(pages: list[CorpusPage], count: int | None) -> list[CorpusPage]:
    """`count` pages spread over the manifest (all of them for None)."""
    if count is None or count >= len(pages):
        return pages
    return [pages[index * len(pages) // count] for index in range(count)]


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def _reset_peak() -> float:
    """Start the high-water mark afresh (Linux: `5` to clear_refs resets VmHWM), so that the
    corpus loading before it does not count; returns the resident size now."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mib("VmRSS")


def time_extractor(spec: WorkerSpec) -> WorkerResult:
    """Run one extractor over the pages, whole passes until `min_seconds` have gone by."""
    pages = spread(load_corpus(), spec.pages)
    extract = FACTORIES[spec.name]()
    extract(pages[0])  # the libraries' own lazy imports and caches, outside the timing
    gc.collect()
    base = _reset_peak()
    failures = 0
    readings: list[tuple[str, str | None, str | None]] = []
    passes: list[float] = []
    while not passes or sum(passes) < spec.min_seconds:
        spent = 0.0
        for page in pages:
            started = time.perf_counter()
            try:
                title, image = extract(page)
            except Exception:
                failures += not passes
                title, image = None, None
            spent += time.perf_counter() - started
            if not passes:
                readings.append((page.url, title, image))
        passes.append(spent)
    return WorkerResult(
        name=spec.name,
        version=version(spec.name),
        pages=len(pages),
        passes=len(passes),
        seconds=sum(passes),
        median_pass_seconds=statistics.median(passes),
        megabytes=sum(len(page.body) for page in pages) / 1e6,
        failures=failures,
        base_rss_mib=base,
        peak_rss_mib=_status_mib("VmHWM"),
        readings=readings,
    )


def _main() -> None:
    spec = WorkerSpec(**json.load(sys.stdin))
    json.dump(asdict(time_extractor(spec)), sys.stdout)


if __name__ == "__main__":
    _main()
