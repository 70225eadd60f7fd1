"""A real image origin on loopback: a threaded http.server whose resources a test sets, and
which records every request it receives (so a test can assert that something was NOT fetched).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fetching.urls import port_allowed


@dataclass(frozen=True, slots=True)
class Resource:
    body: bytes
    content_type: str | None
    status: int = 200
    delay: float = 0.0


@dataclass
class ImageOrigin:
    address: str
    port: int = 0
    resources: dict[str, Resource] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.port}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        content_type: str | None = "image/jpeg",
        *,
        status: int = 200,
        delay: float = 0.0,
    ) -> str:
        with self.lock:
            self.resources[path] = Resource(body, content_type, status, delay)
        return self.url(path)

    def remove(self, path: str) -> None:
        with self.lock:
            self.resources.pop(path, None)

    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for hit in self.hits if path is None or hit == path)

    def reset(self) -> None:
        with self.lock:
            self.resources.clear()
            self.hits.clear()


def _handler(origin: ImageOrigin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with origin.lock:
                origin.hits.append(self.path)
                resource = origin.resources.get(self.path)
            if resource is None:
                resource = Resource(b"not found", "text/plain", 404)
            if resource.delay:
                time.sleep(resource.delay)
            try:
                self.send_response(resource.status)
                if resource.content_type is not None:
                    self.send_header("Content-Type", resource.content_type)
                self.send_header("Content-Length", str(len(resource.body)))
                self.end_headers()
                self.wfile.write(resource.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A client closing a kept-alive connection is normal, not an error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _bind(address: str) -> socket.socket:
    """A listening socket on a port the fetcher's port policy allows."""
    for _ in range(50):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((address, 0))
        if port_allowed(sock.getsockname()[1]):
            return sock
        sock.close()
    raise RuntimeError("no allowed port")


@contextmanager
def serve_images(address: str) -> Iterator[ImageOrigin]:
    sock = _bind(address)
    host, port = sock.getsockname()
    origin = ImageOrigin(address=host, port=port)
    server = _QuietServer((host, port), _handler(origin), bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_activate()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()
