"""GraphQL over HTTP against the real app over real HTTP: the media type follows `Accept`
(`application/graphql-response+json` or `application/json`), a request that cannot run is a
400 without `data` in the spec's own type, and every refusal, from the guards in front of
GraphQL or from Strawberry, is GraphQL-shaped JSON with a code in the type asked for, never
`text/plain` and never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from settings import Settings
from tests.support.server import serve_app
from web.bodies import too_deep
from web.media import GRAPHQL_RESPONSE, negotiate

GQL = {"accept": GRAPHQL_RESPONSE}
LEGACY = {"accept": "application/json"}


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with (
        serve_app(settings.model_copy(update={"max_body_bytes": 4096})) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        yield http


def refusal(response: httpx.Response, status: int, code: str, media_type: str) -> str:
    """Asserts the GraphQL-shaped refusal; returns its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    body: dict[str, Any] = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}
    message: str = error["message"]
    assert message
    return message


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        # Apollo Client 4's own header.
        (f"{GRAPHQL_RESPONSE},application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0, application/json", "application/json"),
        ("text/html", "application/json"),
        ("application/*;q=0.8, text/html", "application/json"),
    ],
)
def test_negotiate_picks_the_best_acceptable_type(accept: str, expected: str) -> None:
    assert negotiate(accept) == expected


def test_a_query_is_answered_in_the_media_type_asked_for(client: httpx.Client) -> None:
    for accept, media_type in [
        (GQL, GRAPHQL_RESPONSE),
        (LEGACY, "application/json"),
        ({}, "application/json"),
    ]:
        # Twice: the second answer comes from the compiled plan, which writes bytes itself.
        for _ in range(2):
            response = client.post("/graphql", json={"query": "{ __typename }"}, headers=accept)
            assert response.status_code == 200
            assert response.headers["content-type"] == media_type
            assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "request_body",
    [
        {"query": "{ __typename"},  # does not parse
        {"query": "{ nope }"},  # does not validate
        {"query": "query ($u: String!) { preview(url: $u) { __typename } }", "variables": {}},
    ],
    ids=["parse", "validation", "coercion"],
)
def test_a_request_that_cannot_run_is_a_400_without_data_in_the_spec_type(
    client: httpx.Client, request_body: dict[str, Any]
) -> None:
    response = client.post("/graphql", json=request_body, headers=GQL)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"]
    # The legacy type keeps the legacy answer: 200 with `data: null`.
    legacy = client.post("/graphql", json=request_body, headers=LEGACY)
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"
    assert legacy.json()["data"] is None


@pytest.mark.parametrize("accept", [GQL, LEGACY], ids=["graphql-response", "json"])
def test_every_refusal_is_graphql_shaped_json_with_a_code(
    client: httpx.Client, accept: dict[str, str]
) -> None:
    media_type = accept["accept"]
    query = {"query": "{ __typename }"}
    batch = client.post("/graphql", json=[query, query], headers=accept)
    assert "previews(urls:)" in refusal(batch, 400, "BATCHING_NOT_SUPPORTED", media_type)

    get = client.get("/graphql", params=query, headers=accept)
    refusal(get, 405, "METHOD_NOT_ALLOWED", media_type)
    assert get.headers["allow"] == "POST"

    for headers in ({"content-type": "text/plain"}, {}):
        wrong = client.post(
            "/graphql", content=b'{"query":"{ __typename }"}', headers={**accept, **headers}
        )
        refusal(wrong, 415, "UNSUPPORTED_MEDIA_TYPE", media_type)

    unknown = client.post(
        "/graphql",
        json={"query": "query A { __typename } query B { __typename }", "operationName": "C"},
        headers=accept,
    )
    assert '"C"' in refusal(unknown, 400, "OPERATION_NOT_FOUND", media_type)

    missing = client.post("/graphql", json={"qeury": "{ __typename }"}, headers=accept)
    refusal(missing, 400, "BAD_REQUEST", media_type)

    large = client.post("/graphql", json={"query": "{ __typename }" + " " * 5000}, headers=accept)
    refusal(large, 413, "BODY_TOO_LARGE", media_type)

    not_json = client.post(
        "/graphql", content=b'{"query', headers={**accept, "content-type": "application/json"}
    )
    refusal(not_json, 400, "BAD_REQUEST", media_type)


def test_the_rate_limit_refusal_is_in_the_type_asked_for(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_capacity": 1, "rate_refill": 0.001})
    with serve_app(limited) as url, httpx.Client(base_url=url, timeout=30) as http:
        assert http.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        over = http.post("/graphql", json={"query": "{ __typename }"}, headers=GQL)
        refusal(over, 429, "RATE_LIMITED", GRAPHQL_RESPONSE)
        assert int(over.headers["retry-after"]) >= 1


DEEP = "[" * 1100 + "]" * 1100  # about 2 KB, deeper than any JSON parser's recursion


@pytest.mark.parametrize(
    "send",
    [
        lambda http: http.post(
            "/graphql", content=DEEP.encode(), headers={"content-type": "application/json"}
        ),
        lambda http: http.post(
            "/graphql",
            content=b'{"query":"{ __typename }","variables":{"a":' + DEEP.encode() + b"}}",
            headers={"content-type": "application/json"},
        ),
        # An automatic persisted query is parsed by its own middleware first.
        lambda http: http.post(
            "/graphql",
            content=(
                b'{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"'
                + b"0" * 64
                + b'"}},"variables":'
                + DEEP.encode()
                + b"}"
            ),
            headers={"content-type": "application/json"},
        ),
        # GET's variables are JSON too, parsed before GET is refused.
        lambda http: http.get(
            "/graphql",
            params={"query": "{ __typename }", "variables": DEEP},
            headers={"accept": "application/json"},
        ),
    ],
    ids=["body", "variables", "persisted-query", "get-variables"],
)
def test_json_nested_too_deep_is_a_400_with_a_code(client: httpx.Client, send: Any) -> None:
    response = send(client)
    assert "deeply" in refusal(response, 400, "JSON_TOO_DEEP", "application/json")
    # The server is still there, and a well-formed request is answered as ever.
    fine = client.post("/graphql", json={"query": "{ __typename }"})
    assert fine.json() == {"data": {"__typename": "Query"}}


def test_too_deep_counts_nesting_not_brackets() -> None:
    assert too_deep(b"[" * 1100 + b"]" * 1100)
    assert not too_deep(b"[" * 64 + b"]" * 64)
    assert too_deep(b"[" * 65 + b"]" * 65)
    assert too_deep(b'{"a":' * 33 + b"[" * 32 + b"1" + b"]" * 32 + b"}" * 33)
    # Siblings do not add up, and brackets inside strings are text.
    assert not too_deep(b"[" + b"[[1],[2]]," * 500 + b"0]")
    assert not too_deep(b'{"q":"' + b"[" * 500 + b'"}')
    assert not too_deep(b'{"q":"\\"' + b"{" * 500 + b'"}')
    assert too_deep(b"[1,[]," * 70 + b"0" + b"]" * 70)
