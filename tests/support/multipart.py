"""A reader of incremental-delivery answers (multipart/mixed), for tests that watch each part
arrive: every JSON part is handed over the moment its closing boundary has been read."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True, slots=True)
class Part:
    body: dict[str, Any]
    # time.monotonic() when the part was read (the origin's log uses the same clock).
    arrived: float


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            return value.strip('"')
    raise AssertionError(f"no boundary in {content_type!r}")


def parts(response: httpx.Response) -> Iterator[Part]:
    """The JSON parts of a streamed `response`, as they arrive."""
    delimiter = b"\r\n--" + boundary_of(response.headers["content-type"]).encode()
    buffer = b"\r\n"  # the first delimiter has no line break before it
    for chunk in response.iter_raw():
        buffer += chunk
        while True:
            cut = buffer.find(delimiter)
            if cut < 0:
                break
            part, buffer = buffer[:cut], buffer[cut + len(delimiter) :]
            _, sep, body = part.partition(b"\r\n\r\n")
            if sep and body.strip():
                yield Part(json.loads(body), time.monotonic())
