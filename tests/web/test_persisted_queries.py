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


def long_query(index: int, size: int) -> str:
    """A valid query of `size` characters, mostly a comment (which the token limit skips)."""
    head = f"{{ __typename }} # {index} "
    return head + "x" * (size - len(head))


def register(http: httpx.Client, query: str) -> httpx.Response:
    body = persisted(hashlib.sha256(query.encode()).hexdigest(), query)
    body.pop("variables")
    return http.post("/graphql", json=body)


@pytest.mark.parametrize(
    ("query", "limits", "code"),
    [
        # Within the body limit (256 KiB), over the query limit.
        (long_query(0, 234 * 1024), {}, "QUERY_TOO_LARGE"),
        # 152 tokens.
        (
            "{ " + " ".join(f"a{i}: __typename" for i in range(50)) + " }",
            {"max_query_tokens": 100},
            "TOO_MANY_TOKENS",
        ),
    ],
    ids=["size", "tokens"],
)
def test_a_query_over_a_limit_is_refused_and_not_stored(
    settings: Settings, query: str, limits: dict[str, int], code: str
) -> None:
    limited = settings.model_copy(update=limits)
    with serve_app(limited) as url, httpx.Client(base_url=url, timeout=30) as http:
        response = register(http, query)
        assert response.status_code == 400
        assert codes(response.json()) == [code]
        by_hash = http.post("/graphql", json=persisted(sha256(query)))
        assert codes(by_hash.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_the_stored_queries_are_bounded_in_bytes(settings: Settings) -> None:
    """Ten queries of 20 KiB into a store of 64 KiB: the oldest are let go, the newest run."""
    bounded = settings.model_copy(update={"persisted_queries_max_bytes": 64 * 1024})
    queries = [long_query(index, 20 * 1024) for index in range(10)]
    with serve_app(bounded) as url, httpx.Client(base_url=url, timeout=30) as http:
        for query in queries:
            assert register(http, query).json() == {"data": {"__typename": "Query"}}
        found = [
            codes(http.post("/graphql", json=persisted(sha256(query))).json()) == []
            for query in queries
        ]
    assert found == [False] * 7 + [True] * 3


async def test_the_store_counts_its_bytes() -> None:
    store = MemoryQueryStore(max_entries=100, max_bytes=10_000)
    for index in range(10):
        await store.put(f"{index}", "q" * 3_000)
    assert store.held_bytes <= 10_000
    assert len(store) == 3
    assert await store.get("9") == "q" * 3_000


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()
