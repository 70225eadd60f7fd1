"""A page's main content, read by trafilatura: the article's text, its byline and its picture.

Finding the article in a page (dropping navigation, comments, footers, related links) is a
solved problem that trafilatura leads the public benchmarks on; this module only calls it and
keeps what previews need. It is CPU work on hostile markup, so it is never called on the
event loop: the direct backend runs `read_article` in a worker thread under the link's
deadline, on the bytes already read, and pages larger than `MAX_ARTICLE_CHARS` are not
handed to it at all. Like `parse_page`, it never raises: a page it cannot read has no article.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Final

from lxml import etree
from trafilatura import bare_extraction
from trafilatura.core import determine_returnstring
from trafilatura.settings import Extractor, use_config
from trafilatura.utils import load_html

from extraction.text import collapse_whitespace, reading_minutes

logger = logging.getLogger(__name__)

# Larger documents are not read for their article: trafilatura's time grows with the tree,
# and a real article page is well under this once decoded.
MAX_ARTICLE_CHARS: Final = 2_000_000
# Trafilatura's own bound on the tree it builds (elements).
MAX_TREE_SIZE: Final = 200_000
# Article text shorter than this is chrome ("Sign in", a cookie notice), not an article.
MIN_ARTICLE_CHARS: Final = 200
MAX_AUTHORS: Final = 20
# An image declared narrower than this is an icon or a badge, never the article's picture.
MIN_IMAGE_EDGE: Final = 200
# Pictures looked at for the largest one, in document order.
MAX_IMAGES: Final = 200
_ICONISH: Final = re.compile(r"(?:\.svg(?:$|\?)|icon|logo|sprite|badge|avatar|pixel|spacer)", re.I)
_WORDS: Final = re.compile(r"\w+")
# Trafilatura's settings, with its bound on the tree it builds set.
_CONFIG: Final = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))


@dataclass(frozen=True, slots=True)
class Article:
    """What trafilatura found; every part may be missing."""

    text: str | None = None
    markdown: str | None = None
    html: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    # "YYYY-MM-DD", as htmldate (inside trafilatura) finds it.
    date: str | None = None
    site_name: str | None = None
    image: str | None = None
    words: int = 0

    @property
    def reading_minutes(self) -> int | None:
        return reading_minutes(self.words)


def read_article(html: str, url: str) -> Article | None:
    """The article in `html` (already decoded), or None when there is none or it is too big."""
    if len(html) > MAX_ARTICLE_CHARS:
        return None
    try:
        return _read(html, url)
    except Exception:  # a library failing on one page must not take the preview down
        logger.info("no article read from %s", url, exc_info=True)
        return None


def _read(html: str, url: str) -> Article | None:
    tree = load_html(html)
    if tree is None:
        return None
    # Read before trafilatura prunes the tree: the picture may sit outside the text it keeps.
    page_image = _largest_image(tree)
    document: Any = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_images=True,
        include_comments=False,
        include_tables=True,
        output_format="python",
        config=_CONFIG,
    )
    if document is None:
        return None
    body = getattr(document, "body", None)
    image = (_main_image(body) if body is not None else None) or page_image
    text = markdown = clean_html = None
    if body is not None:
        # Pictures belong in `image`, not in the text documents.
        etree.strip_elements(body, "graphic", with_tail=False)
        text = _render(document, "txt")
    words = len(_WORDS.findall(text)) if text else 0
    if text and len(text) >= MIN_ARTICLE_CHARS:
        markdown = _render(document, "markdown")
        clean_html = _render(document, "html")
    else:
        text, words = None, 0
    return Article(
        text=text,
        markdown=markdown,
        html=clean_html,
        title=_clean(document.title),
        authors=_authors(document.author),
        date=_clean(document.date),
        site_name=_clean(document.sitename),
        image=image,
        words=words,
    )


def _render(document: Any, output_format: str) -> str | None:
    options = Extractor(config=_CONFIG, output_format=output_format)
    rendered = determine_returnstring(document, options)
    return rendered.strip() or None if isinstance(rendered, str) else None


def _main_image(body: Any) -> str | None:
    """The first picture in the article that is not an icon: the one a reader sees first."""
    for graphic in body.iter("graphic"):
        source = (graphic.get("src") or "").strip()
        if not source or source.startswith("data:") or _ICONISH.search(source):
            continue
        if any(_small(graphic.get(edge)) for edge in ("width", "height")):
            continue
        return source
    return None


def _largest_image(tree: Any) -> str | None:
    """The largest picture the article (`<article>`, `<main>`, else the page) declares at
    least `MIN_IMAGE_EDGE` pixels on each side; else the article's first picture that does
    not look like an icon."""
    scopes = tree.xpath("//article | //main | //*[@role='main']")
    images = [image for scope in scopes[:3] for image in scope.iter("img")] or [*tree.iter("img")]
    best: tuple[int, str] | None = None
    first: str | None = None
    for image in images[:MAX_IMAGES]:
        source = (image.get("src") or image.get("data-src") or "").strip()
        if not source or source.startswith("data:") or _ICONISH.search(source):
            continue
        width, height = _edge(image.get("width")), _edge(image.get("height"))
        if width and height:
            big = width >= MIN_IMAGE_EDGE and height >= MIN_IMAGE_EDGE
            if big and (best is None or width * height > best[0]):
                best = (width * height, source)
        elif first is None and scopes and not (width or height):
            first = source
    return best[1] if best else first


def _edge(value: str | None) -> int | None:
    digits = (value or "").strip().lower().removesuffix("px")
    return int(digits) if digits.isdigit() and len(digits) <= 5 else None


def _small(value: str | None) -> bool:
    digits = (value or "").strip().lower().removesuffix("px")
    return digits.isdigit() and int(digits) < MIN_IMAGE_EDGE


def _authors(value: str | None) -> tuple[str, ...]:
    """Trafilatura joins several authors with "; "."""
    if not value:
        return ()
    names = (collapse_whitespace(name) for name in value.split(";"))
    return tuple(dict.fromkeys(name for name in names if name))[:MAX_AUTHORS]


def _clean(value: str | None) -> str | None:
    return collapse_whitespace(value) or None if value else None
