"""A slow origin: every page answers after a fixed delay, as a distant site would.

Pages live at /page/<anything> and are small HTML documents (a title, a description, no
picture); any other path (the service's /favicon.ico, a manifest) is a sub-fetch, answered
404 after the same delay. The origin counts both by host and path, and the most requests it
held at once, which shows whether the service keeps its configured number of fetches in
flight.

It listens on a loopback address of its own (127.9.1.x), which the app under test is allowed
to reach through LINKGRAPH_ALLOW_NETWORKS, on a port the fetcher's URL rules accept. It
answers for any host name, so a hosts file can give every link a site of its own.
"""

from __future__ import annotations

import errno
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.servers import free_port

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Page {name}</title>
<meta name="description" content="A small page, {name}, answered after a delay.">
</head><body><p>Page {name}.</p></body></html>
"""


@dataclass
class SlowOrigin:
    address: str
    port: int
    delay: float
    pages: Counter[tuple[str, str]] = field(default_factory=Counter)
    subs: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (started, finished) of every request, on the bench's perf_counter clock.
    spans: list[tuple[float, float]] = field(default_factory=list)
    # Seconds before answering one path ("/page/<name>"), where a link is slower or faster
    # than `delay`.
    delays: dict[str, float] = field(default_factory=dict)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, name: str, host: str | None = None) -> str:
        return f"http://{host or self.address}:{self.port}/page/{name}"

    def reset(self) -> None:
        with self.lock:
            self.pages.clear()
            self.subs.clear()
            self.spans.clear()
            self.most_in_flight = 0


def _handler(origin: SlowOrigin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write with Nagle off: otherwise the body waits for
        # the client's delayed ACK (40 ms on Linux), a delay no real server adds.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            started = time.perf_counter()
            is_page = self.path.startswith("/page/")
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
            with origin.lock:
                (origin.pages if is_page else origin.subs)[host, self.path] += 1
                origin.in_flight += 1
                origin.most_in_flight = max(origin.most_in_flight, origin.in_flight)
            try:
                time.sleep(origin.delays.get(self.path, origin.delay))
                if is_page:
                    name = self.path.removeprefix("/page/")
                    status, body = "200 OK", PAGE.format(name=name).encode()
                else:
                    status, body = "404 Not Found", b"not here"
                head = (
                    f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                )
                self.wfile.write(head.encode() + body)
            finally:
                with origin.lock:
                    origin.in_flight -= 1
                    origin.spans.append((started, time.perf_counter()))

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: the app's pool closing an idle keep-alive connection is no error."""


@contextmanager
def slow_origin(delay: float) -> Iterator[SlowOrigin]:
    """Serve on the first free 127.9.1.x until the block ends."""
    for last in range(1, 255):
        address = f"127.9.1.{last}"
        origin = SlowOrigin(address, free_port(address), delay)
        try:
            server = _Server((address, origin.port), _handler(origin))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            continue
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield origin
        finally:
            server.shutdown()
            server.server_close()
        return
    raise RuntimeError("no free 127.9.1.x address for the slow origin")
