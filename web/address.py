"""Where clients reach this server when `LINKGRAPH_PUBLIC_URL` does not say.

Media URLs are absolute, so a fixed default (`http://127.0.0.1:8000`) broke every image of a
server started on another port or for other machines. Unset, the public URL is the address
the server was started on: what `linkgraph serve` was given, or uvicorn's own `--host` and
`--port` (its command line, read with uvicorn's own parser so `UVICORN_PORT` counts too).
"""

from __future__ import annotations

import importlib
import ipaddress
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import click

from fetching.policy import Network

# What uvicorn binds when told nothing, and so what a server started otherwise is assumed at.
DEFAULT_ADDRESS = ("127.0.0.1", 8000)
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def uvicorn_address(argv: Sequence[str] | None = None) -> tuple[str, int] | None:
    """The host and port of uvicorn's command line, when this process was started by it."""
    argv = sys.argv if argv is None else argv
    if not argv or "uvicorn" not in (Path(argv[0]).name, Path(argv[0]).parent.name):
        return None
    # `uvicorn.main` the attribute is the function; the module holds the click command.
    command: click.Command = importlib.import_module("uvicorn.main").main
    try:
        context = command.make_context("uvicorn", list(argv[1:]), resilient_parsing=True)
    except click.ClickException:
        return None
    if context.params.get("uds") or context.params.get("fd") is not None:
        return None
    return str(context.params["host"]), int(context.params["port"])


def public_url(address: tuple[str, int]) -> str:
    """The base URL a client uses for a server bound to `address`. A wildcard bind serves
    every interface, so it is named by the one other machines most likely reach: the
    address of the route out of this machine."""
    host, port = address
    if host in _WILDCARDS:
        host = _outward_address()
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # A host name, used as it is.
    return f"http://{host}:{port}"


def _outward_address() -> str:
    # Connecting a UDP socket sends nothing; it only picks the route and so the local address.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real destination.
            address: str = probe.getsockname()[0]
            return address
    except OSError:
        return socket.gethostname()


def self_addresses(served: tuple[str, int] | None, public: str) -> tuple[tuple[Network, int], ...]:
    """Where this server can be reached by address, for the fetcher to refuse: the address it
    listens on (a wildcard bind: loopback and this machine's own addresses, since any of
    them reaches it) and what the public URL's host resolves to now. Names that do not
    resolve are skipped: the name itself is refused by the URL rules already."""
    found: set[tuple[Network, int]] = set()
    if served is not None:
        host, port = served
        if host in _WILDCARDS:
            found.add((ipaddress.ip_network("127.0.0.0/8"), port))
            found.add((ipaddress.ip_network("::1/128"), port))
            found.update((_host_network(a), port) for a in _addresses(_outward_address()))
            found.update((_host_network(a), port) for a in _addresses(socket.gethostname()))
        else:
            found.update((_host_network(a), port) for a in _addresses(host))
    parts = urlsplit(public)
    if parts.hostname:
        default = 443 if parts.scheme == "https" else 80
        found.update((_host_network(a), parts.port or default) for a in _addresses(parts.hostname))
    return tuple(sorted(found, key=str))


def _host_network(address: str) -> Network:
    return ipaddress.ip_network(address.partition("%")[0])


def _addresses(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})
