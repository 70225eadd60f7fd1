"""Peekalink's page fields end to end: corpus pages through GraphQL over real HTTP, each value
checked against the saved page read here independently (the standard library's HTMLParser
and json, not the service's Lexbor reader), and the text documents fetched from /media."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin, CorpusPage, load_corpus

QUERY = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview {
      url title language redirectionUrl redirectionCount redirectionTrail
    }
    ... on PagePreview {
      page {
        siteName headline authors publishedAt modifiedAt canonicalUrl themeColor
        estimatedReadingTimeInMinutes rawTextUrl markdownUrl htmlUrl
      }
    }
    ... on PreviewError { code message }
  }
}
"""
_WORDS = re.compile(r"\w+")


@dataclass
class Declared:
    """What a saved page declares, as a plain HTML parser reads it."""

    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    json_ld: list[Any] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Declared()
        self._in_json_ld = False
        self._script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and self.found.lang is None and values.get("lang"):
            self.found.lang = values["lang"]
        elif tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values:
                self.found.meta.setdefault(key, values["content"])
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self._in_json_ld, self._script = True, []

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            with contextlib.suppress(ValueError):
                self.found.json_ld.append(json.loads("".join(self._script)))


def declared(page: CorpusPage) -> Declared:
    reader = _Reader()
    reader.feed(page.body.decode("utf-8", "replace"))
    return reader.found


def _squash(value: str) -> str:
    return "".join(character for character in value.lower() if character.isalnum())


def _iso(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _answers(graph: GraphClient, pages: list[CorpusPage]) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for start in range(0, len(pages), 25):
        chunk = pages[start : start + 25]
        answers.extend(graph.query(QUERY, urls=[page.url for page in chunk])["previews"])
    return answers


def test_corpus_pages_answer_with_the_fields_their_markup_declares(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    pages = [page for page in load_corpus() if page.content_type.startswith("text/html")]
    checked = {"language": 0, "siteName": 0, "publishedAt": 0, "headline": 0, "documents": 0}
    for page, answer in zip(pages, _answers(graph, pages), strict=True):
        assert answer["__typename"] != "PreviewError", (page.url, answer)
        found = declared(page)
        if found.lang and re.fullmatch(r"[A-Za-z]{2,3}([-_].*)?", found.lang.strip()):
            primary = found.lang.strip().replace("_", "-").split("-")[0].lower()
            assert answer["language"] == primary, page.url
            checked["language"] += 1
        assert answer["redirectionCount"] == 0
        assert answer["redirectionTrail"] == []
        assert answer["redirectionUrl"] is None
        if answer["__typename"] != "PagePreview":
            continue
        details = answer["page"]
        assert details is not None, page.url
        site_name = " ".join(found.meta.get("og:site_name", "").split())
        if site_name and "<" not in site_name and "&" not in site_name:
            assert details["siteName"] == site_name, page.url
            checked["siteName"] += 1
        published = _iso(found.meta.get("article:published_time", ""))
        if published is not None:
            assert _iso(details["publishedAt"]) == published, page.url
            checked["publishedAt"] += 1
        headline = next(
            (
                thing["headline"]
                for thing in found.json_ld
                if isinstance(thing, dict) and isinstance(thing.get("headline"), str)
            ),
            None,
        )
        if headline and details["headline"]:
            # Ours may drop a trailing "| Site" from it; never anything else.
            assert _squash(details["headline"]) in _squash(headline), page.url
            checked["headline"] += 1
        if details["rawTextUrl"]:
            text = httpx.get(details["rawTextUrl"], timeout=30)
            assert text.status_code == 200
            assert text.headers["content-type"] == "text/plain; charset=utf-8"
            words = len(_WORDS.findall(text.text))
            assert details["estimatedReadingTimeInMinutes"] == -(-words // 230)  # rounded up
            checked["documents"] += 1
    # Each rule was exercised on real pages, not vacuously.
    assert all(count >= 5 for count in checked.values()), checked


def test_the_article_documents_are_signed_and_never_run(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    pages = [
        page
        for page in load_corpus()
        if page.content_type.startswith("text/html") and b"<article" in page.body
    ][:6]
    answers = _answers(graph, pages)
    with_text = [a["page"] for a in answers if a["__typename"] == "PagePreview" and a["page"]]
    documents = [details for details in with_text if details["htmlUrl"]]
    assert documents, "no corpus article got its documents"
    details = documents[0]
    markdown = httpx.get(details["markdownUrl"], timeout=30)
    assert markdown.status_code == 200
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    text = httpx.get(details["rawTextUrl"], timeout=30).text
    # The same article in both: its first words are in the Markdown too.
    first_words = " ".join(_WORDS.findall(text)[:5])
    assert first_words
    assert first_words in " ".join(_WORDS.findall(markdown.text))
    html = httpx.get(details["htmlUrl"], timeout=30)
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.headers["content-disposition"].startswith("attachment")
    assert html.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in html.headers["content-security-policy"]
    assert "<script" not in html.text.lower()
    # A signature that is not ours serves nothing.
    forged = re.sub(r"/media/[^/]+/", "/media/AAAA/", details["htmlUrl"])
    assert httpx.get(forged, timeout=30).status_code == 404


def test_a_redirected_link_reports_its_trail(graph: GraphClient, origin: CorpusOrigin) -> None:
    target = next(page for page in load_corpus() if page.content_type.startswith("text/html"))
    host = target.url.split("/")[2]
    first = f"https://{host}/linkgraph-test/old"
    second = f"https://{host}/linkgraph-test/older"
    origin.add_redirect(first, second)
    origin.add_redirect(second, target.url)
    answer = graph.query(QUERY, urls=[first])["previews"][0]
    assert answer["redirectionCount"] == 2
    assert answer["redirectionUrl"] == target.url
    assert answer["redirectionTrail"] == [first, second, target.url]
