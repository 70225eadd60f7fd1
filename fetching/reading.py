"""Deciding on headers, then reading a body within its cap.

Everything that can refuse a response without its body (media type, declared length,
encoding) is decided here from the headers, so that a 10 GB video costs one header block.
The cap counts *decoded* bytes; with `truncate` the prefix is kept instead of failing, which
is what HTML wants (the head is what matters).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Collection, Mapping
from dataclasses import dataclass

import httpx

from fetching.decoding import SUPPORTED_ENCODINGS, Decoder, build_decoder
from fetching.errors import TooLargeError, UnusableContentError

DEFAULT_MEDIA_TYPE = "application/octet-stream"
READ_STEP = 64 * 1024
_EQUIVALENT_ENCODINGS = {"x-gzip": "gzip"}


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """Media type (lower-case, no parameters) and charset; a missing or unusable header
    means application/octet-stream, which no parser downstream treats as HTML or image."""
    if not value:
        return DEFAULT_MEDIA_TYPE, None
    media_type, *params = value.split(";")
    media_type = media_type.strip().lower()
    kind, slash, subtype = media_type.partition("/")
    if not slash or not kind or not subtype or " " in media_type:
        return DEFAULT_MEDIA_TYPE, None
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip('"').strip() or None
    return media_type, charset


def accepts(media_type: str, accept: Collection[str]) -> bool:
    """`accept` holds exact types ("text/html"), families ("image/*") or "*/*"."""
    family = media_type.partition("/")[0] + "/*"
    wanted = {entry.strip().lower() for entry in accept}
    return bool(wanted & {media_type, family, "*/*"})


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """How much of a body to read, which a caller may choose per media type: one request then
    serves a link whose kind (page, image, video) is known only from its answer's headers.

    `truncate` keeps the first `max_bytes` instead of failing past them; `head` says only the
    start of the file is wanted (a video's container header), so a declared length over
    `max_bytes` is no reason to refuse it either.
    """

    max_bytes: int
    truncate: bool = False
    head: bool = False


def limit_for(media_type: str, limits: Mapping[str, BodyLimit], default: BodyLimit) -> BodyLimit:
    """The limit `limits` names for `media_type` exactly, else for its family ("video/*")."""
    return limits.get(media_type) or limits.get(media_type.partition("/")[0] + "/*") or default


def decoder_for(headers: httpx.Headers, status: int) -> Decoder:
    """The decoder for the Content-Encoding; one we did not advertise is UnusableContentError
    (we could not bound it, and a conforming origin never sends it)."""
    encodings: list[str] = []
    for value in headers.get_list("content-encoding"):
        for token in value.split(","):
            token = token.strip().lower()
            if token and token != "identity":
                encodings.append(_EQUIVALENT_ENCODINGS.get(token, token))
    if any(encoding not in SUPPORTED_ENCODINGS for encoding in encodings):
        raise UnusableContentError(
            "the link's content is in an encoding that was not requested",
            status=status,
        )
    return build_decoder(encodings)


def check_declared_length(headers: httpx.Headers, max_bytes: int, status: int) -> None:
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLargeError("the link's content is too large", status=status)


async def read_capped(
    raw: AsyncIterable[bytes],
    decoder: Decoder,
    *,
    max_bytes: int,
    truncate: bool,
    status: int,
) -> tuple[bytes, bool]:
    """Decoded body up to `max_bytes`, and whether the origin had more.

    One byte past the cap is decoded to tell "exactly the cap" from "more"; decoded output
    held at any time is the cap plus one decoder step.
    """
    body = bytearray()

    def drain() -> bool:
        while True:
            out = decoder.read(min(READ_STEP, max_bytes + 1 - len(body)))
            if not out:
                return False
            body.extend(out)
            if len(body) > max_bytes:
                return True

    overflow = False
    async for chunk in raw:
        decoder.feed(chunk)
        if drain():
            overflow = True
            break
    else:
        overflow = drain()
    if overflow:
        if not truncate:
            raise TooLargeError("the link's content is too large", status=status)
        del body[max_bytes:]
    return bytes(body), overflow
