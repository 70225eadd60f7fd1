"""Section 4: the app's resident size with a large cache, before and after reading from it.

The SQLite cache is filled through `SqliteCache.put`, before the server starts, with N records
made from real ones: the warm section's cached previews (pictures, placeholders and all) when
it ran, else our extraction of the corpus pages; each copy gets a URL of its own. The server
(its own subprocess, fresh) is then asked for a sample of them in batches, and its VmRSS and
VmHWM are read from /proc before and after.

The server is given no hosts file: a record missed in the cache would have to be fetched and
would come back as an error, so the count of previews returned shows they were all cached.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import msgspec

from bench import queries
from bench.config import DEFAULT_MAX_URLS, Sizes
from bench.extractors import charset_of, spread
from bench.servers import Memory, app_env, free_port, memory, serve
from bench.warm import WarmResult
from extraction.metadata import read_metadata
from extraction.page import parse_page
from fetching import normalize_url
from model.record import Icon, LinkType, Preview
from previews.domains import registrable_domain
from previews.sqlite_cache import SqliteCache
from sites import apply_site_rules
from tests.support.origin import load_corpus

TTL = 86_400.0


@dataclass(frozen=True, slots=True)
class MemoryResult:
    records: int
    templates: int
    template_source: str
    database_mib: float
    sample: int
    previews_returned: int
    before: Memory
    after: Memory


async def _cached(path: Path, urls: Sequence[str]) -> list[Preview]:
    cache = SqliteCache(path)
    try:
        found = await cache.get_many([normalize_url(url) for url in urls])
    finally:
        await cache.aclose()
    return [outcome for outcome in found.values() if isinstance(outcome, Preview)]


def _extracted() -> list[Preview]:
    """Previews of the corpus pages as the direct backend builds them, without pictures."""
    records = []
    for page in spread(load_corpus(), 50):
        parsed = parse_page(page.body, url=page.url, http_charset=charset_of(page.content_type))
        metadata = read_metadata(parsed)
        site = apply_site_rules(page.url, parsed)
        first_icon = metadata.icons[0] if metadata.icons else None
        records.append(
            Preview(
                url=page.url,
                final_url=page.url,
                domain=registrable_domain(page.url),
                type=site.link_type if site else LinkType.PAGE,
                status=200,
                updated_at=datetime.now(UTC),
                size=len(page.body),
                title=(site and site.title) or metadata.title,
                description=(site and site.description) or metadata.description,
                icon=Icon(first_icon.url) if first_icon else None,
                image=(site and site.image) or metadata.image,
                details=site.details if site else None,
            )
        )
    return records


def _variant(url: str, index: int) -> str:
    """`url` with a query parameter of its own, so that every copy is a distinct link."""
    parts = urlsplit(url)
    query = f"{parts.query}&lgbench={index}" if parts.query else f"lgbench={index}"
    return urlunsplit(parts._replace(query=query, fragment=""))


async def _fill(path: Path, templates: Sequence[Preview], count: int) -> list[str]:
    cache = SqliteCache(path)
    urls = []
    try:
        for index in range(count):
            url = _variant(templates[index % len(templates)].url, index)
            key = normalize_url(url)
            record = msgspec.structs.replace(templates[index % len(templates)], url=key)
            await cache.put(key, record, TTL)
            urls.append(url)
    finally:
        await cache.aclose()
    return urls


def _query(http: httpx.Client, urls: Sequence[str]) -> int:
    response = http.post(
        "/graphql", content=queries.many(urls), headers={"content-type": "application/json"}
    )
    response.raise_for_status()
    document = json.loads(response.content)
    if document.get("errors"):
        raise RuntimeError(f"the memory query failed: {document['errors']}")
    return sum(1 for r in document["data"]["previews"] if r["__typename"] != "PreviewError")


def run_memory(sizes: Sizes, workdir: Path, warm: WarmResult | None) -> MemoryResult:
    templates: list[Preview] = []
    source = "warm section's cached previews"
    if warm is not None:
        urls = [url for case in warm.cases for url in case.urls]
        templates = asyncio.run(_cached(warm.cache_path, urls))
    if not templates:
        templates, source = _extracted(), "corpus extraction (no pictures)"
    data_dir = workdir / "memory-data"
    database = data_dir / "cache.sqlite3"
    urls = asyncio.run(_fill(database, templates, sizes.memory_records))
    size = sum(path.stat().st_size for path in data_dir.glob("cache.sqlite3*"))
    sample = [
        urls[index * len(urls) // sizes.memory_sample] for index in range(sizes.memory_sample)
    ]
    port = free_port()
    env = app_env(data_dir, port, max_urls=max(sizes.batch, DEFAULT_MAX_URLS))
    with serve("memory-app", "app:app", env, workdir, port) as app:
        before = memory(app.pid)
        returned = 0
        with httpx.Client(base_url=app.base_url, timeout=120) as http:
            for start in range(0, len(sample), sizes.batch):
                returned += _query(http, sample[start : start + sizes.batch])
        after = memory(app.pid)
    return MemoryResult(
        records=sizes.memory_records,
        templates=len(templates),
        template_source=source,
        database_mib=size / 2**20,
        sample=len(sample),
        previews_returned=returned,
        before=before,
        after=after,
    )
