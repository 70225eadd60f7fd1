"""Page screenshots end to end: the real app, Debian's Chromium, the corpus origin under its
real host names. A screenshot is made only for an operation that selects it (or the image
of a page that has none), every request the page makes reaches the origin through the
guarded fetcher, and a page aiming at private addresses reaches nothing."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from settings import Settings
from tests.conftest import GraphClient
from tests.fetching.harness import Canary
from tests.support.origin import CorpusOrigin
from tests.support.server import serve_app

ARTICLE = "https://anisse.astier.eu/awk-driven-iot.html"
HOST = "https://kikobeats.com"  # a corpus host: the test's own pages are served under it

SHOT = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { title image { original { url width height } } }
    ... on PagePreview { page { screenshot { original { url width height } } } }
    ... on PreviewError { code message }
  }
}
"""
TITLE_ONLY = """
query ($url: String!) { preview(url: $url) { ... on LinkPreview { title } } }
"""
IMAGE_ONLY = """
query ($url: String!) {
  preview(url: $url) { ... on LinkPreview { title image { original { url width height } } } }
}
"""


@pytest.fixture
def shooting(settings: Settings) -> Iterator[GraphClient]:
    with serve_app(settings.model_copy(update={"screenshots": True})) as url:
        client = GraphClient(url)
        yield client
        client.http.close()


def served(graph: GraphClient, url: str) -> Image.Image:
    response = graph.http.get(url)
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def near(pixel: object, expected: tuple[int, int, int]) -> bool:
    """Within a few levels: the stored copy is re-encoded (JPEG or WebP)."""
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= 8 for a, b in zip(pixel, expected, strict=True))


def styled_page(origin: CorpusOrigin, path: str, css: str, extra: str = "") -> str:
    """A page with no image of its own, painted by a stylesheet the browser must fetch."""
    url = f"{HOST}{path}"
    origin.add(
        url,
        f'<!doctype html><html><head><title>Plain {path}</title><link rel="stylesheet" '
        f'href="{path}.css"></head><body><h1>Plain</h1>{extra}</body></html>'.encode(),
    )
    origin.add(f"{url}.css", f"html,body{{margin:0;background:{css}}}".encode(), "text/css")
    return url


def requested(origin: CorpusOrigin, target: str) -> bool:
    return any(hit.target == target for hit in origin.hits)


def test_a_corpus_article_comes_back_with_its_screenshot(
    shooting: GraphClient, origin: CorpusOrigin
) -> None:
    answer: dict[str, Any] = shooting.query(SHOT, url=ARTICLE)["preview"]
    assert answer["__typename"] == "PagePreview", answer
    shot = answer["page"]["screenshot"]["original"]
    assert (shot["width"], shot["height"]) == (1280, 800)
    assert served(shooting, shot["url"]).size == (1280, 800)
    if answer["image"] is not None and answer["image"]["original"]["url"] == shot["url"]:
        return  # the article has no picture of its own: its screenshot is its image
    assert answer["image"] is not None


def test_a_page_without_an_image_gets_its_own_rendering_as_its_image(
    shooting: GraphClient, origin: CorpusOrigin
) -> None:
    url = styled_page(origin, "/shot-blue", "rgb(10,120,200)")
    answer = shooting.query(IMAGE_ONLY, url=url)["preview"]
    image = answer["image"]["original"]
    assert (image["width"], image["height"]) == (1280, 800)
    picture = served(shooting, image["url"])
    assert near(picture.getpixel((1200, 700)), (10, 120, 200))  # the stylesheet's background
    assert requested(origin, "/shot-blue.css"), "the browser's request reached the origin"


def test_a_query_that_does_not_ask_never_starts_the_browser(
    shooting: GraphClient, origin: CorpusOrigin
) -> None:
    url = styled_page(origin, "/unasked", "rgb(200,40,40)")
    assert shooting.query(TITLE_ONLY, url=url)["preview"]["title"] == "Plain /unasked"
    assert not requested(origin, "/unasked.css")
    # Asked for later, the cached preview is fetched again with its screenshot.
    answer = shooting.query(SHOT, url=url)["preview"]
    shot = answer["page"]["screenshot"]["original"]
    assert near(served(shooting, shot["url"]).getpixel((640, 700)), (200, 40, 40))
    assert requested(origin, "/unasked.css")
    # Now cached with the preview: asking again draws nothing new.
    drawn = sum(hit.target == "/unasked.css" for hit in origin.hits)
    again = shooting.query(SHOT, url=url)["preview"]
    assert again["page"]["screenshot"]["original"]["url"] == shot["url"]
    assert sum(hit.target == "/unasked.css" for hit in origin.hits) == drawn


def test_screenshots_off_answer_null_not_an_error(graph: GraphClient, origin: CorpusOrigin) -> None:
    url = styled_page(origin, "/off", "rgb(0,0,0)")
    answer = graph.query(SHOT, url=url)["preview"]
    assert answer["__typename"] == "PagePreview"
    assert answer["page"]["screenshot"] is None
    assert not requested(origin, "/off.css")


def test_a_page_aiming_at_private_addresses_leaves_the_canary_untouched(
    shooting: GraphClient, origin: CorpusOrigin
) -> None:
    canary = Canary()
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(canary.start(["127.0.0.1"]))
        port = canary.port
        script = (
            f"<img src='http://127.0.0.1:{port}/x.png'>"
            f"<iframe src='http://127.0.0.1:{port}/'></iframe>"
            f"<script>fetch('http://127.0.0.1:{port}/api').catch(()=>{{}});"
            f"fetch('http://localhost:{port}/api').catch(()=>{{}});</script>"
        )
        url = styled_page(origin, "/hostile", "rgb(0,128,0)", script)
        answer = shooting.query(SHOT, url=url)["preview"]
        # Let the canary's loop run, so that a connection made meanwhile is accepted.
        loop.run_until_complete(asyncio.sleep(0.2))
        assert answer["page"]["screenshot"] is not None
        assert canary.accepted == 0
    finally:
        loop.run_until_complete(canary.stop())
        loop.close()


def test_media_of_a_screenshot_is_signed(shooting: GraphClient, origin: CorpusOrigin) -> None:
    url = styled_page(origin, "/signed", "rgb(1,2,3)")
    shot = shooting.query(SHOT, url=url)["preview"]["page"]["screenshot"]["original"]["url"]
    forged = shot[:-8] + ("a" * 8 if not shot.endswith("a" * 8) else "b" * 8)
    assert httpx.get(forged).status_code == 404
