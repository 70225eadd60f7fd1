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

import click

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
