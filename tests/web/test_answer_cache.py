"""Kept answers to repeated queries (web/answer_cache.py), against the real app over HTTP.

The app runs here as tests/support/server.py runs it (uvicorn on loopback, in a thread), but the
test keeps the app object, so that it can find the answer cache in the middleware stack and
count what it kept and served: the answers alone cannot tell a kept answer from a new one.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app import create_app
from settings import Settings
from tests.support.clock import FakeClock
from tests.support.origin import CorpusOrigin, load_corpus
from tests.support.server import serve
from web.answer_cache import AnswerCache, _plain_query

ONE = """
query One($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { url title requestId updatedAt }
    ... on PreviewError { code }
  }
}
query Other($url: String!) {
  preview(url: $url) { __typename ... on LinkPreview { title } }
}
"""
PREVIEW = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { url title requestId }
    ... on PreviewError { code }
  }
}
"""
MANY = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { url type title description requestId updatedAt
      image { original { url width height } } }
    ... on TiktokVideoPreview { tiktokVideo { id user { username } } }
    ... on YoutubeVideoPreview { youtubeVideo { videoId } }
    ... on GithubRepositoryPreview { githubRepository { name owner { username } } }
    ... on PreviewError { url code message }
  }
}
"""
REFRESH = """
mutation ($url: String!) { refreshPreview(url: $url) { ... on LinkPreview { title } } }
"""
PAGE = b"<html><head><title>%s</title></head><body>answer cache test</body></html>"


@dataclass
class Running:
    http: httpx.Client
    app: FastAPI

    @property
    def cache(self) -> AnswerCache:
        """The answer cache instance in the app's middleware stack (built by a first request)."""
        layer: Any = self.app.middleware_stack
        while layer is not None:
            if isinstance(layer, AnswerCache):
                return layer
            layer = getattr(layer, "app", None)
        raise AssertionError("no answer cache in the middleware stack")

    def post(
        self, query: str, headers: dict[str, str] | None = None, **payload: Any
    ) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, **payload}, headers=headers)


@contextmanager
def running(
    settings: Settings, clock: Callable[[], float] = time.time, **update: Any
) -> Iterator[Running]:
    def build(base_url: str) -> FastAPI:
        return create_app(
            settings.model_copy(update={"public_url": base_url, **update}), clock=clock
        )

    with serve(build) as (base_url, app), httpx.Client(base_url=base_url, timeout=60) as http:
        yield Running(http, app)


def page(origin: CorpusOrigin, name: str, title: str | None = None) -> str:
    url = f"https://github.com/linkgraph-answer-test/{name}"
    origin.add(url, PAGE % (title or name).encode())
    return url


def without_ids(document: Any) -> Any:
    """The answer with every requestId blanked, for comparing answers of different requests."""
    if isinstance(document, dict):
        return {k: None if k == "requestId" else without_ids(v) for k, v in document.items()}
    if isinstance(document, list):
        return [without_ids(item) for item in document]
    return document


def request_ids(document: Any) -> list[Any]:
    if isinstance(document, dict):
        found = [document["requestId"]] if "requestId" in document else []
        return found + [i for v in document.values() for i in request_ids(v)]
    if isinstance(document, list):
        return [i for item in document for i in request_ids(item)]
    return []


