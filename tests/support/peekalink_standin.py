"""A stand-in for Peekalink's API over real HTTPS on loopback.

It speaks the documented protocol (`POST /` with `{"link": url}` and `Authorization: Bearer
<key>`), answers each link from a script (status, JSON or raw body, headers, how long to hold
the call), and records every call and how many were in flight at once, so tests can check
what the backend sent without mocking it. Its certificate comes from a trustme CA that the
app trusts through LINKGRAPH_CA_BUNDLE.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme


@dataclass(frozen=True)
class Reply:
    """One scripted answer: `body` is JSON unless it is bytes (sent as is)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    link: str | None
    authorized: bool
    started: float
    finished: float
    # The request's `language` parameter, when it sent one.
    language: str | None = None


def error_reply(code: str, status: int, **headers: str) -> Reply:
    """Peekalink's documented error body."""
    body = {"ok": False, "status": status, "error": code, "message": f"{code} (stand-in)"}
    return Reply(status=status, body={**body, "details": {}}, headers=headers)


def page_reply(link: str) -> Reply:
    """A plain PAGE preview of `link`, for links no test scripted."""
    return Reply(
        body={
            "id": 1,
            "ok": True,
            "url": link,
            "domain": "example.com",
            "type": "PAGE",
            "status": 200,
            "updatedAt": "2026-01-02T03:04:05.000Z",
            "redirected": False,
            "title": f"Page at {link}",
            "requestId": "standin",
        }
    )


class PeekalinkStandin:
    def __init__(self, key: str) -> None:
        self.key = key
        self.url = ""
        self.ca_path = Path()
        # Seconds each call is held before it is answered.
        self.hold = 0.0
        self._script: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def script(self, link: str, *replies: Reply) -> None:
        """Answer `link` with `replies` in turn; the last one repeats."""
        with self._lock:
            self._script[link] = list(replies)

    def calls_for(self, link: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.link == link]

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.calls.clear()
            self.in_flight = self.max_in_flight = 0
            self.hold = 0.0

    def _next(self, link: str) -> Reply:
        with self._lock:
            replies = self._script.get(link)
            if not replies:
                return page_reply(link)
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        link: str | None = None
        language: str | None = None
        authorized = handler.headers.get("Authorization") == f"Bearer {self.key}"
        recorded = False
        try:
            length = int(handler.headers.get("Content-Length") or 0)
            try:
                request = json.loads(handler.rfile.read(length))
                link = request.get("link") if isinstance(request, dict) else None
                language = request.get("language") if isinstance(request, dict) else None
            except ValueError:
                link = None
            if not authorized:
                reply = error_reply("INVALID_API_KEY", 401)
            elif handler.command != "POST" or not isinstance(link, str):
                reply = error_reply("LINK_INVALID_URL", 400)
            else:
                reply = self._next(link)
            time.sleep(self.hold)
            body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            # Recorded before the answer goes out: once the client has it, a test may count.
            self._record(link, authorized, started, language)
            recorded = True
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            try:
                handler.wfile.write(body)
            except (ConnectionError, ssl.SSLError):
                # The client stopped reading (a deadline, an over-long body): its call.
                handler.close_connection = True
        finally:
            if not recorded:
                self._record(link, authorized, started)

    def _record(
        self, link: str | None, authorized: bool, started: float, language: str | None = None
    ) -> None:
        with self._lock:
            self.in_flight -= 1
            self.calls.append(Call(link, authorized, started, time.monotonic(), language))


@contextmanager
def serve_standin(key: str, directory: Path) -> Iterator[PeekalinkStandin]:
    """Serve the stand-in on 127.0.0.1 (a free port) over HTTPS until the block ends."""
    standin = PeekalinkStandin(key)
    ca = trustme.CA()
    standin.ca_path = directory / "peekalink-ca.pem"
    ca.cert_pem.write_to_path(str(standin.ca_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            standin.answer(self)

        def do_GET(self) -> None:
            standin.answer(self)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

        def get_request(self) -> tuple[Any, Any]:
            sock, address = super().get_request()
            return context.wrap_socket(sock, server_side=True), address

    server = Server(("127.0.0.1", 0), Handler)
    standin.url = f"https://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
