"""The saved corpus as the bench uses it: the real HTTPS origin the tests use, the pictures its
pages point at, and which pages make up a batch.

The origin is `tests.support.origin.serve_corpus`, bound to a free loopback address of its own,
so that a bench run and a test run can happen at once.
The corpus holds pages, not images, so the bench serves a generated picture at every image and
icon URL our extractor finds on a page: the warm answers then carry image renditions,
placeholders and colours, as a real card's would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from bench.extractors import charset_of
from extraction.icons import favicon_url, fetchable_urls
from extraction.metadata import read_metadata
from extraction.page import parse_page
from model.record import TiktokUser
from sites import apply_site_rules
from tests.support.origin import CorpusOrigin, CorpusPage, load_corpus, serve_corpus

# The TikTok profile of the single-preview figures: verified, public, every count present.
TIKTOK_PROFILE = "https://www.tiktok.com/@illojuan"


@contextmanager
def corpus_origin(workdir: Path) -> Iterator[CorpusOrigin]:
    """The corpus origin on a free loopback address (ports 443 and 80; needs root)."""
    with serve_corpus(workdir) as origin:
        yield origin


def picture(width: int, height: int, kind: str) -> bytes:
    """A gradient picture: it compresses like a photo, not like a flat colour."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        shade = y * 255 // height
        draw.rectangle((0, y, width, y + 4), fill=(shade, 120, 255 - shade))
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 85} if kind == "JPEG" else {}))
    return out.getvalue()


def served_hosts(origin: CorpusOrigin) -> set[str]:
    """The names the origin's hosts file maps (and its certificate covers)."""
    return set(origin.hosts_path.read_text().split()[1:])


def serve_pictures(origin: CorpusOrigin, pages: Sequence[CorpusPage]) -> int:
    """Serve a picture at each image, avatar and icon URL of `pages` on a host the origin
    answers for; returns how many URLs got one."""
    hosts = served_hosts(origin)
    photo = picture(1200, 630, "JPEG")
    icon = picture(64, 64, "PNG")
    served = 0
    for page in pages:
        parsed = parse_page(page.body, url=page.url, http_charset=charset_of(page.content_type))
        metadata = read_metadata(parsed)
        site = apply_site_rules(page.url, parsed)
        images = [metadata.image, site.image if site else None]
        if site and isinstance(site.details, TiktokUser):
            images.append(site.details.avatar)
        icons = [*fetchable_urls(metadata.icons), favicon_url(page.url)]
        wanted = [(ref.source_url, photo, "image/jpeg") for ref in images if ref is not None]
        wanted += [(url, icon, "image/png") for url in icons if url]
        for url, body, content_type in wanted:
            if urlsplit(url).hostname in hosts:
                origin.add(url, body, content_type)
                served += 1
    return served


def batch_urls(pages: Sequence[CorpusPage], size: int) -> list[str]:
    """`size` distinct corpus URLs spread over the whole manifest (it is grouped by source,
    so the first N would all be social platforms)."""
    urls = list(dict.fromkeys(page.url for page in pages))
    if size >= len(urls):
        return urls
    return [urls[index * len(urls) // size] for index in range(size)]


__all__ = [
    "TIKTOK_PROFILE",
    "CorpusOrigin",
    "CorpusPage",
    "batch_urls",
    "corpus_origin",
    "load_corpus",
    "serve_pictures",
]
