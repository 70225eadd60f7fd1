"""One operation fetches each link once, concurrently; concurrent operations share fetches."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

X = "https://www.tiktok.com/@illojuan"
Y = "https://github.com/steventroughtonsmith/marzipanify"

BATCH = """
query ($x: String!, $y: String!, $xAgain: String!) {
  a: preview(url: $x) { ... on LinkPreview { url type } }
  b: preview(url: $xAgain) { ... on LinkPreview { url type } }
  c: previews(urls: [$x, $y, $xAgain]) { ... on LinkPreview { url type } }
}
"""


def test_each_link_is_fetched_once_per_operation_and_concurrently(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    origin.delay = 0.3
    # Written differently, normalised the same: one key, one fetch.
    data = graph.query(BATCH, x=X, y=Y, xAgain="HTTPS://WWW.TIKTOK.COM:443/@illojuan#videos")

    assert data["a"] == data["b"] == {"url": X, "type": "TIKTOK_USER"}
    assert [item["url"] for item in data["c"]] == [X, Y, X]
    [x_hit] = origin.hits_for(X)
    [y_hit] = origin.hits_for(Y)
    # The two fetches overlapped in time: neither finished before the other started.
    assert x_hit.started < y_hit.finished
    assert y_hit.started < x_hit.finished


def test_concurrent_requests_for_one_link_share_a_fetch(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    origin.delay = 0.5
    query = "query ($u: String!) { preview(url: $u) { ... on LinkPreview { title } } }"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: graph_query(graph, query, Y), range(8)))
    assert len({str(answer) for answer in answers}) == 1
    assert answers[0]["preview"]["title"]
    assert origin.count(Y) == 1


def graph_query(graph: GraphClient, query: str, url: str) -> dict[str, Any]:
    # httpx.Client is thread-safe; each call is its own HTTP request.
    return graph.query(query, u=url)
