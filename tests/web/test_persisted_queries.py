"""Automatic persisted queries over real HTTP, and the bounded store behind them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from settings import Settings
from tests.support.server import serve_app
from web.persisted_queries import MemoryQueryStore

QUERY = "query Probe($skip: Boolean!) { __typename @skip(if: $skip) }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
        "variables": {"skip": False},
    }
    if query is not None:
        body["query"] = query
    return body


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with serve_app(settings) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def test_an_unknown_hash_asks_for_the_query(client: httpx.Client) -> None:
    response = client.post("/graphql", json=persisted(DIGEST))
    assert response.status_code == 200
    body = response.json()
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"


def test_a_registered_query_runs_by_hash_alone(client: httpx.Client) -> None:
    first = client.post("/graphql", json=persisted(DIGEST, QUERY))
    assert first.status_code == 200, first.text
    assert first.json() == {"data": {"__typename": "Query"}}
    again = client.post("/graphql", json=persisted(DIGEST.upper()))
    assert again.status_code == 200, again.text
    assert again.json() == {"data": {"__typename": "Query"}}
    skipped = persisted(DIGEST)
    skipped["variables"] = {"skip": True}
    assert client.post("/graphql", json=skipped).json() == {"data": {}}


def test_a_hash_that_does_not_match_the_query_is_refused(client: httpx.Client) -> None:
    other = hashlib.sha256(b"{ __typename }").hexdigest()
    response = client.post("/graphql", json=persisted(other, QUERY))
    assert response.status_code == 400
    assert codes(response.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    unknown = client.post("/graphql", json=persisted(other))
    assert codes(unknown.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_an_unsupported_version_is_refused(client: httpx.Client) -> None:
    body = persisted(DIGEST, QUERY)
    body["extensions"]["persistedQuery"]["version"] = 2
    response = client.post("/graphql", json=body)
    assert response.status_code == 400
    assert codes(response.json()) == ["PERSISTED_QUERY_NOT_SUPPORTED"]


def test_plain_queries_pass_through(client: httpx.Client) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_the_store_evicts_the_least_recently_used() -> None:
    store = MemoryQueryStore(max_entries=2)
    await store.put("a", "A")
    await store.put("b", "B")
    assert await store.get("a") == "A"
    await store.put("c", "C")
    assert len(store) == 2
    assert await store.get("b") is None
    assert await store.get("a") == "A"
    assert await store.get("c") == "C"
