"""oEmbed end to end: a page on a loopback origin advertises its endpoint, the backend
fetches the JSON through the safe fetcher and merges it under the page's own data; every
way the oEmbed can fail costs only the oEmbed."""

from __future__ import annotations

import json

import pytest

from model.record import LinkType, Outcome, Preview
from previews.direct import DirectBackend
from tests.fetching.harness import HostileOrigin, Reply
from tests.files import backend as fixtures
from tests.files import samples
from tests.files.backend import serve

# The shared fixtures, by name, so that pytest finds them in this module.
backend = fixtures.backend
file_origin = fixtures.file_origin
media_service = fixtures.media_service


def _page(title: str | None, endpoint: str | None) -> bytes:
    head = f"<title>{title}</title>" if title else ""
    if endpoint:
        head += f'<link rel="alternate" type="application/json+oembed" href="{endpoint}">'
    return f"<html><head>{head}</head><body></body></html>".encode()


def _answer(origin: HostileOrigin, **extra: object) -> bytes:
    fields = {
        "version": "1.0",
        "type": "rich",
        "title": "The oEmbed title",
        "author_name": "Jane Provider",
        "thumbnail_url": origin.url("/thumb.png"),
        "thumbnail_width": 120,
        "thumbnail_height": 90,
        "html": "<blockquote><p>What the post says</p></blockquote><script>x()</script>",
    }
    fields.update(extra)
    return json.dumps(fields).encode()


def _preview(outcome: Outcome) -> Preview:
    assert isinstance(outcome, Preview), outcome
    return outcome


async def test_page_data_wins_and_oembed_fills_the_gaps(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/post", _page("The page's own title", "/oembed?u=post"), "text/html")
    serve(file_origin, "/oembed", _answer(file_origin), "application/json")
    serve(file_origin, "/thumb.png", samples.png(120, 90), "image/png")
    preview = _preview(await backend.preview(file_origin.url("/post")))
    assert preview.type is LinkType.PAGE
    assert preview.title == "The page's own title"
    # The page has no description or image of its own: the oEmbed's fill them.
    assert preview.description == "What the post says"
    assert preview.image is not None
    assert preview.image.original is not None
    assert (preview.image.width, preview.image.height) == (120, 90)
    assert len(file_origin.seen("/oembed")) == 1
    assert len(file_origin.seen("/thumb.png")) == 1


async def test_oembed_title_when_the_page_has_none(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/untitled", _page(None, "/oembed"), "text/html")
    serve(file_origin, "/oembed", _answer(file_origin, thumbnail_url=None), "application/json")
    preview = _preview(await backend.preview(file_origin.url("/untitled")))
    assert preview.title == "The oEmbed title"
    assert preview.image is None


async def test_no_endpoint_no_fetch(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/plain", _page("Plain", None), "text/html")
    serve(file_origin, "/oembed", _answer(file_origin), "application/json")
    preview = _preview(await backend.preview(file_origin.url("/plain")))
    assert preview.title == "Plain"
    assert file_origin.seen("/oembed") == []


@pytest.mark.parametrize(
    "failure",
    ["missing", "oversized", "html", "xml", "not-json", "wrong-version", "error", "redirect-loop"],
)
async def test_a_failing_oembed_only_drops_oembed(
    backend: DirectBackend, file_origin: HostileOrigin, failure: str
) -> None:
    serve(file_origin, "/post", _page("Own title", f"/oembed-{failure}"), "text/html")
    serve(file_origin, "/thumb.png", samples.png(), "image/png")
    answer = _answer(file_origin)
    if failure == "oversized":
        answer = _answer(file_origin, title="x" * 200_000)
        serve(file_origin, "/oembed-oversized", answer, "application/json")
    elif failure == "html":
        serve(file_origin, "/oembed-html", answer, "text/html")
    elif failure == "xml":
        serve(file_origin, "/oembed-xml", b"<oembed><type>rich</type></oembed>", "text/xml")
    elif failure == "not-json":
        serve(file_origin, "/oembed-not-json", b"{not json", "application/json")
    elif failure == "wrong-version":
        answer = _answer(file_origin, version="2.0")
        serve(file_origin, "/oembed-wrong-version", answer, "application/json")
    elif failure == "error":

        @file_origin.route("/oembed-error")
        async def error(reply: Reply) -> None:
            await reply.simple(500, answer, "application/json")

    elif failure == "redirect-loop":

        @file_origin.route("/oembed-redirect-loop")
        async def loop(reply: Reply) -> None:
            await reply.redirect("/oembed-redirect-loop")

    preview = _preview(await backend.preview(file_origin.url("/post")))
    assert preview.title == "Own title"
    assert preview.description is None
    assert preview.image is None
    assert file_origin.seen("/thumb.png") == []
    if failure != "missing":
        assert file_origin.seen(f"/oembed-{failure}"), "the endpoint was asked"
