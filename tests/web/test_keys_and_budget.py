"""API keys and per-client budgets, against the real app over real HTTP.

Budgets here refill at 0.001 point/s, so that no test depends on timing: the bucket levels
seen in the RateLimit headers are exact for the few seconds a test takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from settings import Settings
from tests.support.origin import CorpusOrigin
from tests.support.server import serve_app

QUERY = "query ($url: String!) { preview(url: $url) { __typename ... on LinkPreview { title } } }"
PAGE = b"<html><head><title>%s</title></head><body>test page</body></html>"


def page(origin: CorpusOrigin, name: str) -> str:
    """A fresh page under a corpus host, so each test controls what is cached."""
    url = f"https://github.com/linkgraph-rate-test/{name}"
    origin.add(url, PAGE % name.encode())
    return url


@contextmanager
def client(settings: Settings, **update: Any) -> Iterator[httpx.Client]:
    with (
        serve_app(settings.model_copy(update=update)) as base,
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        yield http


def ask(http: httpx.Client, url: str, key: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {key}"} if key is not None else {}
    return http.post("/graphql", json={"query": QUERY, "variables": {"url": url}}, headers=headers)


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def remaining(response: httpx.Response) -> int:
    return int(response.headers["ratelimit-remaining"])


def test_with_keys_configured_only_a_valid_bearer_key_gets_through(
    settings: Settings, origin: CorpusOrigin, tmp_path: Path
) -> None:
    url = page(origin, "keys")
    keys_file = tmp_path / "keys"
    keys_file.write_text("# team keys\n\ngamma   # the mobile app\n")
    with client(settings, api_keys=("alpha", "beta"), api_keys_file=keys_file) as http:
        assert_unauthenticated(ask(http, url))
        assert_unauthenticated(ask(http, url, "alphx"))
        assert_unauthenticated(ask(http, url, "alpha2"))
        for header in ("alpha", "Basic alpha", "Bearer alpha beta"):
            refused = http.post(
                "/graphql",
                json={"query": QUERY, "variables": {"url": url}},
                headers={"authorization": header},
            )
            assert_unauthenticated(refused)
        assert origin.hits == []
        for key in ("alpha", "beta", "gamma"):
            response = ask(http, url, key)
            assert response.status_code == 200, response.text
            assert response.json()["data"]["preview"]["title"] == "keys"
        assert origin.count(url) == 1
        # Media URLs are signed, so they stay public: a bad one is 404, not 401.
        assert http.get("/media/bad/sig/nothing.webp").status_code == 404


def test_without_keys_the_service_is_open(settings: Settings, origin: CorpusOrigin) -> None:
    url = page(origin, "open")
    default = Settings.model_fields["rate_capacity"].default
    with client(settings, rate_capacity=default, rate_refill=0.001) as http:
        response = ask(http, url)
        assert response.status_code == 200
        assert response.json()["data"]["preview"]["title"] == "open"
        assert response.headers["ratelimit-limit"] == "1000"  # the default capacity
        assert remaining(response) == 990


def test_cache_hits_cost_less_and_an_exhausted_key_is_refused_before_any_fetch(
    settings: Settings, origin: CorpusOrigin
) -> None:
    first, second, third, never = (page(origin, n) for n in ("one", "two", "three", "never"))
    budget = {"rate_capacity": 25, "rate_refill": 0.001, "rate_fetch_cost": 10}
    with client(settings, api_keys=("alpha", "beta"), **budget) as http:
        levels = []
        # uncached (10), cached (1), uncached (10), three cached (1 each): 24 points in all.
        for url in (first, first, second, first, second, first):
            response = ask(http, url, "alpha")
            assert response.status_code == 200, response.text
            assert response.headers["ratelimit-limit"] == "25"
            levels.append(remaining(response))
        assert levels == [15, 14, 4, 3, 2, 1]
        # One point left: the request passes, its fetch leaves the bucket in debt.
        response = ask(http, third, "alpha")
        assert response.status_code == 200
        assert remaining(response) == 0
        fetched = len(origin.hits)
        refused = ask(http, never, "alpha")
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-limit"] == "25"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["ratelimit-reset"]) >= int(refused.headers["retry-after"])
        assert ask(http, first, "alpha").status_code == 429  # even a cached link
        assert len(origin.hits) == fetched
        assert origin.count(never) == 0
        # Another key has its own bucket.
        other = ask(http, never, "beta")
        assert other.status_code == 200
        assert remaining(other) == 15
        assert origin.count(never) == 1


def test_without_keys_each_address_has_a_budget(settings: Settings, origin: CorpusOrigin) -> None:
    url, later = page(origin, "by-address"), page(origin, "by-address-later")
    budget = {"rate_capacity": 10, "rate_refill": 0.001, "rate_fetch_cost": 10}
    with client(settings, **budget) as http:
        assert remaining(ask(http, url)) == 0
        refused = ask(http, later)
        assert refused.status_code == 429
        assert "retry-after" in refused.headers
        assert origin.count(later) == 0


def test_graphql_over_websocket_cannot_bypass_the_guards(settings: Settings) -> None:
    with serve_app(settings.model_copy(update={"api_keys": ("alpha",)})) as base:
        url = base.replace("http://", "ws://") + "/graphql"
        headers = {"authorization": "Bearer alpha"}
        with pytest.raises(InvalidStatus) as caught:
            connect(
                url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers
            )
        assert caught.value.response.status_code == 403
