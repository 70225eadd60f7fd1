"""A document the process parses for the first time costs by its size: parsing and keeping
it is work and memory spent for that client, so a client sending new long documents pays for
them, where each used to cost one point."""

from __future__ import annotations

import httpx

from settings import Settings
from tests.support.server import serve_app


def long_query(index: int, size: int) -> str:
    head = f"{{ __typename }} # {index} "
    return head + "x" * (size - len(head))


def remaining(response: httpx.Response) -> int:
    return int(response.headers["ratelimit-remaining"])


def test_a_new_long_document_costs_a_point_per_kib_and_again_one(settings: Settings) -> None:
    budget = settings.model_copy(update={"rate_capacity": 1000, "rate_refill": 0.001})
    query = long_query(0, 20 * 1024)
    with serve_app(budget) as url, httpx.Client(base_url=url, timeout=30) as http:
        first = http.post("/graphql", json={"query": query})
        again = http.post("/graphql", json={"query": query})
        short = http.post("/graphql", json={"query": "{ __typename }"})
    for response in (first, again, short):
        assert response.json() == {"data": {"__typename": "Query"}}
    assert 1000 - remaining(first) == 20, "20 KiB parsed for the first time"
    assert remaining(first) - remaining(again) == 1, "the same document again: one point"
    assert remaining(again) - remaining(short) == 1, "a document under 1 KiB: one point"


def test_a_client_flooding_new_long_documents_is_refused(settings: Settings) -> None:
    budget = settings.model_copy(update={"rate_capacity": 100, "rate_refill": 0.001})
    with serve_app(budget) as url, httpx.Client(base_url=url, timeout=30) as http:
        statuses = [
            http.post("/graphql", json={"query": long_query(index, 30 * 1024)}).status_code
            for index in range(8)
        ]
    assert statuses[:4] == [200] * 4
    assert 429 in statuses[4:], statuses
