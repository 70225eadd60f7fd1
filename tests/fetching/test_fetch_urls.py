"""URL rules and normalisation (pure: no sockets). Rows A3-A18, B12-B19 at the URL layer;
the same rows run against the fetcher and real sockets in test_fetch_ssrf.py."""

from __future__ import annotations

import ipaddress

import pytest

from fetching import FetchError, FetchPolicy, normalize_url
from fetching.urls import INTERNAL_SERVICE_PORTS, parse_url, port_allowed, resolve_location
from model.record import ErrorCode
from previews.errors import error_code

NORMALISED = [
    ("example.com/path", "https://example.com/path"),
    ("  https://example.com/a\n", "https://example.com/a"),
    ("//example.com/x", "https://example.com/x"),
    ("HTTP://Example.COM:80/a b?x=1&Y=2#frag", "http://example.com/a b?x=1&Y=2"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com:8443?q", "https://example.com:8443/?q"),
    ("http://example.com:/", "http://example.com/"),
    ("https://example.com/%7Efoo/?a=%20b", "https://example.com/%7Efoo/?a=%20b"),
    # RFC 3986 §6.2.2 and nothing else: percent-encoding case and dot segments; `//` kept.
    ("https://example.com/%7efoo/?a=%2fb", "https://example.com/%7Efoo/?a=%2Fb"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/a//b", "https://example.com/a//b"),
    ("https://example.com//a//./b/?x=./..//", "https://example.com//a//b/?x=./..//"),
    ("https://example.com/../a", "https://example.com/a"),
    ("https://example.com/ä?ö=1", "https://example.com/ä?ö=1"),
    ("example.test:8080/x", "https://example.test:8080/x"),
    ("https://ex%61mple.com/", "https://example.com/"),
    ("http://ğitlab.com/", "http://xn--itlab-j1a.com/"),  # B20
    ("http://ＥＸＡＭＰＬＥ.com/", "http://example.com/"),  # fullwidth maps per UTS 46
    ("http://exаmple.com/", "http://xn--exmple-4nf.com/"),  # Cyrillic a: a visibly other key
    ("http://xn--itlab-j1a.com/", "http://xn--itlab-j1a.com/"),
    ("http://my_host.example.com/", "http://my_host.example.com/"),
    ("http://example.com./", "http://example.com./"),
    ("http://93.184.216.34", "http://93.184.216.34/"),
    ("http://1558767650/", "http://92.232.232.34/"),  # decimal public address, canonicalised
    ("http://[2606:4700:4700:0:0:0:0:1111]:8080/", "http://[2606:4700:4700::1111]:8080/"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalises(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected
    assert normalize_url(expected) == expected  # idempotent: it is a cache key


INVALID = [
    "",
    "   ",
    "http://",
    "http:///path",
    "http:example.com",
    "http:/example.com",
    "http://1.1.1.1.1/",  # A18
    "http://8.8.8.8.8/",  # A18
    "http://256.1.1.1/",
    "http://1.2.3.0x100/",
    "http://08.1.1.1/",  # not octal, not decimal: a browser refuses it
    "http://example.123/",  # ends in a number but is no IPv4 address
    "http://[fe80::1%25eth0]/",  # A13 zone ID
    "http://[::1/",
    "http://[::1]x/",
    "http://[not-v6]/",
    "http://a:b:c/",
    "http://origin.test:65536/",  # B17
    "http://origin.test:99999/",
    "http://origin.test:800000000000000000000000000/",
    "http://origin.test:0/",
    "http://origin.test:-1/",
    "http://origin.test:８０/",
    "http://ex%0d%0aHost:x/",  # B18
    "http://origin.test/\r\nX-Injected: 1",
    "http://origin.test/a\nb",
    "http://foo.baz.com\x00.example.com/",
    "http://origin.test/\tpath",
    "http://origin.test/\x7f",
    "http://origin.test/\x85",
    "http://exa mple.com/",
    "http://exa<mple.com/",
    "http://ex%ffample.com/",
    "http://a..b/",
    "http://-bad-.com/",
    "http://xn--a.com/",
    "http://" + "a" * 64 + ".com/",  # label over 63
    "http://" + ".".join(["a" * 63] * 4) + "/",  # B19: host of 255 characters
    "https://example.com/" + "a" * 4100,  # B19: over 4096 bytes
    "http://127.1:80\\@evil.com/",  # B15: browsers read "\" as "/", urllib does not
    "http://evil.com\\127.0.0.1/",
]


@pytest.mark.parametrize("raw", INVALID)
def test_rejects_malformed(raw: str) -> None:
    with pytest.raises(FetchError) as caught:
        normalize_url(raw)
    assert error_code(caught.value) is ErrorCode.LINK_INVALID_URL


BLOCKED = [
    # A: literal destinations, whatever the spelling
    "http://127.0.0.1/",
    "http://127.0.0.2/",
    "http://0.0.0.0/",
    "http://0/",
    "http://0.1.2.3/",
    "http://[::]/",
    "http://[0:0:0:0:0:0:0:0]/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00:ec2::254]/",
    "http://100.100.100.200/",
    "http://192.0.0.192/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.Google.Internal./",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://192.168.1.3/",
    "http://[::ffff:c0a8:102]/",
    "http://100.64.0.1/",
    "http://192.0.0.8/",
    "http://198.18.0.1/",
    "http://192.0.2.1/",
    "http://198.51.100.7/",
    "http://203.0.113.9/",
    "http://[2001:db8::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://0xffffffff/",
    "http://4294967295/",
    "http://0377.0377.0377.0377/",
    "http://[::ffff:ffff:ffff]/",
    "http://[fe80::1]/",
    "http://[fdd7:b450:d4d1:6b44::1]/",
    "http://[fec0::1]/",
    "http://[100::1]/",
    "http://2130706433/",
    "http://0177.1/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://0X7F.1/",
    "http://127.1/",
    "http://127.000.000.001/",
    "http://１２７.０.０.１/",  # fullwidth digits map to 127.0.0.1
    "http://127%2e0%2e0%2e1/",  # percent-encoded dots
    "http://127.0.0.1:80#@evil.com/",  # B15: the host is 127.0.0.1
    # B12, B13: schemes
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/_INFO",
    "ftp://example.com/",
    "dict://example.com:11211/stat",
    "javascript:alert(1)",
    "ssh://example.com/",
    "data:text/html,<script>alert(1)</script>",
    "mailto:someone@example.com",
    # B14: credentials
    "http://evil.com@127.0.0.1/",
    "http://a@b@127.0.0.1/",
    "https://user:pass@example.com/",
    "https://@example.com/",
    # B16: port policy
    "http://example.com:22/",
    "http://example.com:25/",
    "http://example.com:6379/",
    "http://example.com:11211/",
    "http://example.com:8080@evil/",
]


@pytest.mark.parametrize("raw", BLOCKED)
def test_rejects_by_policy(raw: str) -> None:
    with pytest.raises(FetchError) as caught:
        normalize_url(raw)
    assert error_code(caught.value) is ErrorCode.LINK_BLOCKED
    assert "127.0.0.1" not in caught.value.message


def test_allow_networks_admit_literals_but_never_metadata() -> None:
    policy = FetchPolicy(
        allow_networks=(
            ipaddress.ip_network("127.0.0.0/8"),
            ipaddress.ip_network("169.254.0.0/16"),
        )
    )
    assert normalize_url("http://127.1:8080/x", policy) == "http://127.0.0.1:8080/x"
    assert normalize_url("http://169.254.1.1/", policy) == "http://169.254.1.1/"
    for raw in ("http://169.254.169.254/", "http://[::ffff:169.254.169.254]/"):
        with pytest.raises(FetchError) as caught:
            normalize_url(raw, policy)
        assert error_code(caught.value) is ErrorCode.LINK_BLOCKED


@pytest.mark.parametrize(
    "raw",
    [
        "http://127.9.0.1:8000/graphql",
        "https://127.9.0.1:8000/",
        "https://LinkGraph.Example/graphql",
        "https://linkgraph.example./media/1",
        "http://[::1]:8000/",
    ],
)
def test_refuses_links_to_the_service_itself(raw: str) -> None:  # B23
    policy = FetchPolicy(
        allow_networks=(ipaddress.ip_network("127.9.0.0/16"), ipaddress.ip_network("::1/128")),
        self_origins=("http://127.9.0.1:8000", "https://linkgraph.example", "http://::1:8000"),
    )
    with pytest.raises(FetchError) as caught:
        normalize_url(raw, policy)
    assert error_code(caught.value) is ErrorCode.LINK_BLOCKED
    assert normalize_url("http://127.9.0.1:8001/", policy) == "http://127.9.0.1:8001/"


@pytest.mark.parametrize(
    ("port", "allowed"),
    [(80, True), (443, True), (8080, True), (1024, True), (65535, True), (22, False),
     (25, False), (1023, False), (1, False), (2375, False), (5432, False), (6379, False),
     (11211, False), (27017, False)],
)  # fmt: skip
def test_port_policy(port: int, allowed: bool) -> None:
    assert port_allowed(port) is allowed
    assert all(not port_allowed(p) for p in INTERNAL_SERVICE_PORTS)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/x?y=1", "http://origin.test:8080/x?y=1"),
        ("x", "http://origin.test:8080/a/x"),
        ("../up", "http://origin.test:8080/up"),
        ("?q=2", "http://origin.test:8080/a/b?q=2"),
        ("//other.test/p", "http://other.test/p"),
        ("https://Other.TEST:443/p#f", "https://other.test/p"),
        ("  /spaced  ", "http://origin.test:8080/spaced"),
        ("x//y", "http://origin.test:8080/a/x//y"),  # urljoin would drop the empty segment
        ("//other.test//p/./q", "http://other.test//p/q"),
    ],
)
def test_resolves_redirect_locations(location: str, expected: str) -> None:  # B9
    base = parse_url("http://origin.test:8080/a/b?q=1")
    assert resolve_location(base, location, FetchPolicy()).url == expected


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("file:///etc/passwd", ErrorCode.LINK_BLOCKED),
        ("gopher://origin.test:8080/_x", ErrorCode.LINK_BLOCKED),
        ("localhost:8080/x", ErrorCode.LINK_BLOCKED),  # a scheme here, not a bare host
        ("//127.0.0.1:8080/", ErrorCode.LINK_BLOCKED),
        ("http://0x7f.1/", ErrorCode.LINK_BLOCKED),
        ("/a\x00b", ErrorCode.LINK_INVALID_URL),
        ("http://exa mple.com/", ErrorCode.LINK_INVALID_URL),
    ],
)
def test_refuses_redirect_locations(location: str, code: ErrorCode) -> None:  # B6, B7
    base = parse_url("http://origin.test:8080/a/b")
    with pytest.raises(FetchError) as caught:
        resolve_location(base, location, FetchPolicy())
    assert error_code(caught.value) is code


def test_wire_target_is_printable_ascii() -> None:
    parsed = parse_url("https://example.com/ä b?x=ö&y=%20")
    assert parsed.wire_target == b"/%C3%A4%20b?x=%C3%B6&y=%20"
    assert parsed.authority == "example.com"
    assert parse_url("http://[::1]:8080/").authority == "[::1]:8080"


def test_unusable_self_origin_fails_at_construction() -> None:
    from fetching import SafeFetcher

    with pytest.raises(ValueError, match="self origin"):
        SafeFetcher(FetchPolicy(self_origins=("not a url",)))


@pytest.mark.parametrize("raw", ["nope", "hello", "localhost:8080/x", "intranet/page"])
def test_a_scheme_less_word_is_not_a_link(raw: str) -> None:
    with pytest.raises(FetchError) as caught:
        normalize_url(raw)
    assert error_code(caught.value) is ErrorCode.LINK_INVALID_URL


def test_a_scheme_less_domain_means_https() -> None:
    assert normalize_url("Example.COM/Path?q=1") == "https://example.com/Path?q=1"
