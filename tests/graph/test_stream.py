"""`previews` with `@stream`: each link's preview is sent, in multipart/mixed, the moment its
link is done, so a slow link holds back only itself; a client that does not ask for
multipart gets one ordinary answer; a client that leaves stops the fetches only it wanted.

The links are pages the test adds to the corpus origin, each held back by the origin for its
own time (50 ms, 500 ms, 3 s); the titles expected are read from each page's own markup.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from settings import Settings
from tests.support.multipart import Part, parts
from tests.support.origin import CorpusOrigin
from tests.support.server import serve_app

STREAMED = """
query Cards($urls: [String!]!) {
  previews(urls: $urls) @stream(initialCount: 0) {
    __typename
    ... on LinkPreview { url title index }
    ... on PreviewError { url code message index }
  }
}
"""

MULTIPART = "multipart/mixed;deferSpec=20220824, application/json;q=0.9"


@contextmanager
def streamed(http: httpx.Client, urls: list[str]) -> Iterator[httpx.Response]:
    """The STREAMED batch of `urls`, asked for as multipart/mixed."""
    body = {"query": STREAMED, "variables": {"urls": urls}}
    with http.stream("POST", "/graphql", json=body, headers={"accept": MULTIPART}) as response:
        yield response


def slow_page(origin: CorpusOrigin, host: str, name: str, seconds: float) -> tuple[str, str]:
    """A page at `host` answered after `seconds`: its URL and the title its markup holds."""
    url = f"https://{host}/linkgraph-stream/{name}"
    title = f"Streamed page {name} ({seconds} s)"
    origin.add(url, f"<!doctype html><title>{title}</title><p>{name}</p>".encode())
    origin.slow(url, seconds)
    return url, _title_in(origin, url)


def _title_in(origin: CorpusOrigin, url: str) -> str:
    page = next(page for page in origin.pages.values() if page.url == url)
    found = re.search(rb"<title>(.*?)</title>", page.body)
    assert found is not None
    return found.group(1).decode()


def streamed_items(stream: list[Part]) -> list[tuple[dict[str, Any], Part]]:
    """Every streamed item with the part that carried it, in arrival order."""
    items: list[tuple[dict[str, Any], Part]] = []
    for part in stream:
        for patch in part.body.get("incremental") or ():
            items.extend((item, part) for item in patch.get("items") or ())
    return items


def test_each_link_arrives_when_it_is_done_and_a_slow_one_holds_back_only_itself(
    origin: CorpusOrigin, app_url: str
) -> None:
    slow = slow_page(origin, "example.com", "slow", 3.0)
    fast = slow_page(origin, "kikobeats.com", "fast", 0.05)
    middle = slow_page(origin, "daringfireball.net", "middle", 0.5)
    asked = [slow, fast, middle]
    with (
        httpx.Client(base_url=app_url, timeout=60) as http,
        streamed(http, [url for url, _ in asked]) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("multipart/mixed")
        stream = list(parts(response))

    first = stream[0].body
    assert first["data"] == {"previews": []}, "initialCount 0: nothing waits for a link"
    assert first["hasNext"] is True
    assert stream[-1].body["hasNext"] is False
    items = streamed_items(stream)
    assert [(item["url"], item["title"]) for item, _ in items] == [fast, middle, slow]
    # Each item says which asked-for link it answers, whatever order it came in.
    assert [asked[item["index"]] for item, _ in items] == [fast, middle, slow]
    # Each arrived in a part of its own, before the slower links' origin answered.
    (slow_hit,) = origin.hits_for(slow[0])
    (middle_hit,) = origin.hits_for(middle[0])
    assert items[0][1].arrived < middle_hit.finished
    assert items[1][1].arrived < slow_hit.finished


def test_a_client_that_does_not_ask_for_multipart_gets_one_answer_in_order(
    origin: CorpusOrigin, app_url: str
) -> None:
    asked = [
        slow_page(origin, "example.com", "plain-b", 0.5),
        slow_page(origin, "kikobeats.com", "plain-a", 0.05),
    ]
    response = httpx.post(
        f"{app_url}/graphql",
        json={"query": STREAMED, "variables": {"urls": [url for url, _ in asked]}},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "errors" not in body
    assert [(p["url"], p["title"]) for p in body["data"]["previews"]] == asked
    assert [p["index"] for p in body["data"]["previews"]] == [0, 1]


def test_a_streamed_batch_costs_what_a_plain_one_does(
    origin: CorpusOrigin, settings: Settings
) -> None:
    """The rate limit charges each fetched link, even when the answer began before any
    link was fetched (the budget's headers go out with the first part)."""
    asked = [slow_page(origin, "kikobeats.com", f"cost-{n}", 0.05) for n in range(3)]
    urls = [url for url, _ in asked]
    # A refill too slow to matter here, so the headers show exactly what was charged.
    slow_refill = settings.model_copy(update={"rate_refill": 1e-6})
    with serve_app(slow_refill) as app_url, httpx.Client(base_url=app_url, timeout=60) as http:
        before = int(
            http.post("/graphql", json={"query": "{ __typename }"}).headers["ratelimit-remaining"]
        )
        with streamed(http, urls) as response:
            assert len(streamed_items(list(parts(response)))) == 3
        after = int(
            http.post("/graphql", json={"query": "{ __typename }"}).headers["ratelimit-remaining"]
        )
    # Three fetched links at 10 points each (the first point of it included), then the
    # second probe's own point.
    assert before - after == 3 * settings.rate_fetch_cost + 1


def cache_misses(app_url: str) -> float:
    text = httpx.get(f"{app_url}/metrics", timeout=10).text
    found = re.search(r'^linkgraph_cache_lookups_total\{result="miss"\} (\S+)$', text, re.M)
    assert found is not None, text
    return float(found.group(1))


def _wait_until(check: Any, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


def test_a_client_leaving_mid_stream_cancels_the_fetch_only_it_wanted(
    origin: CorpusOrigin, app_url: str
) -> None:
    url, _ = slow_page(origin, "example.com", "left-alone", 30.0)
    with (
        httpx.Client(base_url=app_url, timeout=60) as http,
        streamed(http, [url]) as response,
    ):
        reader = parts(response)  # kept: a reader dropped would close the stream
        first = next(reader)
        assert first.body["hasNext"] is True
        assert _wait_until(lambda: origin.held_now(url) == 1), "the page is being fetched"
    # The client has hung up: the origin sees the service hang up on the page in turn.
    assert _wait_until(lambda: origin.abandoned_for(url) == 1)
    assert origin.count(url) == 0, "the page was never answered"


def test_a_fetch_another_client_waits_for_carries_on_when_one_leaves(
    origin: CorpusOrigin, app_url: str
) -> None:
    url, title = slow_page(origin, "example.com", "shared", 2.0)
    staying: dict[str, Any] = {}

    def stay() -> None:
        staying["answer"] = httpx.post(
            f"{app_url}/graphql",
            json={"query": STREAMED, "variables": {"urls": [url]}},
            timeout=60,
        ).json()

    with (
        httpx.Client(base_url=app_url, timeout=60) as http,
        streamed(http, [url]) as response,
    ):
        reader = parts(response)  # kept: a reader dropped would close the stream
        next(reader)
        assert _wait_until(lambda: origin.held_now(url) == 1), "the page is being fetched"
        other = threading.Thread(target=stay)
        other.start()
        # The other client's lookup missed the cache: it is waiting on the fetch in flight.
        assert _wait_until(lambda: cache_misses(app_url) == 2)
    other.join(timeout=60)
    assert staying["answer"]["data"]["previews"] == [
        {"__typename": "PagePreview", "url": url, "title": title, "index": 0}
    ]
    assert origin.count(url) == 1, "one fetch, finished for the client that stayed"
    assert origin.abandoned_for(url) == 0


def test_a_deferred_fragment_comes_in_a_later_part_and_inline_without_multipart(
    origin: CorpusOrigin, app_url: str
) -> None:
    url, title = slow_page(origin, "kikobeats.com", "deferred", 0.05)
    deferred = """
    query Card($url: String!) {
      preview(url: $url) {
        __typename
        ... on LinkPreview @defer(label: "text") { title }
      }
    }
    """
    body = {"query": deferred, "variables": {"url": url}}
    with (
        httpx.Client(base_url=app_url, timeout=60) as http,
        http.stream("POST", "/graphql", json=body, headers={"accept": MULTIPART}) as response,
    ):
        stream = list(parts(response))
    assert stream[0].body["data"] == {"preview": {"__typename": "PagePreview"}}
    later = [patch for part in stream[1:] for patch in part.body.get("incremental") or ()]
    assert later == [{"data": {"title": title}, "id": "0", "path": ["preview"], "label": "text"}]
    plain = httpx.post(f"{app_url}/graphql", json=body, timeout=60).json()
    assert plain == {"data": {"preview": {"__typename": "PagePreview", "title": title}}}


def test_a_streamed_batch_over_the_link_budget_is_refused_before_any_fetch(
    origin: CorpusOrigin, settings: Settings
) -> None:
    """The request limits hold for a streamed request as for a plain one."""
    strict = settings.model_copy(update={"max_urls_per_request": 2})
    asked = [slow_page(origin, "kikobeats.com", f"budget-{n}", 0.05)[0] for n in range(3)]
    with serve_app(strict) as app_url:
        response = httpx.post(
            f"{app_url}/graphql",
            json={"query": STREAMED, "variables": {"urls": asked}},
            headers={"accept": MULTIPART},
            timeout=60,
        )
    text = response.text
    assert "URL_BUDGET_EXCEEDED" in text
    assert '"items"' not in text
    assert origin.hits == []


def requests_counted(app_url: str) -> float:
    text = httpx.get(f"{app_url}/metrics", timeout=10).text
    found = re.search(
        r'^linkgraph_requests_total\{path="/graphql",status="200"\} (\S+)$', text, re.M
    )
    return float(found.group(1)) if found else 0.0


def test_a_streamed_request_is_counted_once(origin: CorpusOrigin, app_url: str) -> None:
    asked = [slow_page(origin, "kikobeats.com", f"counted-{n}", 0.05)[0] for n in range(3)]
    with (
        httpx.Client(base_url=app_url, timeout=60) as http,
        streamed(http, asked) as response,
    ):
        assert len(streamed_items(list(parts(response)))) == 3
    # Counted as the request ends, once, however many parts it sent.
    assert _wait_until(lambda: requests_counted(app_url) >= 1)
    assert requests_counted(app_url) == 1
