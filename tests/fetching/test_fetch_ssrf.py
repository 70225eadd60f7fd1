"""SSRF rows A1-A18 and B1-B5, B12-B23 against the real fetcher and real loopback sockets.

Every refused case asserts three things: the FetchError code, that the spy under the guard
saw no connection attempt at all, and that the canary (listening on 127.0.0.1, 127.0.0.2
and ::1 on the port the URL names) accepted nothing. Private addresses off loopback are
never connected to: for them the spy is the witness that no attempt was made.

B22 (sub-fetches of og:image, oEmbed, icons) needs nothing extra here: they go through the
same `fetch`, so the rows below cover them; `test_sub_fetch_to_metadata_is_refused` is the
fetcher's side of it, skipping the sub-fetch is the caller's.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from fetching import FetchError, FetchPolicy, SafeFetcher, normalize_url
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.conftest import MakeFetcher, install_routes
from tests.fetching.harness import (
    ORIGIN_HOST,
    Bombs,
    Canary,
    FakeDns,
    HostileOrigin,
    SpyBackend,
    loads,
)

BLOCKED = ErrorCode.LINK_BLOCKED
INVALID = ErrorCode.LINK_INVALID_URL
P = "{port}"  # the canary's port

LITERAL_ROWS = [
    ("A1", f"http://127.0.0.1:{P}/", BLOCKED),
    ("A1", f"http://127.0.0.2:{P}/", BLOCKED),
    ("A1", "http://127.0.0.1/", BLOCKED),
    ("A3", f"http://0.0.0.0:{P}/", BLOCKED),
    ("A3", f"http://0:{P}/", BLOCKED),
    ("A3", "http://0.1.2.3/", BLOCKED),
    ("A4", f"http://[::]:{P}/", BLOCKED),
    ("A4", f"http://[0:0:0:0:0:0:0:0]:{P}/", BLOCKED),
    ("A4", f"http://[::1]:{P}/", BLOCKED),
    ("A5", f"http://[::ffff:127.0.0.1]:{P}/", BLOCKED),
    ("A5", f"http://[::ffff:7f00:1]:{P}/", BLOCKED),
    ("A5", f"http://[0:0:0:0:0:ffff:127.0.0.1]:{P}/", BLOCKED),
    ("A6", f"http://[::127.0.0.1]:{P}/", BLOCKED),
    ("A7", "http://[2002:7f00:1::]/", BLOCKED),
    ("A7", "http://[64:ff9b::7f00:1]/", BLOCKED),
    ("A7", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", BLOCKED),
    ("A8", "http://169.254.169.254/latest/meta-data/", BLOCKED),
    ("A9", "http://[::ffff:169.254.169.254]/", BLOCKED),
    ("A9", "http://[::ffff:a9fe:a9fe]/", BLOCKED),
    ("A9", "http://[fd00:ec2::254]/", BLOCKED),
    ("A9", "http://100.100.100.200/", BLOCKED),
    ("A9", "http://192.0.0.192/", BLOCKED),
    ("A9", "http://metadata.google.internal/computeMetadata/v1/", BLOCKED),
    ("A10", "http://10.0.0.5/", BLOCKED),
    ("A10", "http://172.16.0.1/", BLOCKED),
    ("A10", "http://192.168.1.3/", BLOCKED),
    ("A10", "http://[::ffff:c0a8:102]/", BLOCKED),
    ("A11", "http://100.64.0.1/", BLOCKED),
    ("A11", "http://192.0.0.8/", BLOCKED),
    ("A11", "http://198.18.0.1/", BLOCKED),
    ("A11", "http://203.0.113.9/", BLOCKED),
    ("A11", "http://[2001:db8::1]/", BLOCKED),
    ("A12", "http://224.0.0.1/", BLOCKED),
    ("A12", "http://240.0.0.1/", BLOCKED),
    ("A12", "http://255.255.255.255/", BLOCKED),
    ("A12", "http://0xffffffff/", BLOCKED),
    ("A12", "http://4294967295/", BLOCKED),
    ("A12", "http://0377.0377.0377.0377/", BLOCKED),
    ("A12", "http://[::ffff:ffff:ffff]/", BLOCKED),
    ("A13", "http://[fe80::1]/", BLOCKED),
    ("A13", f"http://[fe80::1%25lo]:{P}/", INVALID),
    ("A13", "http://[fdd7:b450:d4d1:6b44::1]/", BLOCKED),
    ("A13", "http://[fec0::1]/", BLOCKED),
    ("A14", f"http://2130706433:{P}/", BLOCKED),
    ("A15", f"http://0177.1:{P}/", BLOCKED),
    ("A15", f"http://017700000001:{P}/", BLOCKED),
    ("A15", f"http://0177.0.0.1:{P}/", BLOCKED),
    ("A16", f"http://0x7f.1:{P}/", BLOCKED),
    ("A16", f"http://0x7f.0.0.1:{P}/", BLOCKED),
    ("A16", f"http://0x7f000001:{P}/", BLOCKED),
    ("A17", f"http://127.1:{P}/", BLOCKED),
    ("A17", f"http://127.000.000.001:{P}/", BLOCKED),
    ("A18", f"http://1.1.1.1.1:{P}/", INVALID),
    ("A18", "http://8.8.8.8.8/", INVALID),
    ("B12", "file:///etc/passwd", BLOCKED),
    ("B12", f"gopher://127.0.0.1:{P}/_INFO", BLOCKED),
    ("B12", f"ftp://127.0.0.1:{P}/", BLOCKED),
    ("B12", f"dict://127.0.0.1:{P}/stat", BLOCKED),
    ("B12", "javascript:alert(1)", BLOCKED),
    ("B12", f"ssh://127.0.0.1:{P}/", BLOCKED),
    ("B13", "data:text/html,<script>alert(1)</script>", BLOCKED),
    ("B14", f"http://evil.com@127.0.0.1:{P}/", BLOCKED),
    ("B14", f"http://a@b@127.0.0.1:{P}/", BLOCKED),
    ("B15", f"http://127.1:{P}\\@evil.com/", INVALID),
    ("B15", f"http://127.0.0.1:{P}#@evil.com/", BLOCKED),
    ("B16", "http://8.8.8.8:22/", BLOCKED),
    ("B16", "http://8.8.8.8:25/", BLOCKED),
    ("B16", "http://8.8.8.8:6379/", BLOCKED),
    ("B16", "http://8.8.8.8:11211/", BLOCKED),
    ("B17", "http://8.8.8.8:65536/", INVALID),
    ("B17", "http://8.8.8.8:99999/", INVALID),
    ("B17", "http://8.8.8.8:800000000000000000000000000/", INVALID),
    ("B18", f"http://ex%0d%0aHost:{P}/", INVALID),
    ("B18", "http://8.8.8.8/\r\nHost: 127.0.0.1", INVALID),
    ("B18", "http://foo.baz.com\x00.example.com/", INVALID),
    ("B19", "http://" + ".".join(["a" * 63] * 4) + "/", INVALID),
    ("B19", "https://example.com/" + "a" * 4100, INVALID),
]


async def assert_refused(
    fetcher: SafeFetcher, url: str, code: ErrorCode, *, accept: tuple[str, ...] = ("text/html",)
) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url, accept=accept, max_bytes=1024)
    assert error_code(caught.value) is code, caught.value.message
    assert caught.value.status is None
    return caught.value


@pytest.mark.parametrize(("row", "template", "code"), LITERAL_ROWS)
async def test_literal_destinations_are_refused_before_connecting(
    row: str,
    template: str,
    code: ErrorCode,
    fetcher: SafeFetcher,
    canary: Canary,
    spy: SpyBackend,
    dns: FakeDns,
) -> None:
    url = template.replace(P, str(canary.port))
    with pytest.raises(FetchError) as caught:
        normalize_url(url)
    assert error_code(caught.value) is code
    error = await assert_refused(fetcher, url, code)
    assert "127.0.0.1" not in error.message
    assert str(canary.port) not in error.message
    assert spy.attempts == []
    assert dns.calls == []
    assert canary.accepted == 0


RESOLVED_ROWS = [
    ("A2", f"http://localhost:{P}/", {}),  # hosts file: LOCALHOST -> 127.0.0.1
    ("A2", f"http://LOCALHOST.:{P}/", {}),
    ("A2", f"http://localtest.example:{P}/", {"localtest.example": [["127.0.0.1"]]}),
    ("A2", f"http://evil.test:{P}/", {}),
    ("A9", "http://meta.test/", {}),  # hosts file: 169.254.169.254
    ("B1", "http://private.test/", {}),  # hosts file: 10.0.0.5
    ("B1", "http://a-record.example/", {"a-record.example": [["10.1.2.3"]]}),
    ("B1", "http://cgnat.example/", {"cgnat.example": [["100.64.3.4"]]}),
    ("B2", f"http://aaaa.example:{P}/", {"aaaa.example": [["::1"]]}),
    ("B2", f"http://evil6.test:{P}/", {}),  # hosts file: ::1
    ("B2", "http://ula.example/", {"ula.example": [["fd12:3456::1"]]}),
    ("B2", f"http://mapped.example:{P}/", {"mapped.example": [["::ffff:127.0.0.1"]]}),
    ("B3", "http://mixed.example/", {"mixed.example": [["93.184.216.34", "10.0.0.1"]]}),
    ("B3", f"http://mixed6.example:{P}/", {"mixed6.example": [["2606:4700::1", "::1"]]}),
]


@pytest.mark.parametrize(("row", "template", "answers"), RESOLVED_ROWS)
async def test_names_resolving_to_refused_addresses_are_refused_before_connecting(
    row: str,
    template: str,
    answers: dict[str, list[list[str]]],
    fetcher: SafeFetcher,
    canary: Canary,
    spy: SpyBackend,
    dns: FakeDns,
) -> None:
    dns.answers.update(answers)
    url = template.replace(P, str(canary.port))
    normalize_url(url)  # a name passes the URL rules: the check happens after resolution
    error = await assert_refused(fetcher, url, BLOCKED)
    assert "127.0.0.1" not in error.message
    assert "10." not in error.message
    assert spy.attempts == []
    assert canary.accepted == 0
    assert len(dns.calls) == (1 if answers else 0)


async def test_metadata_name_is_refused_before_dns(fetcher: SafeFetcher, dns: FakeDns) -> None:
    dns.answers["metadata.google.internal"] = [["93.184.216.34"]]
    await assert_refused(fetcher, "http://metadata.google.internal/", BLOCKED)
    await assert_refused(fetcher, "http://METADATA.google.internal./", BLOCKED)
    assert dns.calls == []


async def test_metadata_stays_refused_when_its_network_is_allowed(
    make_fetcher: MakeFetcher, spy: SpyBackend
) -> None:
    fetcher = make_fetcher(allow_networks=(ipaddress.ip_network("169.254.0.0/16"),))
    await assert_refused(fetcher, "http://169.254.169.254/latest/meta-data/", BLOCKED)
    await assert_refused(fetcher, "http://meta.test/", BLOCKED)
    assert spy.attempts == []


async def test_sub_fetch_to_metadata_is_refused(fetcher: SafeFetcher, spy: SpyBackend) -> None:
    # B22: an og:image or icon URL is fetched the same way, with an image accept list.
    await assert_refused(fetcher, "http://169.254.169.254/icon.png", BLOCKED, accept=("image/*",))
    assert spy.attempts == []


async def test_ports_are_checked_before_dns(fetcher: SafeFetcher, dns: FakeDns) -> None:  # B16
    dns.answers["public.example"] = [["93.184.216.34"]]
    for port in (22, 25, 6379, 11211, 2375, 5432):
        await assert_refused(fetcher, f"http://public.example:{port}/", BLOCKED)
    assert dns.calls == []


async def test_allowed_origin_is_reached(
    fetcher: SafeFetcher, origin: HostileOrigin, spy: SpyBackend
) -> None:
    # The positive control for every row above: the same fetcher does connect when allowed.
    response = await fetcher.fetch(origin.url("/html"), accept=["text/html"], max_bytes=1024)
    assert response.status == 200
    assert spy.attempts == [(ORIGIN_HOST, origin.port)]


async def test_allowed_ipv6_origin_is_reached(
    make_fetcher: MakeFetcher, bombs: Bombs, dns: FakeDns, spy: SpyBackend
) -> None:
    # Positive control for the IPv6 path: bracketed literal, AAAA answer, Host header.
    server = HostileOrigin(host="::1")
    install_routes(server, bombs)
    await server.start()
    try:
        fetcher = make_fetcher(allow_networks=(ipaddress.ip_network("::1/128"),))
        response = await fetcher.fetch(
            f"http://[::1]:{server.port}/echo", accept=["application/json"], max_bytes=4096
        )
        assert loads(response.body)["headers"]["host"] == f"[::1]:{server.port}"
        dns.answers["six.example"] = [["::1"]]
        response = await fetcher.fetch(
            f"http://six.example:{server.port}/html", accept=["text/html"], max_bytes=4096
        )
        assert response.status == 200
        assert {host for host, _ in spy.attempts} == {"::1"}
    finally:
        await server.stop()


async def test_dns_rebinding_connects_to_the_checked_address(
    make_fetcher: MakeFetcher, origin: HostileOrigin, dns: FakeDns, spy: SpyBackend
) -> None:  # B4
    trap = await Canary().start(["127.0.0.1"], port=origin.port)
    try:
        dns.answers["rebind.example"] = [[ORIGIN_HOST], ["127.0.0.1"]]
        url = f"http://rebind.example:{origin.port}/html"
        response = await make_fetcher().fetch(url, accept=["text/html"], max_bytes=1024)
        assert response.status == 200
        assert dns.calls == ["rebind.example"]  # one lookup: nothing left to rebind
        assert spy.attempts == [(ORIGIN_HOST, origin.port)]
        assert origin.connections == 1
        # A new connection resolves again, and the rebound answer is refused.
        await assert_refused(make_fetcher(), url, BLOCKED)
        assert spy.attempts == [(ORIGIN_HOST, origin.port)]
        assert trap.accepted == 0
    finally:
        await trap.stop()


async def test_public_and_private_records_refuse_the_whole_host(
    fetcher: SafeFetcher, origin: HostileOrigin, dns: FakeDns, spy: SpyBackend
) -> None:  # B3: the allowed address comes first, and is still not used
    dns.answers["both.example"] = [[ORIGIN_HOST, "127.0.0.1"]]
    await assert_refused(fetcher, f"http://both.example:{origin.port}/html", BLOCKED)
    assert spy.attempts == []
    assert origin.connections == 0


@pytest.mark.parametrize(
    "dns_setup",
    [
        {},  # NXDOMAIN
        {"errors": {"broken.example": socket.EAI_AGAIN}},  # SERVFAIL
        {"delay": 30.0},  # slow
    ],
    ids=["nxdomain", "servfail", "slow"],
)
async def test_dns_failures_fail_closed_within_the_dns_timeout(
    make_fetcher: MakeFetcher, dns: FakeDns, spy: SpyBackend, dns_setup: dict[str, object]
) -> None:  # B5
    for name, value in dns_setup.items():
        setattr(dns, name, value)
    fetcher = make_fetcher(dns_timeout=0.3)
    error = await assert_refused(fetcher, "http://broken.example/", ErrorCode.LINK_CONNECTION_ERROR)
    assert dns.abandoned == (1 if dns.delay else 0), "the slow answer was given up on"
    assert error.message == "the link's host could not be resolved"  # one message: no DNS oracle
    assert spy.attempts == []


async def test_real_resolver_refuses_localhost(canary: Canary, spy: SpyBackend) -> None:  # A2
    # No injected DNS and no policy hosts file: getaddrinfo answers from the machine.
    fetcher = SafeFetcher(FetchPolicy(), network_backend=spy)
    try:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(
                f"http://localhost:{canary.port}/", accept=["text/html"], max_bytes=10
            )
        assert error_code(caught.value) is BLOCKED
    finally:
        await fetcher.aclose()
    assert spy.attempts == []
    assert canary.accepted == 0


async def test_idn_hosts_are_looked_up_in_ascii(
    fetcher: SafeFetcher, origin: HostileOrigin, dns: FakeDns
) -> None:  # B20
    response = await fetcher.fetch(
        f"http://öri.test:{origin.port}/html", accept=["text/html"], max_bytes=1024
    )
    assert response.final_url == f"http://xn--ri-eka.test:{origin.port}/html"
    response = await fetcher.fetch(
        f"http://ｏｒｉｇｉｎ.test:{origin.port}/html", accept=["text/html"], max_bytes=1024
    )
    assert response.url == f"http://origin.test:{origin.port}/html"
    with pytest.raises(FetchError):
        await fetcher.fetch("http://exаmple.com/", accept=["text/html"], max_bytes=10)
    assert dns.calls == ["xn--exmple-4nf.com"]  # the homograph is not example.com


async def test_environment_proxies_are_ignored(
    monkeypatch: pytest.MonkeyPatch,
    make_fetcher: MakeFetcher,
    origin: HostileOrigin,
    canary: Canary,
    spy: SpyBackend,
) -> None:  # B21
    proxy = f"http://127.0.0.1:{canary.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    response = await make_fetcher().fetch(origin.url("/html"), accept=["text/html"], max_bytes=1024)
    assert response.status == 200
    assert canary.accepted == 0
    assert spy.attempts == [(ORIGIN_HOST, origin.port)]


async def test_links_to_the_service_itself_are_refused(
    make_fetcher: MakeFetcher, origin: HostileOrigin, spy: SpyBackend
) -> None:  # B23
    fetcher = make_fetcher(self_origins=(origin.base,))
    await assert_refused(fetcher, origin.url("/graphql"), BLOCKED)
    await assert_refused(fetcher, f"https://{ORIGIN_HOST}:{origin.port}/graphql", BLOCKED)
    assert spy.attempts == []
    assert origin.connections == 0


async def test_links_to_the_service_itself_are_refused_by_address_whatever_the_name(
    make_fetcher: MakeFetcher, origin: HostileOrigin, spy: SpyBackend
) -> None:
    """The service's own name is one way to reach it; a name of its address that the origin
    list does not know (or the bare address, allowed by LINKGRAPH_ALLOW_NETWORKS) is another."""
    listening = ((ipaddress.ip_network(f"{ORIGIN_HOST}/32"), origin.port),)
    fetcher = make_fetcher(self_origins=("http://linkgraph.example:1",), self_addresses=listening)
    await assert_refused(fetcher, origin.url("/metrics"), BLOCKED)
    await assert_refused(
        fetcher, origin.url("/metrics").replace(ORIGIN_HOST, "alias.test"), BLOCKED
    )
    assert spy.attempts == []
    assert origin.connections == 0
    # The same address on another port is another server.
    elsewhere = make_fetcher(self_addresses=((listening[0][0], origin.port + 1),))
    response = await elsewhere.fetch(origin.url("/html"), accept=["text/html"], max_bytes=1024)
    assert response.status == 200
