"""The address deny list and the unwrapping of IPv6 forms that carry IPv4 (rows A1-A13, B2)."""

from __future__ import annotations

import ipaddress

import pytest

from fetching.addresses import embedded_ipv4, is_metadata, is_refused

ip = ipaddress.ip_address
net = ipaddress.ip_network

REFUSED = [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.5", "172.16.0.1",
    "172.31.255.255", "192.168.1.3", "100.64.0.1", "100.127.255.255", "169.254.1.1",
    "169.254.169.254", "192.0.0.8", "192.0.0.192", "192.0.2.1", "198.18.0.1", "198.19.255.255",
    "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "100.100.100.200",
    "::", "::1", "::127.0.0.1", "::8.8.8.8", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1",
    "100::1", "2001::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:db8::1",
    "2002:7f00:1::", "2002:808:808::", "fc00::1", "fdd7:b450:d4d1:6b44::1", "fd00:ec2::254",
    "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1",
]  # fmt: skip

PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "::ffff:8.8.8.8", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", REFUSED)
def test_refuses(address: str) -> None:
    assert is_refused(ip(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_admits_public(address: str) -> None:
    assert not is_refused(ip(address))


def test_ipv4_compatible_is_refused_although_python_calls_it_global() -> None:
    assert ip("::127.0.0.1").is_global  # the 3.11 quirk this module exists for
    assert is_refused(ip("::127.0.0.1"))


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("::127.0.0.1", "127.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),  # Teredo client, de-obfuscated
        ("64:ff9b:1:7f00:0:100::", "127.0.0.1"),  # RFC 6052 /48 layout (u octet skipped)
        ("64:ff9b:1::7f00:1", "127.0.0.1"),  # /96 layout inside the local-use prefix
    ],
)
def test_unwraps_embedded_ipv4(address: str, inner: str) -> None:
    assert ip(inner) in embedded_ipv4(ip(address))


@pytest.mark.parametrize(
    ("allowed", "address", "refused"),
    [
        ("2002::/16", "2002:808:808::", False),
        ("2002::/16", "2002:7f00:1::", True),
        ("64:ff9b::/96", "64:ff9b::808:808", False),
        ("64:ff9b::/96", "64:ff9b::a00:5", True),
        ("64:ff9b:1::/48", "64:ff9b:1:7f00:0:100::", True),
        ("2001::/32", "2001:0:4136:e378:8000:63bf:80ff:fffe", True),
        ("127.9.0.0/16", "127.9.0.1", False),
        ("127.9.0.0/16", "::ffff:127.9.0.1", False),
        ("127.9.0.0/16", "127.0.0.1", True),
    ],
)
def test_allowing_a_wrapper_still_checks_what_it_wraps(
    allowed: str, address: str, refused: bool
) -> None:
    assert is_refused(ip(address), (net(allowed),)) is refused


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "::ffff:a9fe:a9fe",
        "fd00:ec2::254",
        "100.100.100.200",
        "192.0.0.192",
        "64:ff9b::a9fe:a9fe",
    ],
)
def test_metadata_is_never_exempt(address: str) -> None:  # A8, A9
    everything = (net("0.0.0.0/0"), net("::/0"))
    assert is_metadata(ip(address))
    assert is_refused(ip(address), everything)
    assert not is_refused(ip("169.254.1.1"), everything)
