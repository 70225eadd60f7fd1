"""Every corpus page that has a URL gets an answer, and none upsets the server."""

from __future__ import annotations

import json

from tests.conftest import GraphClient
from tests.support.origin import CORPUS_DIR, CorpusOrigin, load_corpus

QUERY = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { url type status title }
    ... on PreviewError { url code message }
  }
}
"""


def test_every_corpus_page_gets_a_fitting_answer(graph: GraphClient, origin: CorpusOrigin) -> None:
    pages = load_corpus()
    manifest = {
        entry["file"]: entry for entry in json.loads((CORPUS_DIR / "manifest.json").read_text())
    }
    assert len(pages) > 100
    answers = []
    for start in range(0, len(pages), 25):
        chunk = pages[start : start + 25]
        answers.extend(graph.query(QUERY, urls=[page.url for page in chunk])["previews"])
    assert len(answers) == len(pages)
    failures = []
    for page, answer in zip(pages, answers, strict=True):
        facts = manifest[page.file]
        if answer["__typename"] == "PreviewError":
            failures.append((page.file, answer["code"], answer["message"]))
            continue
        assert answer["status"] == page.status
        if facts["has_og_title"] or facts["has_title"]:
            assert answer["title"], f"{page.file} has a title the preview lost"
    # The origin serves each page as its site did (HTML, status 200), so none may fail.
    assert failures == [], "\n".join(map(str, failures))
    # And the server still answers afterwards.
    again = graph.query(QUERY, urls=[pages[0].url])["previews"][0]
    assert again["__typename"] != "PreviewError"
