"""Screenshots by the real Chromium, every request through the real guarded fetcher: pages
served by a scriptable origin on loopback, a canary on addresses the fetcher must refuse.
The SSRF table (SECURITY-CASES.md) holds for what a page's scripts and markup ask for."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from fetching import FetchPolicy, SafeFetcher
from screenshots import ScreenshotPolicy, Screenshots, find_chromium
from tests.fetching.harness import ALLOWED_NET, Canary, HostileOrigin, Reply
from tests.files.backend import serve

CHROMIUM = find_chromium()
assert CHROMIUM, "Chromium is needed (scripts/test installs Debian's package)"


@pytest.fixture
async def origin() -> AsyncIterator[HostileOrigin]:
    started = await HostileOrigin().start()
    yield started
    await started.stop()


@pytest.fixture
async def canary() -> AsyncIterator[Canary]:
    trap = await Canary().start(["127.0.0.1", "127.0.0.2"])
    yield trap
    await trap.stop()


@pytest.fixture
async def shots() -> AsyncIterator[Screenshots]:
    fetcher = SafeFetcher(
        FetchPolicy(allow_networks=(ALLOWED_NET,), total_timeout=5, connect_timeout=2)
    )
    assert CHROMIUM
    engine = Screenshots(fetcher, ScreenshotPolicy(CHROMIUM, timeout=10, width=640, height=400))
    yield engine
    await engine.aclose()
    await fetcher.aclose()


def pixel(png: bytes, x: int, y: int) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    red, green, blue = image.getpixel((x, y))  # type: ignore[misc]
    return red, green, blue


def html(origin: HostileOrigin, path: str, body: str) -> None:
    serve(origin, path, f"<!doctype html><html><body>{body}</body></html>".encode(), "text/html")


async def test_a_page_is_drawn_with_its_own_styles_and_images(
    origin: HostileOrigin, shots: Screenshots
) -> None:
    html(
        origin,
        "/page",
        '<link rel="stylesheet" href="/style.css">'
        '<div id="box"></div><script src="/app.js"></script>',
    )
    serve(origin, "/style.css", b"body{margin:0;background:#1e90ff}", "text/css")
    serve(
        origin,
        "/app.js",
        b"const d=document.getElementById('box');"
        b"d.style.cssText='position:absolute;left:0;top:0;width:100px;height:100px;"
        b"background:rgb(250,200,0)';",
        "text/javascript",
    )
    png = await shots.shoot(origin.url("/page"))
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (640, 400)
    assert pixel(png, 50, 50) == (250, 200, 0)  # drawn by the script the fetcher fetched
    assert pixel(png, 400, 300) == (30, 144, 255)  # the stylesheet's background
    assert origin.seen("/style.css")
    assert origin.seen("/app.js")


async def test_a_page_aiming_at_private_addresses_reaches_nothing(
    origin: HostileOrigin, canary: Canary, shots: Screenshots
) -> None:
    port = canary.port
    targets = [
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.2:{port}/x.png",
        f"http://localhost:{port}/",
    ]
    html(
        origin,
        "/hostile",
        f'<img src="{targets[1]}"><iframe src="{targets[0]}"></iframe>'
        f'<link rel="preconnect" href="{targets[0]}"><link rel="prefetch" href="{targets[2]}">'
        "<script>"
        + "".join(f"fetch('{t}').catch(()=>{{}});" for t in targets)
        + f"new WebSocket('ws://127.0.0.1:{port}/');"
        + f"navigator.sendBeacon('http://127.0.0.1:{port}/beacon','x');"
        + f"fetch('{origin.url('/echo')}',{{method:'POST',body:'secret'}}).catch(()=>{{}});"
        + f"window.open('http://127.0.0.1:{port}/popup');alert('hi');"
        + "document.body.style.background='rgb(0,128,0)';"
        "</script>",
    )

    @origin.route("/echo")
    async def echo(reply: Reply) -> None:
        await reply.simple(200, b"posted", "text/plain")

    png = await shots.shoot(origin.url("/hostile"))
    assert png is not None, "the page is drawn; only its forbidden requests fail"
    assert pixel(png, 600, 380) == (0, 128, 0)  # the script ran, past the dialog and popup
    assert canary.accepted == 0
    assert origin.seen("/echo") == [], "no POST leaves the browser"


async def test_a_refused_or_failing_page_has_no_shot(
    origin: HostileOrigin, canary: Canary, shots: Screenshots
) -> None:
    assert await shots.shoot(f"http://127.0.0.1:{canary.port}/") is None
    assert canary.accepted == 0

    @origin.route("/gone")
    async def gone(reply: Reply) -> None:
        await reply.simple(404, b"no", "text/html")

    assert await shots.shoot(origin.url("/gone")) is None


async def test_a_page_that_never_finishes_is_drawn_as_far_as_it_got(
    origin: HostileOrigin, shots: Screenshots
) -> None:
    html(
        origin,
        "/slow",
        '<div style="width:100%;height:100%;position:fixed;background:rgb(200,0,0)"></div>'
        '<img src="/never">',
    )

    @origin.route("/never")
    async def never(reply: Reply) -> None:
        await reply.head(200, [("Content-Type", "image/png"), ("Content-Length", "9999")])
        await asyncio.sleep(60)

    png = await shots.shoot(origin.url("/slow"))
    assert png is not None
    assert pixel(png, 10, 10) == (200, 0, 0)
