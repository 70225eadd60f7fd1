"""Redirects followed by hand (rows B6-B11, B23 at a hop, C10's leftover 3xx)."""

from __future__ import annotations

import asyncio
import urllib.parse

import pytest

from fetching import FetchError, SafeFetcher
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.conftest import MakeFetcher
from tests.fetching.harness import ORIGIN_HOST, Canary, HostileOrigin, SpyBackend, loads

HTML = ["text/html"]


def redirect_to(origin: HostileOrigin, location: str, status: int = 302) -> str:
    query = urllib.parse.urlencode({"to": location, "status": status})
    return origin.url(f"/redirect?{query}")


async def fetch_error(fetcher: SafeFetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url, accept=HTML, max_bytes=64 * 1024)
    return caught.value


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/",  # B6: literal
        "http://0x7f.1:{port}/",
        "http://[::1]:{port}/",
        "http://evil.test:{port}/",  # B6: a name resolving to loopback (hosts file)
        "//127.0.0.2:{port}/x",  # protocol-relative
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://private.test/",
        "file:///etc/passwd",  # B7
        "gopher://127.0.0.1:{port}/_INFO",
        "ftp://127.0.0.1:{port}/",
        "dict://127.0.0.1:{port}/stat",
        "data:text/html,<h1>hi</h1>",
        "javascript:alert(1)",
        "http://user:pw@origin.test:{port}/",  # B14 at a hop
        "http://origin.test:22/",  # B16 at a hop
    ],
)
async def test_refused_hops_are_blocked_before_connecting(
    target: str, fetcher: SafeFetcher, origin: HostileOrigin, canary: Canary, spy: SpyBackend
) -> None:
    url = redirect_to(origin, target.replace("{port}", str(canary.port)))
    error = await fetch_error(fetcher, url)
    assert error_code(error) is ErrorCode.LINK_BLOCKED
    assert error.status == 302
    assert spy.attempts == [(ORIGIN_HOST, origin.port)]  # the first hop only
    assert canary.accepted == 0


async def test_redirect_to_the_service_itself_is_blocked(
    make_fetcher: MakeFetcher, origin: HostileOrigin, canary: Canary
) -> None:  # B23 at a hop
    fetcher = make_fetcher(self_origins=(f"http://origin.test:{origin.port}",))
    error = await fetch_error(
        fetcher, redirect_to(origin, f"http://origin.test:{origin.port}/graphql")
    )
    assert error_code(error) is ErrorCode.LINK_BLOCKED
    assert len(origin.exchanges) == 1


async def test_a_loop_is_reported_as_redirecting_to_itself(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # B8: /loop-a -> /loop-b -> /loop-a#again
    error = await fetch_error(fetcher, origin.url("/loop-a"))
    assert error_code(error) is ErrorCode.LINK_REDIRECTS_TO_ITSELF
    assert error.status == 302
    assert [ex.request.path for ex in origin.exchanges] == ["/loop-a", "/loop-b"]


@pytest.mark.parametrize("location", ["#elsewhere", ""])
async def test_a_redirect_to_the_same_url_is_a_loop(
    location: str, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # B8: the fragment is not part of the URL that is fetched
    error = await fetch_error(fetcher, redirect_to(origin, location))
    assert error_code(error) is ErrorCode.LINK_REDIRECTS_TO_ITSELF
    assert len(origin.exchanges) == 1


async def test_a_chain_longer_than_the_limit_fails_after_the_limit(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # B8: 12 hops, limit 5
    error = await fetch_error(fetcher, origin.url("/chain?n=12"))
    assert error_code(error) is ErrorCode.LINK_MAX_REDIRECTS
    assert error.status == 302
    assert len(origin.seen("/chain")) == 6  # the first request and five hops


async def test_a_chain_within_the_limit_is_followed(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    response = await fetcher.fetch(origin.url("/chain?n=5"), accept=HTML, max_bytes=1024)
    assert response.status == 200
    assert response.redirected is True
    assert response.url == origin.url("/chain?n=5")
    assert response.final_url == origin.url("/chain?n=0")
    # The trail: the link, each hop, the final URL.
    assert response.trail == tuple(origin.url(f"/chain?n={n}") for n in range(5, -1, -1))


async def test_max_redirects_zero_follows_nothing(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    error = await fetch_error(make_fetcher(max_redirects=0), origin.url("/chain?n=1"))
    assert error_code(error) is ErrorCode.LINK_MAX_REDIRECTS


@pytest.mark.parametrize(
    ("location", "final_path"),
    [
        ("html", "/html"),  # relative path
        ("/html?x=1#frag", "/html?x=1"),
        ("./chain?n=0", "/chain?n=0"),
        ("//origin.test:{port}/html", None),  # protocol-relative, other host
    ],
)
async def test_relative_locations_resolve_against_the_current_url(
    location: str,
    final_path: str | None,
    fetcher: SafeFetcher,
    origin: HostileOrigin,
    spy: SpyBackend,
) -> None:  # B9
    location = location.replace("{port}", str(origin.port))
    response = await fetcher.fetch(redirect_to(origin, location), accept=HTML, max_bytes=1024)
    assert response.status == 200
    assert response.redirected
    if final_path is None:
        assert response.final_url == f"http://origin.test:{origin.port}/html"
    else:
        assert response.final_url == origin.url(final_path)
    assert {host for host, _ in spy.attempts} == {ORIGIN_HOST}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_every_redirect_status_is_followed(
    status: int, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    response = await fetcher.fetch(
        redirect_to(origin, "/html", status), accept=HTML, max_bytes=1024
    )
    assert response.final_url == origin.url("/html")
    assert [ex.request.method for ex in origin.exchanges] == ["GET", "GET"]


async def test_credentials_do_not_cross_origins(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # B10
    sent = {"Cookie": "sid=secret", "Authorization": "Bearer token", "X-Trace": "keep"}
    accept = ["application/json"]
    same = await fetcher.fetch(
        redirect_to(origin, "/echo"), accept=accept, max_bytes=4096, headers=sent
    )
    seen = loads(same.body)["headers"]
    assert seen["cookie"] == "sid=secret"
    assert seen["authorization"] == "Bearer token"
    other = f"http://origin.test:{origin.port}/echo"
    crossed = await fetcher.fetch(
        redirect_to(origin, other), accept=accept, max_bytes=4096, headers=sent
    )
    seen = loads(crossed.body)["headers"]
    assert "cookie" not in seen
    assert "authorization" not in seen
    assert seen["x-trace"] == "keep"
    first = origin.seen("/redirect")[-1].request.headers
    assert first["cookie"] == "sid=secret"  # it was sent to the origin it was meant for


async def test_a_redirect_body_is_never_read(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # B11: the 302 carries an endless gzip bomb
    response = await fetcher.fetch(origin.url("/redirect-bomb"), accept=HTML, max_bytes=1024)
    assert response.final_url == origin.url("/html")
    exchange = origin.seen("/redirect-bomb")[0]
    await asyncio.wait_for(exchange.done.wait(), 5)
    assert exchange.aborted  # the connection was closed under the server
    assert exchange.body_sent < 64 * 1024 * 1024


@pytest.mark.parametrize(("path", "status"), [("/no-location", 302), ("/not-modified", 304)])
async def test_unusable_redirects_are_server_errors(
    path: str, status: int, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C10: a 3xx left over
    error = await fetch_error(fetcher, origin.url(path))
    assert error_code(error) is ErrorCode.LINK_SERVER_ERROR
    assert error.status == status
