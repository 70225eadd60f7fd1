"""Fixtures shared by the graph tests: the corpus origin and the real app in front of it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from settings import Settings
from tests.support.origin import CORPUS_DIR, CorpusOrigin, serve_corpus
from tests.support.redis_server import flush, run_redis
from tests.support.s3_server import S3Server, run_s3
from tests.support.server import serve_app

# Page screenshots start a browser for every image-less page whose `image` a query selects;
# the tests of everything else run without one (in-process apps and app processes alike),
# and tests/graph/test_screenshots.py turns them on where it proves them.
os.environ.setdefault("LINKGRAPH_SCREENSHOTS", "false")


@pytest.fixture(scope="session")
def corpus_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusOrigin]:
    if not (CORPUS_DIR / "manifest.json").is_file():
        pytest.skip(f"the shared corpus is absent (looked in {CORPUS_DIR})")
    with serve_corpus(tmp_path_factory.mktemp("origin")) as origin:
        yield origin


@pytest.fixture
def origin(corpus_origin: CorpusOrigin) -> Iterator[CorpusOrigin]:
    """The corpus origin with an empty request log and no delay."""
    corpus_origin.reset()
    corpus_origin.delay = 0.0
    yield corpus_origin
    corpus_origin.delay = 0.0


@pytest.fixture
def settings(tmp_path: Path, corpus_origin: CorpusOrigin) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        hosts_file=corpus_origin.hosts_path,
        allow_networks=(f"{corpus_origin.address}/32",),
        ca_bundle=corpus_origin.ca_path,
        # The corpus tests fetch hundreds of links from one address; tests/web sets budgets.
        rate_capacity=1_000_000,
    )


@pytest.fixture
def app_url(settings: Settings) -> Iterator[str]:
    with serve_app(settings) as url:
        yield url


class GraphClient:
    """Posts GraphQL to the running app over real HTTP."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)

    def query(self, document: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": document, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def graph(app_url: str) -> Iterator[GraphClient]:
    client = GraphClient(app_url)
    yield client
    client.http.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server for the session (scripts/test installs it)."""
    with run_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, emptied for this test."""
    flush(redis_server)
    return redis_server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One real S3-compatible server (SeaweedFS) for the session; tests take their own prefix."""
    with run_s3(tmp_path_factory.mktemp("s3")) as server:
        yield server
