"""Each preview names the request that answered it, as the response header does."""

from __future__ import annotations

from tests.conftest import GraphClient

URL = "https://github.com/steventroughtonsmith/marzipanify"
QUERY = f'{{ preview(url: "{URL}") {{ ... on LinkPreview {{ requestId }} }} }}'


def test_preview_request_id_matches_the_header(graph: GraphClient) -> None:
    mine = graph.http.post("/graphql", json={"query": QUERY}, headers={"x-request-id": "app-42"})
    assert mine.headers["x-request-id"] == "app-42"
    assert mine.json()["data"]["preview"]["requestId"] == "app-42"

    fresh = graph.http.post("/graphql", json={"query": QUERY})
    generated = fresh.headers["x-request-id"]
    assert generated != "app-42"
    assert fresh.json()["data"]["preview"]["requestId"] == generated
