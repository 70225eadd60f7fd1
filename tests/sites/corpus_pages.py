"""Corpus pages for the site-rule tests: parsed as the service parses them, and their head
read a second way, with the standard library, so that expected values come from the page
itself and not from the code under test."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from extraction.page import ParsedPage, parse_page
from tests.support.origin import CORPUS_DIR


class Head(HTMLParser):
    """The page's own meta, title and JSON-LD, read with the stdlib to check the rule."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.json_ld: list[Any] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta":
            key = found.get("property") or found.get("name")
            # Some pages (Reddit's 2018 redesign) write `value=` where `content=` belongs.
            content = found["content"] if "content" in found else found.get("value")
            if key and content is not None:
                self.meta.setdefault(key.lower(), content)
        elif tag == "script" and "ld+json" in (found.get("type") or ""):
            self._in = "ld"
        elif tag == "title" and not self.title:
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "ld":
            self.json_ld.append(json.loads(data))
        elif self._in == "title":
            self.title += data


def _entry_body(name: str) -> tuple[dict[str, Any], bytes]:
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text())
    entry = next(e for e in manifest if e["file"].endswith(name))
    body = (CORPUS_DIR / entry["file"]).read_bytes()
    if entry.get("raw_http_response"):
        body = re.split(rb"\r?\n\r?\n", body, maxsplit=1)[1]
    return entry, body


def page_text(name: str) -> str:
    """A corpus page's HTML (a saved response without its head), as text."""
    return _entry_body(name)[1].decode("utf-8", "replace")


def corpus(name: str) -> tuple[str, ParsedPage, Head]:
    """A corpus page parsed as the service parses it, and its head read independently."""
    entry, body = _entry_body(name)
    head = Head()
    head.feed(body.decode("utf-8", "replace"))
    return entry["url"], parse_page(body, url=entry["url"], marks=True), head
