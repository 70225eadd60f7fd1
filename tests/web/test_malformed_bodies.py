"""Bodies that are JSON of the wrong shape, or not JSON at all, against the real app over HTTP:
each is a 400 with a GraphQL-shaped error and a request id, never a 500 (Strawberry's body
parser calls `.get` on whatever JSON it was given), and the server goes on answering."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from settings import Settings
from tests.support.server import serve_app

JSON = {"content-type": "application/json"}


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with serve_app(settings) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"null", "must be a JSON object"),
        (b'"hello"', "must be a JSON object"),
        (b"5", "must be a JSON object"),
        (b"true", "must be a JSON object"),
        (b"\xff\xfe{}", "not JSON"),
        (b'{"query": "{ __typename }"', "not JSON"),
    ],
    ids=["null", "string", "number", "boolean", "invalid-utf8", "truncated"],
)
def test_a_malformed_body_is_a_graphql_shaped_400(
    client: httpx.Client, body: bytes, message: str
) -> None:
    response = client.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers.get("x-request-id")
    [error] = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    # The server is still there, and a well-formed request is answered as ever.
    fine = client.post("/graphql", json={"query": "{ __typename }"})
    assert fine.json() == {"data": {"__typename": "Query"}}
