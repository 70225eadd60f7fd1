"""The real app over both media stores: a TikTok card's images stored and served from the
directory or a real S3-compatible server, and a stored image that disappears (an operator's
rm, or a bucket object deleted) fetched again by the next request rather than left a 404."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app import create_app
from media.store import FileMediaStore, MediaStore
from settings import ConfigurationError, Settings, load_settings
from tests.conftest import GraphClient
from tests.graph.test_tiktok_media import QUERY, URL, serve_page_images
from tests.support.clock import FakeClock
from tests.support.origin import CorpusOrigin
from tests.support.s3_server import S3Server, s3_store
from tests.support.server import serve


@pytest.fixture(params=["directory", "s3"])
def store_and_settings(
    request: pytest.FixtureRequest, settings: Settings
) -> tuple[MediaStore, Settings]:
    """The store the app will use (opened here too, to look in it and delete from it) and
    the settings that point the app at it."""
    if request.param == "directory":
        return FileMediaStore(settings.data_dir / "media"), settings
    server: S3Server = request.getfixturevalue("s3_server")
    prefix = f"app-{secrets.token_hex(6)}"
    return s3_store(server, prefix), settings.model_copy(
        update={
            "media_url": f"s3://{server.bucket}/{prefix}",
            "s3_endpoint": server.endpoint,
            "s3_access_key_id": server.access_key,
            "s3_secret_access_key": SecretStr(server.secret_key),
        }
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_graph(
    store_and_settings: tuple[MediaStore, Settings], clock: FakeClock
) -> Iterator[GraphClient]:
    _, settings = store_and_settings

    def build(base_url: str) -> FastAPI:
        return create_app(settings.model_copy(update={"public_url": base_url}), clock=clock)

    with serve(build) as (base_url, _):
        client = GraphClient(base_url)
        yield client
        client.http.close()


def media_key(url: str) -> str:
    return url.split("/media/", 1)[1].split("/")[1]


def avatar_thumbnail(graph: GraphClient) -> str:
    url: str = graph.query(QUERY, url=URL)["preview"]["tiktokUser"]["avatar"]["thumbnail"]["url"]
    return url


async def test_images_are_stored_in_the_configured_store_and_served(
    app_graph: GraphClient,
    origin: CorpusOrigin,
    store_and_settings: tuple[MediaStore, Settings],
) -> None:
    store, _ = store_and_settings
    serve_page_images(origin)
    url = avatar_thumbnail(app_graph)
    key = media_key(url)
    stored = await store.get(key)
    assert stored is not None, "the rendition is in the configured store"
    response = app_graph.http.get(url)
    assert response.status_code == 200
    assert response.content == stored.body
    assert response.headers["etag"] == f'"{key}"'


async def test_a_deleted_image_is_fetched_again_by_the_next_request(
    app_graph: GraphClient,
    origin: CorpusOrigin,
    store_and_settings: tuple[MediaStore, Settings],
    clock: FakeClock,
) -> None:
    store, _ = store_and_settings
    sources = serve_page_images(origin)
    url = avatar_thumbnail(app_graph)
    key = media_key(url)
    downloads = sum(origin.count(source) for source in sources)
    assert app_graph.http.get(url).status_code == 200

    assert await store.delete(key)  # by hand, behind the service's back
    # Past the in-process memo of recent cache reads (and S3's trust in a key seen lately).
    clock.advance(120)
    again = avatar_thumbnail(app_graph)
    assert sum(origin.count(source) for source in sources) > downloads, "fetched again"
    assert await store.exists(media_key(again))
    assert app_graph.http.get(again).status_code == 200


async def test_a_404_on_a_deleted_image_marks_its_previews_for_a_refetch(
    app_graph: GraphClient,
    origin: CorpusOrigin,
    store_and_settings: tuple[MediaStore, Settings],
    clock: FakeClock,
) -> None:
    """The client that met the 404 is the first to notice; the preview it asks for next
    names a stored image again."""
    store, _ = store_and_settings
    serve_page_images(origin)
    url = avatar_thumbnail(app_graph)
    assert await store.delete(media_key(url))
    assert app_graph.http.get(url).status_code == 404
    clock.advance(2)
    again = avatar_thumbnail(app_graph)
    assert app_graph.http.get(again).status_code == 200


@pytest.mark.parametrize("bad", ["s3:///prefix", "gs://bucket/prefix"])
def test_a_media_url_that_names_no_store_is_a_configuration_error(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINKGRAPH_MEDIA_URL", bad)
    with pytest.raises(ConfigurationError, match="LINKGRAPH_MEDIA_URL"):
        load_settings()


async def test_the_apps_retention_loop_evicts_past_the_budget_and_previews_refetch(
    origin: CorpusOrigin, settings: Settings, clock: FakeClock
) -> None:
    """The background loop the lifespan starts: with a budget smaller than one image, every
    stored rendition is removed by a sweep, and the next request for the preview, instead of
    naming removed images, fetches them again."""
    store = FileMediaStore(settings.data_dir / "media")
    tight = settings.model_copy(update={"media_max_bytes": 1, "retention_interval": 0.05})

    def build(base_url: str) -> FastAPI:
        return create_app(tight.model_copy(update={"public_url": base_url}), clock=clock)

    sources = serve_page_images(origin)
    with serve(build) as (base_url, _):
        graph = GraphClient(base_url)
        avatar_thumbnail(graph)
        downloads = sum(origin.count(source) for source in sources)
        for _ in range(400):  # bounded wait for a sweep, not a timing assertion
            if not await store.list():
                break
            await asyncio.sleep(0.05)
        assert not await store.list(), "the sweep removed everything over the budget"
        clock.advance(2)  # past the memo of recent cache reads
        avatar_thumbnail(graph)
        assert sum(origin.count(source) for source in sources) > downloads
        graph.http.close()