def test_a_repeated_query_is_served_kept_with_its_own_request_id(
    settings: Settings, origin: CorpusOrigin
) -> None:
    url = page(origin, "repeat")
    with running(settings) as app:
        answers = [app.post(ONE, variables={"url": url}, operationName="One") for _ in range(4)]
        # The first answer (its link fetched) is kept too: the cache then serves the same
        # outcome, so every later request is answered with it.
        assert app.cache.served == 3
        assert len(app.cache) == 1
    bodies = [a.content for a in answers]
    ids = [a.headers["x-request-id"] for a in answers]
    assert len(set(ids)) == 4
    for answer, request_id in zip(answers, ids, strict=True):
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        assert int(answer.headers["content-length"]) == len(answer.content)
        assert answer.json()["data"]["preview"]["requestId"] == request_id
        assert answer.json()["data"]["preview"]["title"] == "repeat"
    # Byte for byte the same once each id is put back to a common value.
    normalised = {b.replace(i.encode(), b"ID") for b, i in zip(bodies, ids, strict=True)}
    assert len(normalised) == 1
    # A client's own id is spliced in as well.
    with running(settings) as app:
        app.post(ONE, variables={"url": url}, operationName="One")
        mine = app.post(PREVIEW, {"x-request-id": "client-7"}, variables={"url": url})
        assert app.cache.served == 0  # no operationName here: another key
        again = app.post(PREVIEW, {"x-request-id": "client-8"}, variables={"url": url})
        assert app.cache.served == 1
    assert mine.json()["data"]["preview"]["requestId"] == "client-7"
    assert again.json()["data"]["preview"]["requestId"] == "client-8"


def test_variables_operation_and_query_each_have_their_own_answer(
    settings: Settings, origin: CorpusOrigin
) -> None:
    first, second = page(origin, "first"), page(origin, "second")
    short = "query ($url: String!) { preview(url: $url) { ... on LinkPreview { url } } }"
    with running(settings) as app:
        asked = [
            ("One", ONE, first),
            ("One", ONE, second),
            ("Other", ONE, first),
            (None, short, first),
        ]
        answers = []
        for _ in range(2):
            for name, query, url in asked:
                answer = app.post(query, variables={"url": url}, operationName=name)
                answers.append(without_ids(answer.json()["data"]["preview"]))
        assert app.cache.served == 4
        assert len(app.cache) == 4
    assert answers[:4] == answers[4:]
    assert answers[0]["title"] == "first"
    assert answers[1]["title"] == "second"
    assert answers[2] == {"__typename": answers[0]["__typename"], "title": "first"}
    assert answers[3] == {"url": answers[0]["url"]}
    # Variables are keyed by value, not by how the client ordered or spaced them.
    with running(settings) as app:
        body = {"query": MANY, "variables": {"urls": [first, second]}}
        app.http.post("/graphql", json=body)
        spaced = '{"variables": {"urls": ["%s", "%s"]},\n "query": %s}'
        raw = spaced % (first, second, json.dumps(MANY))
        again = app.http.post("/graphql", content=raw, headers={"content-type": "application/json"})
        assert app.cache.served == 1
    assert [p["title"] for p in again.json()["data"]["previews"]] == ["first", "second"]


def test_a_refreshed_preview_is_answered_anew(settings: Settings, origin: CorpusOrigin) -> None:
    url = page(origin, "changing", "before")
    with running(settings) as app:
        for _ in range(2):
            answer = app.post(ONE, variables={"url": url}, operationName="One")
            assert answer.json()["data"]["preview"]["title"] == "before"
        assert app.cache.served == 1
        page(origin, "changing", "after")
        refreshed = app.post(REFRESH, variables={"url": url})
        assert refreshed.json()["data"]["refreshPreview"]["title"] == "after"
        answer = app.post(ONE, variables={"url": url}, operationName="One")
        assert answer.json()["data"]["preview"]["title"] == "after"
        assert app.cache.served == 1
        kept = app.post(ONE, variables={"url": url}, operationName="One")
        assert kept.json()["data"]["preview"]["title"] == "after"
        assert app.cache.served == 2
    assert origin.count(url) == 2


