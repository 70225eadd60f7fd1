"""URL rules and normalisation: what the service agrees to fetch, in canonical form.

The rules hold for the link a client sends and for every redirect hop:

* http and https only; anything else (`file:`, `gopher:`, `data:`, `javascript:` ...) is a
  policy refusal, BlockedError.
* No credentials: any `user@` in the authority is BlockedError (it is how `evil.com@127.0.0.1`
  tricks differing parsers), a backslash in the authority is malformed (browsers read `\\` as
  `/`, other parsers do not: the two would disagree about the host).
* No control characters anywhere (C0, DEL, C1: CR/LF/NUL/TAB included), host at most 253
  characters, whole URL at most 4096 bytes: InvalidURLError.
* Port 1-65535, digits only (`:65536`, `:99999`, `:8000000000000` are InvalidURLError).
  Port policy (BlockedError): 80 and 443, plus 1024-65535 except ports of well-known
  internal services (`INTERNAL_SERVICE_PORTS`: Docker, etcd, databases, caches, search,
  Kubernetes ...). Every other port below 1024 (ssh 22, smtp 25, ...) is refused: no public
  web page needs them and they are where cross-protocol attacks land.
* Hosts are parsed as a browser does (`fetching.hostnames`): numeric forms become the IPv4
  address they mean and are checked as such; IP literals in the deny list are BlockedError
  here already, names are checked after resolution by the transport.
* The metadata host names (`metadata.google.internal` ...) are refused before any DNS.
* Links to this service itself (`FetchPolicy.self_origins`, and at connect time, whatever
  the name, `FetchPolicy.self_addresses`) are BlockedError; origins match on
  host and port, whatever the scheme, because that is what reaches the same socket.

Normalisation (the cache and DataLoader key) is RFC 3986's syntax-based one and nothing more:
surrounding whitespace stripped, a bare `example.com/path` gets `https://`, scheme and host
lower-cased, host IDNA-encoded, numeric hosts in dotted-decimal, default port and fragment
dropped, empty path made "/", percent-encodings upper-cased (`%7e` is `%7E`), dot segments
resolved (`/a/./b/../c` is `/a/c`). Everything else in path and query is kept as given: `//`
in a path is two slashes (a server may answer only there), and redirects resolve by RFC 3986
§5.2 (common/uri.py), not by `urljoin`, which drops empty segments.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass

from common.uri import remove_dot_segments, resolve_reference, upper_percent_encodings
from fetching.addresses import is_refused, is_self
from fetching.errors import BlockedError, FetchError, InvalidURLError
from fetching.hostnames import Host, bare_name, format_host, parse_host
from fetching.policy import FetchPolicy

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_BYTES = 4096

INTERNAL_SERVICE_PORTS = frozenset(
    {
        1080,  # SOCKS proxies
        2375, 2376,  # Docker API
        2379, 2380,  # etcd
        3306,  # MySQL
        3389,  # RDP
        4369,  # Erlang port mapper
        5432,  # PostgreSQL
        5672,  # AMQP
        5900,  # VNC
        5984,  # CouchDB
        6379,  # Redis
        6443,  # Kubernetes API
        8086,  # InfluxDB
        8200,  # Vault
        8300, 8301, 8302, 8500,  # Consul
        9042,  # Cassandra
        9092,  # Kafka
        9200, 9300,  # Elasticsearch
        10250, 10255,  # kubelet
        11211,  # memcached
        15672,  # RabbitMQ management
        27017, 27018, 28017,  # MongoDB
        50070,  # Hadoop NameNode
    }
)  # fmt: skip

BLOCKED_HOSTNAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data.ec2.internal"}
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_PORT_THEN_PATH = re.compile(r"^[0-9]+(?:[/?#]|$)")
_DEFAULT_POLICY = FetchPolicy()


def _invalid(message: str) -> InvalidURLError:
    return InvalidURLError(message)


def _blocked(message: str) -> BlockedError:
    return BlockedError(message)


@dataclass(frozen=True, slots=True)
class ParsedURL:
    """A URL that passed the syntax rules; `target` is path and query, without fragment."""

    scheme: str
    host: Host
    port: int
    target: str

    @property
    def authority(self) -> str:
        """Host and non-default port, as in the canonical URL and the Host header."""
        host = format_host(self.host)
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.target}"

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, _host_key(self.host), self.port)

    @property
    def wire_target(self) -> bytes:
        """The request target as sent: anything outside printable ASCII percent-encoded."""
        return urllib.parse.quote(self.target, safe="".join(map(chr, range(0x21, 0x7F)))).encode(
            "ascii"
        )


def _host_key(host: Host) -> str:
    return bare_name(host) if isinstance(host, str) else host.compressed


def _split_scheme(text: str, bare_host_ok: bool) -> tuple[str, str, bool]:
    """The scheme, the rest, and whether the scheme was assumed (a bare `example.com/x`)."""
    match = _SCHEME.match(text)
    if match is not None:
        scheme = match.group(1).lower()
        rest = text[match.end() :]
        if scheme in DEFAULT_PORTS or not (bare_host_ok and _PORT_THEN_PATH.match(rest)):
            return scheme, rest, False
    if not bare_host_ok:
        raise _invalid("the link is not an absolute URL")
    return "https", text if text.startswith("//") else "//" + text, True


def _parse_port(text: str, scheme: str) -> int:
    if text == "":
        return DEFAULT_PORTS[scheme]
    if not (text.isascii() and text.isdigit()) or len(text) > 5:
        raise _invalid("the link's port is not valid")
    port = int(text)
    if not 1 <= port <= 65535:
        raise _invalid("the link's port is not valid")
    return port


def _split_authority(authority: str, scheme: str) -> tuple[Host, int]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise _invalid("the link's host is not a valid IPv6 address")
        host_text, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise _invalid("the link's authority is malformed")
        port_text = after[1:]
    else:
        if authority.count(":") > 1:
            raise _invalid("the link's authority is malformed")
        host_text, _, port_text = authority.partition(":")
    return parse_host(host_text), _parse_port(port_text, scheme)


def parse_url(raw: str, *, bare_host_ok: bool = True) -> ParsedURL:
    """Apply the syntax rules and split `raw`; no policy beyond scheme and credentials.

    `bare_host_ok` lets a scheme-less `example.com/x` mean https; a redirect `Location` is
    resolved against its base instead, so there it is off.
    """
    text = raw.strip(" \t\r\n\f\v")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_URL_BYTES:
        raise _invalid("the link is too long")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise _invalid("the link contains control characters")
    if not text:
        raise _invalid("the link is empty")
    scheme, rest, assumed = _split_scheme(text, bare_host_ok)
    if scheme not in DEFAULT_PORTS:
        raise _blocked("only http and https links are supported")
    if not rest.startswith("//"):
        raise _invalid("the link is not an absolute URL")
    rest = rest[2:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, remainder = rest[:end], rest[end:]
    if "\\" in authority:
        raise _invalid("the link's authority is malformed")
    if "@" in authority:
        raise _blocked("links with credentials are not allowed")
    host, port = _split_authority(authority, scheme)
    if assumed and isinstance(host, str) and "." not in bare_name(host):
        # A word typed without a scheme ("hello") is text, not a link to a host named so.
        raise _invalid("the link has no scheme and its host is not a domain name")
    target = _normalized_target(remainder.partition("#")[0])
    parsed = ParsedURL(scheme=scheme, host=host, port=port, target=target)
    if len(parsed.url.encode("utf-8", "surrogatepass")) > MAX_URL_BYTES:
        raise _invalid("the link is too long")
    return parsed


def _normalized_target(target: str) -> str:
    """Path and query as RFC 3986 §6.2.2 makes them equivalent (percent-encodings in upper
    case, dot segments resolved in the path) and otherwise as written: `//` stays two slashes."""
    path, mark, query = target.partition("?")
    path = remove_dot_segments("/" + path if not path.startswith("/") else path)
    return upper_percent_encodings(path) + mark + upper_percent_encodings(query)


def port_allowed(port: int) -> bool:
    if port in (80, 443):
        return True
    return 1024 <= port <= 65535 and port not in INTERNAL_SERVICE_PORTS


def hostname_refused(name: str) -> bool:
    """Names refused before any lookup: metadata services answer on internal names."""
    name = bare_name(name)
    return any(name == h or name.endswith("." + h) for h in BLOCKED_HOSTNAMES if "." in h) or (
        name in BLOCKED_HOSTNAMES
    )


@functools.lru_cache(maxsize=32)
def self_origin_keys(origins: tuple[str, ...]) -> frozenset[tuple[str, int]]:
    """(host, port) of each configured origin of this service; raises ValueError for one
    that cannot be parsed, so a misconfiguration fails at startup rather than per fetch.
    An unbracketed IPv6 host (`http://::1:8000`, as `urlsplit().hostname` gives it) is
    accepted too."""
    found: set[tuple[str, int]] = set()
    for origin in origins:
        try:
            parsed = parse_url(origin, bare_host_ok=False)
        except FetchError:
            scheme, sep, rest = origin.partition("://")
            host, _, port = rest.rstrip("/").rpartition(":")
            try:
                parsed = parse_url(f"{scheme}{sep}[{host}]:{port}", bare_host_ok=False)
            except FetchError:
                raise ValueError(f"not a usable self origin: {origin!r}") from None
        found.add((_host_key(parsed.host), parsed.port))
    return frozenset(found)


def check_url(url: ParsedURL, policy: FetchPolicy) -> None:
    """The policy refusals that need no DNS; raises BlockedError."""
    if not port_allowed(url.port):
        raise _blocked("the link's port is not allowed")
    if isinstance(url.host, str):
        if hostname_refused(url.host):
            raise _blocked("the link's destination is not allowed")
    elif is_refused(url.host, policy.allow_networks):
        raise _blocked("the link's destination is not allowed")
    if (_host_key(url.host), url.port) in self_origin_keys(policy.self_origins) or (
        not isinstance(url.host, str) and is_self(url.host, url.port, policy.self_addresses)
    ):
        raise _blocked("links to this service itself are not allowed")


def checked_url(raw: str, policy: FetchPolicy, *, bare_host_ok: bool = True) -> ParsedURL:
    parsed = parse_url(raw, bare_host_ok=bare_host_ok)
    check_url(parsed, policy)
    return parsed


def resolve_location(base: ParsedURL, location: str, policy: FetchPolicy) -> ParsedURL:
    """The next hop of a redirect: relative and protocol-relative forms resolve against
    `base`, then the result obeys every rule a top-level link does."""
    location = location.strip(" \t")
    if any(unicodedata.category(ch) == "Cc" for ch in location):
        raise _invalid("the redirect location contains control characters")
    return checked_url(resolve_reference(base.url, location), policy, bare_host_ok=False)


def normalize_url(raw: str, policy: FetchPolicy | None = None) -> str:
    """Return the canonical form of `raw` (lower-cased scheme and IDNA host, default port and
    fragment dropped), or raise InvalidURLError / BlockedError.

    The canonical form is the cache and DataLoader key, and the preview's `id` derives from it.
    `policy` (default: the default FetchPolicy) supplies `allow_networks` for IP-literal hosts
    and `self_origins`; pass the fetcher's policy where one is at hand.
    """
    return checked_url(raw, policy or _DEFAULT_POLICY).url
