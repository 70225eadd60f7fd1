"""Host parsing the way a browser (WHATWG URL standard) and the socket layer read it.

Why not `urllib.parse`: it leaves `0x7f.1`, `2130706433` or `0177.0.0.1` as "hostnames",
which `getaddrinfo` then happily turns into 127.0.0.1 behind the address check's back. Here
every numeric form (decimal, octal, hex, short `127.1`, padded `127.000.000.001`) becomes the
IPv4 address it means, and a host that *ends in a number* but is not a valid IPv4 address
(`1.1.1.1.1`, `example.123`) is malformed, as in browsers: it fails closed instead of going
to DNS.

Names are percent-decoded, then mapped to ASCII with IDNA 2008 + UTS #46 (non-transitional,
as browsers do), so that `ｅｘａｍｐｌｅ.com` and `example.com` are one key and homographs become
their visible `xn--` form. Plain ASCII labels are checked by hand rather than through `idna`,
which would refuse the underscores that real DNS names carry.
"""

from __future__ import annotations

import ipaddress
import re
import string
import urllib.parse

import idna

from fetching.addresses import IPAddress
from fetching.errors import InvalidURLError

MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

# WHATWG "forbidden domain code points" plus '%' (no second round of decoding).
_FORBIDDEN = frozenset(" #%/:<>?@[\\]^|") | {chr(c) for c in range(0x20)} | {"\x7f"}
_ASCII_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_HEX_DIGITS = frozenset(string.hexdigits)
_DIGITS = {10: frozenset(string.digits), 8: frozenset(string.octdigits), 16: _HEX_DIGITS}

Host = IPAddress | str


def _invalid(message: str) -> InvalidURLError:
    return InvalidURLError(message)


def _ends_in_number(labels: list[str]) -> bool:
    last = labels[-1] if labels[-1] or len(labels) == 1 else labels[-2]
    if last.isascii() and last.isdigit():
        return True
    return last[:2] in ("0x", "0X") and all(ch in _HEX_DIGITS for ch in last[2:])


def _ipv4_number(part: str) -> int:
    if not part:
        raise _invalid("the link's host is not a valid IPv4 address")
    base = 10
    if part[:2] in ("0x", "0X"):
        base, part = 16, part[2:] or "0"
    elif len(part) > 1 and part[0] == "0":
        base, part = 8, part[1:]
    if not all(ch in _DIGITS[base] for ch in part):
        raise _invalid("the link's host is not a valid IPv4 address")
    return int(part, base)


def parse_ipv4(host: str) -> ipaddress.IPv4Address:
    """WHATWG IPv4 parser: 1 to 4 dot-separated numbers, each decimal, octal or hex."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        raise _invalid("the link's host is not a valid IPv4 address")
    numbers = [_ipv4_number(part) for part in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise _invalid("the link's host is not a valid IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def parse_ipv6(text: str) -> ipaddress.IPv6Address:
    """The inside of `[...]`. Zone IDs are refused: they name a local interface, which is
    never something a public link can legitimately mean."""
    if "%" in text:
        raise _invalid("IPv6 zone identifiers are not allowed in links")
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        raise _invalid("the link's host is not a valid IPv6 address") from None


def _to_ascii(name: str) -> str:
    if name.isascii():
        name = name.lower()
        labels = name.split(".")
        if labels[-1] == "" and len(labels) > 1:
            labels.pop()
        for label in labels:
            if not _ASCII_LABEL.match(label) or len(label) > MAX_LABEL_LENGTH:
                raise _invalid("the link's host is not a valid domain name")
            if label.startswith("xn--"):
                try:
                    idna.decode(label)
                except idna.IDNAError:
                    raise _invalid("the link's host is not a valid domain name") from None
        return name
    try:
        return idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise _invalid("the link's host is not a valid domain name") from None


def parse_host(text: str) -> Host:
    """The host part of an authority (without port), as an address or an ASCII name."""
    if text.startswith("["):
        if not text.endswith("]"):
            raise _invalid("the link's host is not a valid IPv6 address")
        return parse_ipv6(text[1:-1])
    if not text:
        raise _invalid("the link has no host")
    try:
        decoded = urllib.parse.unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise _invalid("the link's host is not valid UTF-8") from None
    if any(ch in _FORBIDDEN for ch in decoded):
        raise _invalid("the link's host contains forbidden characters")
    ascii_name = decoded.lower() if decoded.isascii() else _to_ascii(decoded)
    if any(ch in _FORBIDDEN for ch in ascii_name) or not ascii_name:
        raise _invalid("the link's host contains forbidden characters")
    if _ends_in_number(ascii_name.split(".")):
        return parse_ipv4(ascii_name)
    ascii_name = _to_ascii(ascii_name)
    if len(ascii_name.rstrip(".")) > MAX_HOST_LENGTH:
        raise _invalid("the link's host is too long")
    return ascii_name


def format_host(host: Host) -> str:
    """The host as it appears in a URL or a Host header."""
    if isinstance(host, ipaddress.IPv6Address):
        return f"[{host.compressed}]"
    return str(host)


def bare_name(host: str) -> str:
    """A name without its root dot, for comparisons ("LOCALHOST." is "localhost")."""
    return host[:-1] if host.endswith(".") else host