def test_an_update_by_another_instance_is_seen_once_the_memo_lapses(
    settings: Settings, origin: CorpusOrigin
) -> None:
    """Two instances over one SQLite cache: one refreshes, the other's kept answer goes."""
    url = page(origin, "shared", "before")
    clock = FakeClock()
    with running(settings, clock) as one, running(settings, clock) as two:
        for _ in range(2):
            answer = one.post(ONE, variables={"url": url}, operationName="One")
        assert one.cache.served == 1
        page(origin, "shared", "after")
        two.post(REFRESH, variables={"url": url})
        kept = one.post(ONE, variables={"url": url}, operationName="One")
        assert kept.json()["data"]["preview"]["title"] == "before"
        # Within the lifetime of its memo of recent entries (1 s) the first instance may keep
        # its answer; once the memo lapses it reads the shared cache and sees the refresh.
        clock.advance(1.01)
        answer = one.post(ONE, variables={"url": url}, operationName="One")
        assert answer.json()["data"]["preview"]["title"] == "after"
        served = one.cache.served
        again = one.post(ONE, variables={"url": url}, operationName="One")
        assert one.cache.served == served + 1
        # Once the memo of recent entries lapses the preview is read and decoded anew: an
        # equal outcome, so the kept answer still serves.
        clock.advance(1.01)
        later = one.post(ONE, variables={"url": url}, operationName="One")
        assert one.cache.served == served + 2
    assert again.json()["data"]["preview"]["title"] == "after"
    assert without_ids(later.json()) == without_ids(again.json())


def test_kept_answers_are_charged_like_any_other(settings: Settings, origin: CorpusOrigin) -> None:
    urls = [page(origin, f"charged-{n}") for n in range(3)]
    with running(
        settings, rate_capacity=1000, rate_refill=0.001, rate_fetch_cost=10, rate_hit_cost=2
    ) as app:
        levels = []
        for _ in range(4):
            answer = app.post(MANY, variables={"urls": urls})
            assert answer.status_code == 200
            levels.append(int(answer.headers["ratelimit-remaining"]))
        assert app.cache.served == 3
    assert levels[0] == 1000 - 3 * 10
    # Each later request cost three cached links at two points, kept answer or not.
    assert [a - b for a, b in itertools.pairwise(levels)] == [6, 6, 6]


def test_api_keys_are_still_required(
    settings: Settings, origin: CorpusOrigin, tmp_path: Path
) -> None:
    url = page(origin, "keyed")
    with running(settings, api_keys=("key-one", "key-two")) as app:
        bearer = {"authorization": "Bearer key-one"}
        for _ in range(2):
            assert app.post(PREVIEW, bearer, variables={"url": url}).status_code == 200
        assert app.cache.served == 1
        refused = app.post(PREVIEW, variables={"url": url})
        assert refused.status_code == 401
        wrong = app.post(PREVIEW, {"authorization": "Bearer nope"}, variables={"url": url})
        assert wrong.status_code == 401
        other = app.post(PREVIEW, {"authorization": "Bearer key-two"}, variables={"url": url})
        assert other.status_code == 200
        assert app.cache.served == 2
    assert other.json()["data"]["preview"]["title"] == "keyed"


def test_graphql_errors_and_mutations_are_never_kept(
    settings: Settings, origin: CorpusOrigin
) -> None:
    url = page(origin, "erring")
    unknown = "{ preview(url: %s) { ... on LinkPreview { noSuchField } } }"
    with running(settings, max_urls_per_request=2) as app:
        for _ in range(2):
            assert app.post(unknown % f'"{url}"').json()["errors"]
            too_many = app.post(MANY, variables={"urls": [url, url + "1", url + "2"]})
            assert too_many.json()["errors"]
            refreshed = app.post(REFRESH, variables={"url": url})
            assert refreshed.json()["data"]["refreshPreview"]["title"] == "erring"
        assert len(app.cache) == 0
        assert app.cache.served == 0
        # An error of the link, not of GraphQL, is an answer like any other.
        blocked = {"url": "http://169.254.169.254/"}
        answers = [app.post(PREVIEW, variables=blocked).json() for _ in range(2)]
        assert app.cache.served == 1
    assert answers[0]["data"]["preview"]["code"] == "LINK_BLOCKED"
    assert without_ids(answers[0]) == without_ids(answers[1])


