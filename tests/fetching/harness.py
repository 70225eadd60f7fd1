"""Real sockets on loopback for the fetcher tests: a canary that must never be reached, a
hostile origin that serves every fault, a spy under the guard, and a scriptable DNS.

Everything listens on 127.0.0.0/8 (and ::1): no test ever connects anywhere else. The spy
backend refuses, without connecting, any address that is not loopback, so a bug in the guard
shows up as a recorded attempt instead of traffic to a private range.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import importlib
import ipaddress
import json
import socket
import ssl
import urllib.parse
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpcore

ORIGIN_HOST = "127.9.0.1"
ALLOWED_NET = ipaddress.ip_network("127.9.0.0/16")
MiB = 1024 * 1024


# --- the canary ---------------------------------------------------------------------------


class Canary:
    """Plain TCP listeners on several loopback addresses sharing one port; counts accepts."""

    def __init__(self) -> None:
        self.accepted = 0
        self.port = 0
        self._servers: list[asyncio.Server] = []

    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        writer.close()

    async def start(self, hosts: Sequence[str], port: int = 0) -> Canary:
        for _ in range(50):
            chosen = port or _free_port(hosts[0])
            try:
                for host in hosts:
                    server = await asyncio.start_server(self._on_connect, host, chosen)
                    self._servers.append(server)
            except OSError:
                await self.stop()
                if port:
                    raise
                continue
            self.port = chosen
            return self
        raise RuntimeError("no common free port for the canary")

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()
        self._servers.clear()


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


# --- the spy under the guard ---------------------------------------------------------------


class SpyBackend(httpcore.AsyncNetworkBackend):
    """Records every socket the guard lets through; connects only to loopback."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.timeouts: list[float | None] = []  # each attempt's connect timeout
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.attempts.append((host, port))
        self.timeouts.append(timeout)
        if not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError("the test backend never connects off loopback")
        return await self._real.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# --- scriptable DNS ------------------------------------------------------------------------


class FakeDns:
    """`answers[name]` is a list of address lists, one per call (the last one repeats);
    unknown names are NXDOMAIN. `delay` makes every answer slow; `abandoned` counts the slow
    answers whose caller gave up on them (its deadline cancelled the lookup)."""

    def __init__(
        self,
        answers: dict[str, list[list[str]]] | None = None,
        delay: float = 0,
        errors: dict[str, int] | None = None,
    ) -> None:
        self.answers = answers or {}
        self.delay = delay
        self.errors = errors or {}  # name -> EAI_* code to fail with (SERVFAIL is EAI_AGAIN)
        self.calls: list[str] = []
        self.abandoned = 0

    async def __call__(self, name: str) -> list[str]:
        self.calls.append(name)
        if self.delay:
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                self.abandoned += 1
                raise
        if name in self.errors:
            raise socket.gaierror(self.errors[name], "lookup failed")
        script = self.answers.get(name)
        if not script:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return script[min(len(self.calls_for(name)), len(script)) - 1]

    def calls_for(self, name: str) -> list[str]:
        return [call for call in self.calls if call == name]


# --- compression bombs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bombs:
    """~1 GiB of zeros per encoding, about a megabyte on the wire (brotli: a few hundred
    bytes). gzip/deflate repeat one full-flushed deflate block, which is self-contained."""

    gzip: bytes
    deflate: bytes
    br: bytes
    decoded_size: int


def make_bombs(decoded_mib: int = 1024) -> Bombs:
    brotli: Any = importlib.import_module("brotli")  # untyped package

    block = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    raw = unit * decoded_mib + b"\x03\x00"  # then an empty final fixed-Huffman block
    crc = 0
    adler = 1
    for _ in range(decoded_mib):
        crc = zlib.crc32(block, crc)
        adler = zlib.adler32(block, adler)
    size = decoded_mib * MiB
    gzip_body = (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        + raw
        + crc.to_bytes(4, "little")
        + (size & 0xFFFFFFFF).to_bytes(4, "little")
    )
    deflate_body = b"\x78\xda" + raw + adler.to_bytes(4, "big")
    br = brotli.Compressor(quality=1)
    br_body = b"".join(br.process(block) for _ in range(decoded_mib)) + br.finish()
    return Bombs(gzip=gzip_body, deflate=deflate_body, br=br_body, decoded_size=size)


