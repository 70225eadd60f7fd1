"""Every request limit refuses before anything is fetched (the origin's log stays empty)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from settings import Settings
from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin
from tests.support.server import serve_app

URL = "https://github.com/steventroughtonsmith/marzipanify"
FIELDS = "{ ... on LinkPreview { title } }"


def post(graph: GraphClient, payload: object) -> tuple[int, dict[str, object]]:
    response = graph.http.post("/graphql", json=payload)
    return response.status_code, response.json()


def error_text(body: dict[str, object]) -> str:
    return " ".join(str(error) for error in body.get("errors") or [])  # type: ignore[attr-defined]


def test_a_thousand_aliases_are_refused(graph: GraphClient, origin: CorpusOrigin) -> None:
    aliases = " ".join(f'a{i}: preview(url: "{URL}?n={i}") {FIELDS}' for i in range(1000))
    _, body = post(graph, {"query": f"{{ {aliases} }}"})
    assert body.get("data") is None
    # Whichever limit it meets first: its size (~60 KiB), its tokens or its aliases.
    assert any(word in error_text(body).lower() for word in ("alias", "token", "bytes long"))
    assert origin.hits == []


def test_aliases_hidden_in_a_repeated_fragment_are_counted(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    spreads = " ".join("...F" for _ in range(100))
    pair = f'a: preview(url: "{URL}") {FIELDS} b: preview(url: "{URL}") {FIELDS}'
    fragment = f"fragment F on Query {{ {pair} }}"
    _, body = post(graph, {"query": f"{{ {spreads} }} {fragment}"})
    assert body.get("data") is None
    assert "alias" in error_text(body).lower()
    assert origin.hits == []


def test_a_500_link_batch_is_refused_before_any_fetch(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    urls = [f"{URL}?n={i}" for i in range(500)]
    query = f"query ($urls: [String!]!) {{ previews(urls: $urls) {FIELDS} }}"
    status, body = post(graph, {"query": query, "variables": {"urls": urls}})
    assert status == 200
    assert body["data"] is None
    assert "URL_BUDGET_EXCEEDED" in error_text(body)
    assert origin.hits == []


def test_a_two_megabyte_body_is_refused_unread(graph: GraphClient, origin: CorpusOrigin) -> None:
    query = f'{{ preview(url: "{URL}") {FIELDS} }}' + " " * (2 * 1024 * 1024)
    status, body = post(graph, {"query": query})
    assert status == 413
    assert "BODY_TOO_LARGE" in error_text(body)
    assert origin.hits == []


def test_a_chunked_body_over_the_limit_is_cut_off(graph: GraphClient, origin: CorpusOrigin) -> None:
    """No Content-Length to refuse by: the body is counted as it arrives."""
    query = f'{{ preview(url: "{URL}") {FIELDS} }}' + " " * (2 * 1024 * 1024)
    data = json.dumps({"query": query}).encode()
    chunks = (data[start : start + 65536] for start in range(0, len(data), 65536))
    response = graph.http.post(
        "/graphql", content=chunks, headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert "BODY_TOO_LARGE" in error_text(response.json())
    assert origin.hits == []


def test_a_deep_query_is_refused(graph: GraphClient, origin: CorpusOrigin) -> None:
    deep = "__typename " + "".join("... on Query { " for _ in range(30)) + "}" * 30
    query = f'{{ preview(url: "{URL}") {FIELDS} {deep} }}'
    _, body = post(graph, {"query": query})
    assert body.get("data") is None
    assert origin.hits == []


def test_batched_operations_and_get_queries_are_refused(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    operation = {"query": f'{{ preview(url: "{URL}") {FIELDS} }}'}
    batch = graph.http.post("/graphql", json=[operation] * 100)
    assert batch.status_code >= 400
    get = graph.http.get("/graphql", params=operation, headers={"accept": "application/json"})
    assert get.status_code >= 400
    assert origin.hits == []


@pytest.fixture
def tight(settings: Settings) -> Iterator[GraphClient]:
    strict = settings.model_copy(update={"max_urls_per_request": 3, "graphiql": False})
    with serve_app(strict) as url:
        yield GraphClient(url)


def test_the_url_budget_counts_distinct_links_through_fragments_and_variables(
    tight: GraphClient, origin: CorpusOrigin
) -> None:
    query = """
    query ($more: [String!]!) {
      a: preview(url: "https://github.com/x/one") { __typename }
      ... on Query { b: preview(url: "https://github.com/x/two") { __typename } }
      ...F
    }
    fragment F on Query { previews(urls: $more) { __typename } }
    """
    three = {"more": ["https://github.com/x/one", "https://github.com/x/three"]}
    _, body = post(tight, {"query": query, "variables": three})
    assert body["data"] is not None, body
    fetched = len(origin.hits)
    assert fetched >= 3
    four = {"more": ["https://github.com/x/three", "https://github.com/x/four"]}
    _, body = post(tight, {"query": query, "variables": four})
    assert body["data"] is None
    assert "URL_BUDGET_EXCEEDED" in error_text(body)
    assert len(origin.hits) == fetched


def test_introspection_and_graphiql_turn_off_together(tight: GraphClient) -> None:
    _, body = post(tight, {"query": "{ __schema { types { name } } }"})
    assert body.get("data") is None
    assert "introspection" in error_text(body).lower()
    page = tight.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code >= 400
    assert "graphiql" not in page.text.lower()


def test_several_operations_without_a_name_run_none(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    """The spec's operation choice: with no operationName a document of several operations
    is an error, not its first operation; naming one runs that one alone."""
    first, second = f"{URL}?op=first", f"{URL}?op=second"
    document = (
        f'query First {{ preview(url: "{first}") {FIELDS} }} '
        f'query Second {{ preview(url: "{second}") {FIELDS} }}'
    )
    _, body = post(graph, {"query": document})
    assert body.get("data") is None
    assert "OPERATION_NAME_REQUIRED" in error_text(body)
    assert origin.hits == []
    _, named = post(graph, {"query": document, "operationName": "Second"})
    assert "errors" not in named, named
    assert [hit.target for hit in origin.hits] == [second.removeprefix("https://github.com")]
