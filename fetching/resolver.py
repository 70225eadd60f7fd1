"""Name resolution for the transport: the policy's hosts file first, then DNS.

The fetcher resolves names itself (instead of leaving it to the socket layer) so that the
addresses it checks are the addresses it connects to. Lookup failures of any kind (NXDOMAIN,
SERVFAIL, no answer, timeout, garbage) fail closed as ConnectionFailedError with a message
that does not say which of them it was: the answer must not become a probe of internal DNS.
The whole lookup runs under `dns_timeout`; a `getaddrinfo` thread that outlives it is simply
abandoned.

The DNS step is a plain async callable (`DnsLookup`) so that tests can inject answers
(rebinding, mixed records, slow or failing DNS) without a DNS server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from fetching.addresses import IPAddress
from fetching.errors import ConnectionFailedError
from fetching.hostnames import bare_name

DnsLookup = Callable[[str], Awaitable[Iterable[str]]]


async def system_lookup(host: str) -> list[str]:
    """The event loop's getaddrinfo (a thread), TCP addresses only."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def parse_hosts(text: str) -> dict[str, list[IPAddress]]:
    """A hosts(5) file: `ADDRESS name [aliases...]`, `#` comments; bad lines are skipped."""
    table: dict[str, list[IPAddress]] = {}
    for line in text.splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) < 2:
            continue
        try:
            address = ipaddress.ip_address(fields[0])
        except ValueError:
            continue
        for name in fields[1:]:
            entries = table.setdefault(bare_name(name.lower()), [])
            if address not in entries:
                entries.append(address)
    return table


class HostsFile:
    """A hosts file, re-read when it changes on disk (deployments rewrite it in place)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._table: dict[str, list[IPAddress]] = {}

    def lookup(self, name: str) -> list[IPAddress]:
        try:
            stat = self._path.stat()
        except OSError:
            return []
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._table = parse_hosts(self._path.read_text(encoding="utf-8", errors="replace"))
            self._stamp = stamp
        return list(self._table.get(bare_name(name.lower()), ()))


class Resolver:
    """Hosts file, then DNS under a timeout; returns every address, deduplicated, in order."""

    def __init__(
        self,
        *,
        hosts_file: Path | None,
        timeout: float,
        lookup: DnsLookup | None = None,
    ) -> None:
        self._hosts = HostsFile(hosts_file) if hosts_file is not None else None
        self._timeout = timeout
        self._lookup: DnsLookup = lookup or system_lookup

    async def resolve(self, name: str) -> list[IPAddress]:
        if self._hosts is not None:
            found = self._hosts.lookup(name)
            if found:
                return found
        failure = ConnectionFailedError("the link's host could not be resolved")
        try:
            async with asyncio.timeout(self._timeout):
                answers = list(await self._lookup(name))
        except (TimeoutError, OSError, UnicodeError):
            raise failure from None
        addresses: list[IPAddress] = []
        for answer in answers:
            try:
                address = ipaddress.ip_address(answer)
            except ValueError:
                raise failure from None
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise failure
        return addresses
