"""Which IP addresses the fetcher may connect to.

Why a hand-written list: Python's `is_global`/`is_private` are not a security boundary. On 3.11
`ipaddress.ip_address("::127.0.0.1").is_global` is True, multicast `224.0.0.1` is "global",
and none of them look inside the IPv6 forms that carry an IPv4 address to somewhere else.
So an address is refused when it is in the explicit deny list below (Synapse's recommended
list plus 0/8, 240/4, the NAT64/6to4/Teredo prefixes, 100::/64 and the metadata addresses)
*or* Python does not consider it global (defence in depth: it costs nothing to be stricter).

Wrapped IPv4: an IPv4-mapped address (`::ffff:a.b.c.d`) is the IPv4 address for every
purpose (the kernel connects to it), so it is judged as that IPv4 address. The other
wrappers (IPv4-compatible `::a.b.c.d`, 6to4 `2002::/16`, Teredo `2001::/32`, NAT64
`64:ff9b::/96` and `64:ff9b:1::/48`) are in the deny list themselves, *and* their embedded
IPv4 addresses are unwrapped and judged too, so that a deployment which exempts a NAT64
prefix through `allow_networks` still cannot reach 127.0.0.1 through it.

Cloud metadata addresses are refused whatever `allow_networks` says, also when wrapped.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from fetching.policy import Network

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

DENIED_NETWORKS: tuple[Network, ...] = (
    _V4("0.0.0.0/8"),  # "this network"; 0.0.0.0 reaches the local host on Linux
    _V4("10.0.0.0/8"),
    _V4("100.64.0.0/10"),  # CGNAT shared address space
    _V4("127.0.0.0/8"),
    _V4("169.254.0.0/16"),  # link-local, home of most metadata services
    _V4("172.16.0.0/12"),
    _V4("192.0.0.0/24"),  # IETF protocol assignments (192.0.0.192 is Oracle metadata)
    _V4("192.0.2.0/24"),  # TEST-NET-1
    _V4("192.88.99.0/24"),  # 6to4 relay anycast
    _V4("192.168.0.0/16"),
    _V4("198.18.0.0/15"),  # benchmarking
    _V4("198.51.100.0/24"),  # TEST-NET-2
    _V4("203.0.113.0/24"),  # TEST-NET-3
    _V4("224.0.0.0/4"),  # multicast
    _V4("240.0.0.0/4"),  # reserved, includes 255.255.255.255
    _V6("::/96"),  # unspecified, loopback and the deprecated IPv4-compatible form
    _V6("64:ff9b::/96"),  # NAT64 well-known prefix
    _V6("64:ff9b:1::/48"),  # NAT64 local-use prefix
    _V6("100::/64"),  # discard-only
    _V6("2001::/32"),  # Teredo
    _V6("2001:db8::/32"),  # documentation
    _V6("2002::/16"),  # 6to4
    _V6("3fff::/20"),  # documentation (RFC 9637)
    _V6("5f00::/16"),  # SRv6 SIDs
    _V6("fc00::/7"),  # unique local
    _V6("fe80::/10"),  # link-local
    _V6("fec0::/10"),  # site-local (deprecated, still routed by some stacks)
    _V6("ff00::/8"),  # multicast
)

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        ipaddress.IPv4Address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
        ipaddress.IPv4Address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.IPv4Address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.IPv4Address("192.0.0.192"),  # Oracle Cloud
        ipaddress.IPv6Address("fd00:ec2::254"),  # AWS over IPv6
    }
)

_NAT64_WELL_KNOWN = _V6("64:ff9b::/96")
_NAT64_LOCAL = _V6("64:ff9b:1::/48")
_IPV4_COMPATIBLE = _V6("::/96")


def canonical(address: IPAddress) -> IPAddress:
    """The address the kernel would connect to: IPv4-mapped becomes IPv4, zone IDs go."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return ipaddress.IPv6Address(int(address))
    return address


def _bits(value: int, start: int, end: int) -> int:
    """Bits [start, end) of a 128-bit value, counted from the most significant bit."""
    return (value >> (128 - end)) & ((1 << (end - start)) - 1)


def _rfc6052_candidates(value: int, prefix_lengths: Iterable[int]) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a NAT64 address could embed, for each allowed prefix length
    (RFC 6052 section 2.2: the octet at bits 64-71 is skipped)."""
    found: list[ipaddress.IPv4Address] = []
    for length in prefix_lengths:
        if length == 96:
            embedded = _bits(value, 96, 128)
        elif length == 64:
            embedded = _bits(value, 72, 104)
        else:
            head = 64 - length
            embedded = (_bits(value, length, 64) << (32 - head)) | _bits(value, 72, 72 + 32 - head)
        found.append(ipaddress.IPv4Address(embedded))
    return found


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address that traffic to `address` may end up at through a translator."""
    address = canonical(address)
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    value = int(address)
    found: list[ipaddress.IPv4Address] = []
    if address in _IPV4_COMPATIBLE and value > 1:  # :: and ::1 are themselves, not IPv4
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)  # (server, client); the client is de-obfuscated
    if address in _NAT64_WELL_KNOWN:
        found.extend(_rfc6052_candidates(value, (96,)))
    if address in _NAT64_LOCAL:
        found.extend(_rfc6052_candidates(value, (48, 56, 64, 96)))
    return found


def _in_any(address: IPAddress, networks: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def _denied(address: IPAddress) -> bool:
    return _in_any(address, DENIED_NETWORKS) or not address.is_global


def is_metadata(address: IPAddress) -> bool:
    """Whether `address` is, or wraps, a cloud metadata endpoint."""
    address = canonical(address)
    return address in METADATA_ADDRESSES or any(
        inner in METADATA_ADDRESSES for inner in embedded_ipv4(address)
    )


def is_refused(address: IPAddress, allow_networks: Sequence[Network] = ()) -> bool:
    """Whether the fetcher must not connect to `address`."""
    address = canonical(address)
    if is_metadata(address):
        return True
    for candidate in (address, *embedded_ipv4(address)):
        if _denied(candidate) and not _in_any(candidate, allow_networks):
            return True
    return False


def is_self(address: IPAddress, port: int, self_addresses: Sequence[tuple[Network, int]]) -> bool:
    """Whether `address:port` is where this service itself listens."""
    address = canonical(address)
    return any(
        port == listening and address.version == network.version and address in network
        for network, listening in self_addresses
    )
