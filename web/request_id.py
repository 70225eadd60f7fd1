"""Give every request an id, so one request's log lines (and its previews' `requestId`) can be
found together.

A client's own `X-Request-Id` is kept when it is sane (at most 64 of `[A-Za-z0-9._-]`), so a
mobile app can correlate its logs with ours; anything else is replaced by a fresh random id,
so a client cannot inject text into our logs. The id lives in a ContextVar for the duration
of the request and is echoed in the `X-Request-Id` response header. One access line per
request is logged to `linkgraph.access` (method, path without query, status, milliseconds)
under that id.
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.logs import current_request, log_access

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._-]{1,64}")


class _RandomIds:
    """24 random URL-safe characters per id, from the system's random source read 4.5 KiB at
    a time: one `getrandom` call per id cost ~2 µs, a twentieth of a warm answer's own work.
    A forked child drops what it inherited, so it never repeats its parent's ids."""

    _BATCH = 256  # ids per read

    def __init__(self) -> None:
        self._ids: list[str] = []
        os.register_at_fork(after_in_child=self._ids.clear)

    def __call__(self) -> str:
        if not self._ids:
            text = base64.urlsafe_b64encode(os.urandom(18 * self._BATCH)).decode("ascii")
            self._ids.extend(text[start : start + 24] for start in range(0, len(text), 24))
        return self._ids.pop()


new_request_id = _RandomIds()


def accepted_request_id(raw: bytes | None) -> str:
    """The client's id when it is sane, else a fresh one."""
    if raw is not None and _SANE.fullmatch(raw):
        return raw.decode("ascii")
    return new_request_id()


# Told each answered request's path, status and seconds (web/metrics.py's `HttpMetrics`):
# measured here, in the one layer that already times every request for its access line.
Record = Callable[[str, int, float], None]


class RequestId:
    def __init__(self, app: ASGIApp, *, record: Record | None = None) -> None:
        self.app = app
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope.get("headers") or ():
            if name == HEADER:
                given = value  # the last one, as a dict of the headers would keep
        request_id = accepted_request_id(given)
        started = time.perf_counter()
        status = 500

        async def tagging_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                headers.append((HEADER, request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        token = current_request.set(request_id)
        try:
            await self.app(scope, receive, tagging_send)
        finally:
            seconds = time.perf_counter() - started
            path = scope.get("path", "")
            if self.record is not None:
                self.record(path, status, seconds)
            log_access(scope.get("method", ""), path, status, seconds)
            current_request.reset(token)
