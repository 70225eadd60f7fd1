"""The whole server against hostile origins: every fault gets a bounded answer, memory stays
flat, and the server keeps answering (issue 3's done-when, at the HTTP level).

The app runs as its own process (`uvicorn app:app`), so its peak resident size is its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fetching.conftest import install_routes
from tests.fetching.harness import ALLOWED_NET, Bombs, HostileOrigin, Reply
from tests.media.images import png_header_bomb
from tests.support.process import app_process

PEAK_RSS_LIMIT = 600 * 1024 * 1024

# Each hostile route and the code it must come back with.
EXPECTED = {
    "/huge-length": "LINK_TOO_LARGE",
    "/endless": None,  # truncated at the cap: a (thin) preview
    "/drip": "LINK_TOOK_TOO_LONG",
    "/silent": "LINK_TOOK_TOO_LONG",
    "/bomb/gzip": None,
    "/bomb/deflate": None,
    "/bomb/br": None,
    "/loop-a": "LINK_REDIRECTS_TO_ITSELF",
    "/chain?n=12": "LINK_MAX_REDIRECTS",
    "/redirect?to=http://127.0.0.1/": "LINK_BLOCKED",
    "/redirect?to=file:///etc/passwd": "LINK_BLOCKED",
    # 50 MiB declared: a VIDEO preview from its head, the rest never read.
    "/video": "VideoPreview",
    "/status?code=500": "LINK_SERVER_ERROR",
    "/status?code=410": "LINK_IS_GONE",
    "/nested": None,
    "/png-bomb-page": None,
}

QUERY = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { url title image { original { url } } }
    ... on PreviewError { url code }
  }
}
"""


def install_extra_routes(origin: HostileOrigin) -> None:
    nested = b"<html><head><title>deep</title></head><body>" + b"<div>" * 200_000 + b"</body>"
    bomb = png_header_bomb()

    @origin.route("/nested")
    async def deep(r: Reply) -> None:
        await r.simple(200, nested, "text/html")

    @origin.route("/png-bomb")
    async def png(r: Reply) -> None:
        await r.simple(200, bomb, "image/png")

    @origin.route("/png-bomb-page")
    async def png_page(r: Reply) -> None:
        page = (
            '<html><head><title>bomb</title><meta property="og:image" content="/png-bomb">'
            "</head></html>"
        )
        await r.simple(200, page.encode(), "text/html")


@pytest.fixture
async def hostile(bombs: Bombs) -> AsyncIterator[HostileOrigin]:
    origin = await HostileOrigin().start()
    install_routes(origin, bombs)
    install_extra_routes(origin)
    yield origin
    await origin.stop()


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


async def test_every_hostile_origin_gets_a_bounded_answer(
    hostile: HostileOrigin, tmp_path: Path
) -> None:
    env = {
        "LINKGRAPH_DATA_DIR": str(tmp_path),
        "LINKGRAPH_ALLOW_NETWORKS": str(ALLOWED_NET),
        "LINKGRAPH_FETCH_TIMEOUT": "3",
    }
    async with app_process(env, tmp_path / "server.log") as app:
        urls = [hostile.url(path) for path in EXPECTED]
        response = await app.client.post(
            "/graphql", json={"query": QUERY, "variables": {"urls": urls}}
        )
        answers = response.json()["data"]["previews"]
        for path, answer in zip(EXPECTED, answers, strict=True):
            expected = EXPECTED[path]
            if expected is None:
                assert answer["__typename"] == "PagePreview", (path, answer)
            elif expected.endswith("Preview"):
                assert answer["__typename"] == expected, (path, answer)
            else:
                assert answer.get("code") == expected, (path, answer)
        (video,) = hostile.seen("/video")  # one request: its answer named the kind
        assert video.aborted, "the connection was closed once the head was read"
        assert video.body_sent < 50 * 1024 * 1024, "the 50 MiB body was never read whole"
        bomb_page = answers[list(EXPECTED).index("/png-bomb-page")]
        assert bomb_page["title"] == "bomb"
        assert bomb_page["image"] is None, "the 60000x60000 PNG is refused, the page kept"
        # Still answering afterwards.
        again = await app.client.post(
            "/graphql", json={"query": QUERY, "variables": {"urls": [hostile.url("/html")]}}
        )
        assert again.json()["data"]["previews"][0]["title"] == "ok"
        assert app.process.returncode is None, "the server died"
        peak = peak_rss(app.process.pid)
        print(f"server peak RSS: {peak / 2**20:.0f} MiB")
        assert peak < PEAK_RSS_LIMIT