def test_at_most_the_configured_number_of_answers_is_kept(
    settings: Settings, origin: CorpusOrigin
) -> None:
    urls = [page(origin, f"bounded-{n}") for n in range(3)]
    with running(settings, answer_cache_max=2) as app:
        for url in urls:
            app.post(PREVIEW, variables={"url": url})
        assert len(app.cache) == 2
        app.post(PREVIEW, variables={"url": urls[0]})  # the oldest was evicted: run again
        assert app.cache.served == 0
        app.post(PREVIEW, variables={"url": urls[2]})
        assert app.cache.served == 1
        assert len(app.cache) == 2
    with running(settings, answer_cache_max_bytes=100) as app:
        for _ in range(2):
            app.post(PREVIEW, variables={"url": urls[0]})
        assert len(app.cache) == 0


def test_kept_answers_stay_within_the_byte_budget(settings: Settings, origin: CorpusOrigin) -> None:
    urls = [page(origin, f"budget-{n}") for n in range(4)]
    with running(settings) as probe:
        size = len(probe.post(PREVIEW, variables={"url": urls[0]}).content)
    # Room for two answers and a half, whatever the count limit allows.
    with running(settings, answer_cache_max_bytes=size * 5 // 2) as app:
        for url in urls:
            app.post(PREVIEW, variables={"url": url})
            assert app.cache.kept_bytes <= size * 5 // 2
        assert len(app.cache) == 2
        app.post(PREVIEW, variables={"url": urls[3]})
        assert app.cache.served == 1


def test_zero_turns_it_off(settings: Settings, origin: CorpusOrigin) -> None:
    url = page(origin, "off")
    with running(settings, answer_cache_max=0) as app:
        answers = [app.post(PREVIEW, variables={"url": url}) for _ in range(3)]
        with pytest.raises(AssertionError):
            _ = app.cache
    for answer in answers:
        assert answer.json()["data"]["preview"]["requestId"] == answer.headers["x-request-id"]


def test_a_kept_answer_equals_the_one_executed(settings: Settings, origin: CorpusOrigin) -> None:
    """A large mixed batch: typed previews of several kinds and errors, from the app with the
    answer cache and from one without it, over the same cached previews."""
    pages = load_corpus()
    by_host: dict[str, str] = {}
    for corpus_page in pages:
        host = corpus_page.url.split("/")[2]
        by_host.setdefault(host, corpus_page.url)
    urls = [*list(by_host.values())[:30], "http://169.254.169.254/", "not a url"]
    variables = {"urls": urls}
    with running(settings) as cached:
        executed = cached.post(MANY, variables=variables)  # run, its links fetched, then kept
        assert cached.cache.served == 0
        kept = cached.post(MANY, variables=variables)
        assert cached.cache.served == 1
        with running(settings, answer_cache_max=0) as plain:
            direct = plain.post(MANY, variables=variables)  # the same previews, from the cache
    kinds = {p["__typename"] for p in executed.json()["data"]["previews"]}
    assert "PreviewError" in kinds
    assert len(kinds) >= 4
    for answer in (executed, kept, direct):
        ids = set(request_ids(answer.json()))
        assert ids == {answer.headers["x-request-id"]}
    assert without_ids(kept.json()) == without_ids(executed.json())
    assert without_ids(direct.json()) == without_ids(kept.json())


def test_only_plain_queries_are_kept() -> None:
    assert _plain_query('{ preview(url: "x") { __typename } }', None)
    assert _plain_query("query A { a } mutation B { b }", "A")
    assert not _plain_query("query A { a } mutation B { b }", "B")
    assert not _plain_query("query A { a } query B { b }", None)
    assert not _plain_query('mutation { refreshPreview(url: "x") { __typename } }', None)
    assert not _plain_query("subscription { ticks }", None)
    assert not _plain_query("{ __schema { queryType { name } } }", None)
    assert not _plain_query('{ ...F } fragment F on Query { __type(name: "Query") { name } }', None)
    assert not _plain_query("{ unclosed", None)