def check_small_bombs() -> None:
    """Sanity check of the construction on a small size, with the stdlib decoders."""
    bombs = make_bombs(4)
    assert gzip.decompress(bombs.gzip) == bytes(4 * MiB)
    assert zlib.decompress(bombs.deflate) == bytes(4 * MiB)


# --- the hostile origin --------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Exchange:
    """What the origin saw and did for one request."""

    request: Request
    body_sent: int = 0
    aborted: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)


Handler = Callable[["Reply"], Awaitable[None]]


class Reply:
    """Helpers a route uses to answer, counting body bytes and noticing a client hang-up."""

    def __init__(self, origin: HostileOrigin, writer: asyncio.StreamWriter, ex: Exchange) -> None:
        self.origin = origin
        self.writer = writer
        self.exchange = ex
        self.request = ex.request

    async def head(self, status: int, headers: Sequence[tuple[str, str]] = ()) -> None:
        lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()

    async def body(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()
        self.exchange.body_sent += len(data)

    async def stream(self, chunks: Iterable[bytes], *, chunked: bool = False) -> None:
        for chunk in chunks:
            if chunked:
                await self.body(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                await self.body(chunk)
        if chunked:
            await self.body(b"0\r\n\r\n")

    async def simple(
        self, status: int, body: bytes = b"", content_type: str | None = "text/html"
    ) -> None:
        headers = [("Content-Length", str(len(body)))]
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        await self.head(status, headers)
        await self.body(body)

    async def redirect(self, location: str, status: int = 302) -> None:
        await self.head(status, [("Location", location), ("Content-Length", "0")])


def repeat(data: bytes, limit: int = 4 * 1024 * MiB) -> Iterator[bytes]:
    """An "endless" stream, still finite so that a broken test cannot run forever."""
    sent = 0
    while sent < limit:
        yield data
        sent += len(data)


def slices(data: bytes, size: int = 64 * 1024, times: int = 1) -> Iterator[bytes]:
    for _ in range(times):
        for start in range(0, len(data), size):
            yield data[start : start + size]


class HostileOrigin:
    """An HTTP/1.1 server on ORIGIN_HOST (or another loopback address) whose routes are the
    faults; every exchange is recorded. TLS when given a server context."""

    def __init__(self, host: str = ORIGIN_HOST, ssl_context: ssl.SSLContext | None = None):
        self.host = host
        self.port = 0
        self.ssl_context = ssl_context
        self.routes: dict[str, Handler] = {}
        self.exchanges: list[Exchange] = []
        self.connections = 0
        self.peak_in_flight = 0
        # What /held waits for (tests/fetching/conftest.py): answers only when the test says.
        self.release_held = asyncio.Event()
        self.held_arrived = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[path] = handler
            return handler

        return register

    def seen(self, path: str) -> list[Exchange]:
        return [ex for ex in self.exchanges if ex.request.path == path]

    async def start(self, port: int = 0) -> HostileOrigin:
        self._server = await asyncio.start_server(
            self._serve, self.host, port, ssl=self.ssl_context
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._exchange_all(reader, writer)
        except asyncio.CancelledError:
            # stop(): end quietly (asyncio's stream callback would log a cancelled task) and
            # abort rather than wait up to 30 s for a TLS close_notify from a pooled client.
            writer.transport.abort()
            return
        finally:
            self._tasks.discard(task)
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()

    async def _exchange_all(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                return
            ex = Exchange(_parse_request(head))
            self.exchanges.append(ex)
            handler = self.routes.get(ex.request.path)
            try:
                if handler is None:
                    await Reply(self, writer, ex).simple(404, b"no such route")
                else:
                    await handler(Reply(self, writer, ex))
            except (ConnectionError, ssl.SSLError, RuntimeError):
                ex.aborted = True
                return
            finally:
                ex.done.set()


def _parse_request(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    path, _, query = target.partition("?")
    return Request(
        method, path, dict(urllib.parse.parse_qsl(query, keep_blank_values=True)), headers
    )


def echo_json(request: Request) -> bytes:
    return json.dumps({"path": request.path, "headers": request.headers}).encode()


def loads(body: bytes) -> Any:
    return json.loads(body)
