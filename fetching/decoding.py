"""Content-decoding with a bound on output, so a compression bomb costs a cap, not memory.

httpx's and urllib3's decoders inflate whatever a chunk expands to (urllib3 CVE-2025-66471):
1 MB of gzip is 1 GB of zeros. Here every decoder is pull-based: `feed` stores compressed
input, `read(n)` returns at most about `n` bytes of output, so the caller decides how much
output exists at any time and stops at its cap with flat memory.

Encodings advertised in Accept-Encoding are exactly those that can be bounded:

* gzip, deflate: zlib's `decompress(data, max_length)` + `unconsumed_tail`. "deflate" is
  zlib-wrapped per RFC 9110, but some servers send raw deflate; like browsers we retry raw.
* br: only when the installed `brotli` has `Decompressor.process(..., output_buffer_limit=)`
  (brotli >= 1.2); older versions cannot be bounded and then br is not advertised.
* zstd is not advertised: the `zstandard` package's push decompressor has no output bound.

A response in an encoding we did not advertise is UnusableContentError (by the caller), and so
is corrupt compressed data. A stream that ends before its compressed trailer is accepted as
what it decoded to, as browsers do.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Sequence
from typing import Any, Protocol

# The brotli package ships no type information; its surface used here is three methods.
brotli: Any = importlib.import_module("brotli")


class DecodingError(Exception):
    """The body is not valid data in its declared encoding."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> None: ...

    def read(self, max_length: int) -> bytes:
        """Up to about `max_length` bytes of output; b"" means more input is needed."""
        ...


def _brotli_bounded() -> bool:
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:
        return False
    return True


SUPPORTED_ENCODINGS: tuple[str, ...] = ("gzip", "deflate", *(("br",) if _brotli_bounded() else ()))
ACCEPT_ENCODING = ", ".join(SUPPORTED_ENCODINGS)


class IdentityDecoder:
    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> None:
        self._pending += data

    def read(self, max_length: int) -> bytes:
        out, self._pending = self._pending[:max_length], self._pending[max_length:]
        return out


class ZlibDecoder:
    """gzip (`wbits=31`) or zlib-wrapped deflate (`15`), falling back to raw deflate (`-15`)
    when a "deflate" body does not start with a zlib header."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._zlib = zlib.decompressobj(wbits)
        self._pending = b""
        self._started = False

    def feed(self, data: bytes) -> None:
        self._pending += data

    def read(self, max_length: int) -> bytes:
        if not self._pending or self._zlib.eof:
            return b""
        data, self._pending = self._pending, b""
        try:
            out = self._zlib.decompress(data, max_length)
        except zlib.error:
            if self._started or self._wbits != zlib.MAX_WBITS:
                raise DecodingError("the body is not valid compressed data") from None
            self._wbits = -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(self._wbits)
            return self._retry(data, max_length)
        self._started = True
        self._pending = self._zlib.unconsumed_tail
        return out

    def _retry(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._zlib.decompress(data, max_length)
        except zlib.error:
            raise DecodingError("the body is not valid compressed data") from None
        self._started = True
        self._pending = self._zlib.unconsumed_tail
        return out


class BrotliDecoder:
    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()
        self._pending = b""

    def feed(self, data: bytes) -> None:
        self._pending += data

    def read(self, max_length: int) -> bytes:
        # Output the decompressor still holds comes first: `can_accept_more_data()` may be
        # True while it does, so it is not a reliable "drained" signal on its own.
        try:
            if self._brotli.is_finished():
                return b""
            out: bytes = self._brotli.process(b"", output_buffer_limit=max_length)
            if out or not self._pending or not self._brotli.can_accept_more_data():
                return out
            data, self._pending = self._pending, b""
            out = self._brotli.process(data, output_buffer_limit=max_length)
        except brotli.error:
            raise DecodingError("the body is not valid compressed data") from None
        return out or self.read(max_length)


class ChainDecoder:
    """Stacked encodings (`Content-Encoding: gzip, br`): `decoders` in wire order (the last
    encoding applied first); the output of one feeds the next, each pulled in bounded steps."""

    def __init__(self, decoders: Sequence[Decoder]) -> None:
        self._decoders = list(decoders)

    def feed(self, data: bytes) -> None:
        self._decoders[0].feed(data)

    def read(self, max_length: int) -> bytes:
        return self._read(len(self._decoders) - 1, max_length)

    def _read(self, index: int, max_length: int) -> bytes:
        decoder = self._decoders[index]
        while True:
            out = decoder.read(max_length)
            if out or index == 0:
                return out
            upstream = self._read(index - 1, max_length)
            if not upstream:
                return b""
            decoder.feed(upstream)


def build_decoder(encodings: Sequence[str]) -> Decoder:
    """`encodings` in the order they were applied (Content-Encoding order), lower-case and
    already known to be supported; "identity" entries are ignored."""
    decoders: list[Decoder] = []
    for encoding in encodings:
        if encoding in ("gzip", "x-gzip"):
            decoders.append(ZlibDecoder(zlib.MAX_WBITS | 16))
        elif encoding == "deflate":
            decoders.append(ZlibDecoder(zlib.MAX_WBITS))
        elif encoding == "br":
            decoders.append(BrotliDecoder())
        elif encoding != "identity":
            raise DecodingError(f"unsupported content encoding {encoding!r}")
    if not decoders:
        return IdentityDecoder()
    decoders.reverse()  # the last encoding applied is the first to undo
    return decoders[0] if len(decoders) == 1 else ChainDecoder(decoders)
