"""Fixtures for the fetcher tests: canary, hostile origin (plain and TLS), spy, DNS, hosts."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from fetching import FetchPolicy, SafeFetcher
from tests.fetching.harness import (
    ALLOWED_NET,
    ORIGIN_HOST,
    Bombs,
    Canary,
    FakeDns,
    HostileOrigin,
    MiB,
    Reply,
    SpyBackend,
    echo_json,
    make_bombs,
    repeat,
    slices,
)

HOSTS = f"""\
# test hosts file: comments, aliases and odd spacing on purpose
{ORIGIN_HOST}\torigin.test  alias.test   # the hostile origin
{ORIGIN_HOST} xn--ri-eka.test
127.0.0.1 evil.test LOCALHOST
::1 evil6.test
10.0.0.5 private.test
169.254.169.254 meta.test
not-an-address broken.test
"""

MakeFetcher = Callable[..., SafeFetcher]


@pytest.fixture(scope="session")
def bombs() -> Bombs:
    return make_bombs()


@pytest.fixture
def hosts_file(tmp_path: Path) -> Path:
    path = tmp_path / "hosts"
    path.write_text(HOSTS)
    return path


@pytest.fixture
async def canary() -> AsyncIterator[Canary]:
    """Listeners on 127.0.0.1, 127.0.0.2 and ::1, one port: a rejected URL must not reach it."""
    trap = await Canary().start(["127.0.0.1", "127.0.0.2", "::1"])
    yield trap
    await trap.stop()


@pytest.fixture
def dns() -> FakeDns:
    return FakeDns()


@pytest.fixture
def spy() -> SpyBackend:
    return SpyBackend()


@pytest.fixture
async def make_fetcher(
    hosts_file: Path, dns: FakeDns, spy: SpyBackend
) -> AsyncIterator[MakeFetcher]:
    """Fetchers over the spy and the fake DNS; policy fields can be overridden."""
    made: list[SafeFetcher] = []

    def make(**overrides: Any) -> SafeFetcher:
        policy = FetchPolicy(
            hosts_file=hosts_file,
            allow_networks=(ALLOWED_NET,),
            total_timeout=5.0,
            connect_timeout=2.0,
            dns_timeout=1.0,
        )
        fetcher = SafeFetcher(
            dataclasses.replace(policy, **overrides), dns=dns, network_backend=spy
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
async def fetcher(make_fetcher: MakeFetcher) -> SafeFetcher:
    return make_fetcher()


def install_routes(origin: HostileOrigin, bombs: Bombs | None) -> None:
    page = b"<html><head><title>ok</title></head><body>fine</body></html>"

    @origin.route("/html")
    async def html(r: Reply) -> None:
        await r.simple(200, page, "text/html; charset=utf-8")

    @origin.route("/echo")
    async def echo(r: Reply) -> None:
        await r.simple(200, echo_json(r.request), "application/json")

    @origin.route("/huge-length")
    async def huge_length(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Content-Length", str(10 * 1024**3))])
        await r.stream(repeat(b"a" * 65536))

    @origin.route("/endless")
    async def endless(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
        await r.stream(repeat(b"<p>" + b"a" * 65533), chunked=True)

    @origin.route("/big-chunked")
    async def big_chunked(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
        await r.stream(repeat(b"b" * 65536, 20 * MiB), chunked=True)

    @origin.route("/big-declared")
    async def big_declared(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Content-Length", str(20 * MiB))])
        await r.stream(repeat(b"b" * 65536, 20 * MiB))

    @origin.route("/exact")
    async def exact(r: Reply) -> None:
        body = b"x" * int(r.request.query["n"])
        if "declared" in r.request.query:
            await r.simple(200, body, "text/plain")
        else:
            await r.head(200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")])
            await r.stream([body], chunked=True)

    @origin.route("/drip")
    async def drip(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Content-Length", "1000")])
        for _ in range(1000):
            await r.body(b"a")
            await asyncio.sleep(1.0)

    @origin.route("/silent")
    async def silent(r: Reply) -> None:
        await asyncio.sleep(3600)

    for name in ("gzip", "deflate", "br"):

        def bomb_route(encoding: str) -> None:
            @origin.route(f"/bomb/{encoding}")
            async def bomb(r: Reply) -> None:
                assert bombs is not None
                data: bytes = getattr(bombs, encoding)
                await r.head(
                    200,
                    [
                        ("Content-Type", "text/html"),
                        ("Content-Encoding", encoding),
                        ("Transfer-Encoding", "chunked"),
                    ],
                )
                await r.stream(slices(data), chunked=True)

        bomb_route(name)

    @origin.route("/zstd")
    async def zstd(r: Reply) -> None:
        await r.head(
            200,
            [("Content-Type", "text/html"), ("Content-Encoding", "zstd"), ("Content-Length", "4")],
        )
        await r.body(b"\x28\xb5\x2f\xfd")

    @origin.route("/corrupt-gzip")
    async def corrupt_gzip(r: Reply) -> None:
        body = b"\x1f\x8b\x08\x00" + b"garbage!" * 8
        await r.head(
            200,
            [
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
            ],
        )
        await r.body(body)

    @origin.route("/redirect")
    async def redirect(r: Reply) -> None:
        await r.redirect(r.request.query["to"], int(r.request.query.get("status", "302")))

    @origin.route("/loop-a")
    async def loop_a(r: Reply) -> None:
        await r.redirect("/loop-b")

    @origin.route("/loop-b")
    async def loop_b(r: Reply) -> None:
        await r.redirect(f"{origin.base}/loop-a#again")

    @origin.route("/chain")
    async def chain(r: Reply) -> None:
        n = int(r.request.query["n"])
        if n == 0:
            await r.simple(200, page, "text/html")
        else:
            await r.redirect(f"/chain?n={n - 1}")

    @origin.route("/redirect-bomb")
    async def redirect_bomb(r: Reply) -> None:
        assert bombs is not None
        await r.head(
            302,
            [
                ("Location", "/html"),
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ],
        )
        await r.stream(slices(bombs.gzip, times=1000), chunked=True)  # endless gzip members

    @origin.route("/no-location")
    async def no_location(r: Reply) -> None:
        await r.simple(302, b"")

    @origin.route("/not-modified")
    async def not_modified(r: Reply) -> None:
        await r.head(304, [])

    @origin.route("/status")
    async def status(r: Reply) -> None:
        await r.simple(int(r.request.query["code"]), b"<html>error page</html>")

    for path, media in (
        ("/video", "video/mp4"),
        ("/audio", "audio/mpeg"),
        ("/zip", "application/zip"),
    ):

        def media_route(path: str, media: str) -> None:
            @origin.route(path)
            async def big_media(r: Reply) -> None:
                await r.head(200, [("Content-Type", media), ("Content-Length", str(50 * MiB))])
                await r.stream(repeat(b"\0" * 65536, 50 * MiB))

        media_route(path, media)

    @origin.route("/cut")
    async def cut(r: Reply) -> None:
        await r.head(200, [("Content-Type", "text/html"), ("Content-Length", "1000")])
        await r.body(b"only a part")
        r.writer.transport.abort()

    in_flight = [0]

    @origin.route("/slow")
    async def slow(r: Reply) -> None:
        in_flight[0] += 1
        origin.peak_in_flight = max(origin.peak_in_flight, in_flight[0])
        try:
            await asyncio.sleep(0.2)
            await r.simple(200, page)
        finally:
            in_flight[0] -= 1

    @origin.route("/held")
    async def held(r: Reply) -> None:
        origin.held_arrived.set()
        await origin.release_held.wait()
        await r.simple(200, page)

    @origin.route("/no-type")
    async def no_type(r: Reply) -> None:
        await r.simple(200, b"\x00\x01<html>not really</html>", None)

    @origin.route("/sjis")
    async def sjis(r: Reply) -> None:
        body = "<html><title>日本語のページ</title></html>".encode("shift_jis")
        await r.simple(200, body, "text/html; charset=utf-8")


@pytest.fixture
async def origin(bombs: Bombs) -> AsyncIterator[HostileOrigin]:
    server = HostileOrigin()
    install_routes(server, bombs)
    await server.start()
    yield server
    await server.stop()


@dataclasses.dataclass
class TlsSetup:
    ca_path: Path
    origin: HostileOrigin
    sni: list[str | None]


@pytest.fixture
async def tls(tmp_path: Path) -> AsyncIterator[TlsSetup]:
    """A TLS origin whose certificate names origin.test and 127.9.0.1, from a test CA."""
    ca = trustme.CA()
    cert = ca.issue_cert("origin.test", ORIGIN_HOST)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    sni: list[str | None] = []

    def record_sni(_sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        sni.append(name)

    context.sni_callback = record_sni
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server = HostileOrigin(ssl_context=context)
    install_routes(server, None)
    await server.start()
    yield TlsSetup(ca_path=ca_path, origin=server, sni=sni)
    await server.stop()
