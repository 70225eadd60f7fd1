"""Previews in the reader's language: the `language` argument (else the request's own
Accept-Language) reaches the origin as Accept-Language, and each language is its own cache
entry, beside the one a request without a language keeps."""

from __future__ import annotations

import pytest

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

PREVIEW = """
query ($url: String!, $language: LanguageTag) {
  preview(url: $url, language: $language) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { code message }
  }
}
"""
PREVIEWS = """
query ($urls: [String!]!, $language: LanguageTag) {
  previews(urls: $urls, language: $language) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { code message }
  }
}
"""
PLAIN = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { code message }
  }
}
"""
REFRESH = """
mutation ($url: String!, $language: LanguageTag) {
  refreshPreview(url: $url, language: $language) {
    __typename
    ... on LinkPreview { title }
    ... on PreviewError { code message }
  }
}
"""
TITLES = {"": "Welcome", "fr": "Bienvenue", "de": "Willkommen", "pt-br": "Bem-vindo"}


def _body(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body></body></html>".encode()


_pages = iter(range(1_000_000))


@pytest.fixture
def url(origin: CorpusOrigin) -> str:
    """A page (on a corpus host) whose title is in the language the request accepts."""
    address = f"https://www.nytimes.com/welcome/{next(_pages)}"
    origin.add_by_language(address, {tag: _body(title) for tag, title in TITLES.items()})
    return address


def _title(graph: GraphClient, document: str, **variables: object) -> str:
    answer = graph.query(document, **variables)
    found = answer.get("preview") or answer.get("refreshPreview")
    assert found is not None, answer
    assert found["__typename"] != "PreviewError", answer
    return str(found["title"])


def test_the_language_argument_reaches_the_origin(
    graph: GraphClient, origin: CorpusOrigin, url: str
) -> None:
    assert _title(graph, PREVIEW, url=url, language="fr") == TITLES["fr"]
    assert origin.languages_for(url) == ["fr"]
    # Any letter case is one language: BCP 47's canonical case goes upstream.
    assert _title(graph, PREVIEW, url=url, language="PT-br") == TITLES["pt-br"]
    assert origin.languages_for(url) == ["fr", "pt-BR"]


def test_two_languages_are_two_cache_entries(
    graph: GraphClient, origin: CorpusOrigin, url: str
) -> None:
    assert _title(graph, PREVIEW, url=url, language="fr") == TITLES["fr"]
    assert _title(graph, PREVIEW, url=url, language="de") == TITLES["de"]
    assert _title(graph, PREVIEW, url=url) == TITLES[""]
    assert origin.languages_for(url) == ["fr", "de", None]
    # Each is answered from its own entry now: no fetch, and no language mixed up.
    assert _title(graph, PREVIEW, url=url, language="de") == TITLES["de"]
    assert _title(graph, PREVIEW, url=url, language="fr") == TITLES["fr"]
    assert _title(graph, PREVIEW, url=url) == TITLES[""]
    assert _title(graph, PLAIN, url=url) == TITLES[""]
    assert origin.count(url) == 3


def test_a_batch_is_read_in_its_language(
    graph: GraphClient, origin: CorpusOrigin, url: str
) -> None:
    answer = graph.query(PREVIEWS, urls=[url, "not a link"], language="de")["previews"]
    assert answer[0]["title"] == TITLES["de"]
    assert answer[1]["code"] == "LINK_INVALID_URL"
    assert origin.languages_for(url) == ["de"]


def test_the_request_accept_language_is_used_without_the_argument(
    graph: GraphClient, origin: CorpusOrigin, url: str
) -> None:
    def ask(document: str, accept_language: str, **variables: object) -> str:
        response = graph.http.post(
            "/graphql",
            json={"query": document, "variables": {"url": url, **variables}},
            headers={"Accept-Language": accept_language},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["preview"]["title"])

    # The header's most wanted language, by q-value.
    assert ask(PLAIN, "de;q=0.5, fr;q=0.9, *;q=0.1") == TITLES["fr"]
    # The same document again (answered by its compiled plan now) in another language.
    assert ask(PLAIN, "de") == TITLES["de"]
    assert ask(PLAIN, "de") == TITLES["de"]
    # The argument wins over the header.
    assert ask(PREVIEW, "de", language="fr") == TITLES["fr"]
    # A header naming no language is no preference.
    assert ask(PLAIN, "*") == TITLES[""]
    assert origin.languages_for(url) == ["fr", "de", None]


def test_refresh_fetches_the_language_entry_again(
    graph: GraphClient, origin: CorpusOrigin, url: str
) -> None:
    assert _title(graph, PREVIEW, url=url, language="fr") == TITLES["fr"]
    assert _title(graph, REFRESH, url=url, language="fr") == TITLES["fr"]
    assert origin.languages_for(url) == ["fr", "fr"]


@pytest.mark.parametrize("language", ["", "f", "fr_FR", "en-", "x" * 40, "fr;q=1", "*"])
def test_a_malformed_language_is_refused_clearly(
    graph: GraphClient, origin: CorpusOrigin, url: str, language: str
) -> None:
    as_variable = {"query": PREVIEW, "variables": {"url": url, "language": language}}
    literal = f'{{ preview(url: "{url}", language: "{language}") {{ __typename }} }}'
    for body in (as_variable, {"query": literal}):
        response = graph.http.post("/graphql", json=body)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["data"] is None
        assert "is not a BCP 47 language tag" in answer["errors"][0]["message"], answer
    assert origin.count(url) == 0
