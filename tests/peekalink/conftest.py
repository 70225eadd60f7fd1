"""The app over the Peekalink stand-in: real HTTPS on loopback, trusted through its CA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from settings import Settings
from tests.conftest import GraphClient
from tests.support.peekalink_standin import PeekalinkStandin, serve_standin
from tests.support.server import serve_app

KEY = "pk-test-0123456789abcdef"
CONCURRENCY = 4
RETRIES = 2


@pytest.fixture(scope="session")
def standin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PeekalinkStandin]:
    with serve_standin(KEY, tmp_path_factory.mktemp("peekalink")) as standin:
        yield standin


@pytest.fixture
def standin(standin_server: PeekalinkStandin) -> PeekalinkStandin:
    """The stand-in with no script, no calls recorded and no hold."""
    standin_server.reset()
    return standin_server


@pytest.fixture
def peekalink_settings(tmp_path: Path, standin: PeekalinkStandin) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        backend="peekalink",
        peekalink_api_key=SecretStr(KEY),
        peekalink_url=standin.url,
        peekalink_concurrency=CONCURRENCY,
        peekalink_retries=RETRIES,
        peekalink_timeout=20,
        ca_bundle=standin.ca_path,
        rate_capacity=1_000_000,
    )


@pytest.fixture
def peekalink_graph(peekalink_settings: Settings) -> Iterator[GraphClient]:
    """The real app, serving GraphQL over HTTP, with the Peekalink backend."""
    with serve_app(peekalink_settings) as url:
        client = GraphClient(url)
        yield client
        client.http.close()
