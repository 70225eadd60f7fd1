"""Bounded content-decoding (row C4 at the decoder level) and header decisions."""

from __future__ import annotations

import gzip
import importlib
import os
import tracemalloc
import zlib
from typing import Any

import httpx
import pytest

from fetching import FetchError
from fetching.decoding import ACCEPT_ENCODING, DecodingError, build_decoder
from fetching.reading import accepts, decoder_for, parse_content_type
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.harness import Bombs, MiB, check_small_bombs

brotli: Any = importlib.import_module("brotli")

DATA = os.urandom(40_000) + bytes(300_000) + b"tail"


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def decode_all(encodings: list[str], blob: bytes, piece: int = 777, step: int = 1000) -> bytes:
    decoder = build_decoder(encodings)
    out = bytearray()
    for start in range(0, len(blob), piece):
        decoder.feed(blob[start : start + piece])
        while chunk := decoder.read(step):
            out += chunk
    while chunk := decoder.read(step):
        out += chunk
    return bytes(out)


@pytest.mark.parametrize(
    ("encodings", "blob"),
    [
        ([], DATA),
        (["identity"], DATA),
        (["gzip"], gzip.compress(DATA)),
        (["x-gzip"], gzip.compress(DATA)),
        (["deflate"], zlib.compress(DATA)),
        (["deflate"], _raw_deflate(DATA)),  # what some servers send as "deflate"
        (["br"], brotli.compress(DATA)),
        (["gzip", "br"], brotli.compress(gzip.compress(DATA))),
        (["br", "deflate"], zlib.compress(brotli.compress(DATA))),
    ],
    ids=[
        "none",
        "identity",
        "gzip",
        "x-gzip",
        "deflate",
        "raw-deflate",
        "br",
        "gzip+br",
        "br+deflate",
    ],
)
def test_round_trips(encodings: list[str], blob: bytes) -> None:
    assert decode_all(encodings, blob) == DATA


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_corrupt_data_is_an_error(encoding: str) -> None:
    with pytest.raises(DecodingError):
        decode_all([encoding], b"\x1f\x8b\x08\x00" + b"definitely not compressed" * 40)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_bomb_yields_bounded_steps_with_flat_memory(bombs: Bombs, encoding: str) -> None:
    bomb: bytes = getattr(bombs, encoding)
    decoder = build_decoder([encoding])
    tracemalloc.start()
    try:
        decoder.feed(bomb)
        produced, largest = 0, 0
        while produced < 8 * MiB:
            chunk = decoder.read(64 * 1024)
            assert chunk
            produced += len(chunk)
            largest = max(largest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert largest <= 64 * 1024 + 64 * 1024  # brotli grows its buffer in blocks
    assert peak < 2 * MiB + len(bomb)


def test_bomb_construction_is_valid() -> None:
    check_small_bombs()


def test_advertises_only_bounded_encodings() -> None:
    assert ACCEPT_ENCODING == "gzip, deflate, br"


@pytest.mark.parametrize("encoding", ["zstd", "compress", "gzip, zstd", "sdch"])
def test_unadvertised_encoding_is_a_content_error(encoding: str) -> None:
    with pytest.raises(FetchError) as caught:
        decoder_for(httpx.Headers({"content-encoding": encoding}), 200)
    assert error_code(caught.value) is ErrorCode.LINK_CONTENT_ERROR
    assert caught.value.status == 200


@pytest.mark.parametrize(
    ("header", "media_type", "charset"),
    [
        (None, "application/octet-stream", None),
        ("", "application/octet-stream", None),
        ("text/html", "text/html", None),
        ("Text/HTML; Charset=UTF-8", "text/html", "UTF-8"),
        ('text/html; foo=bar; charset="shift_jis"', "text/html", "shift_jis"),
        ("garbage", "application/octet-stream", None),
        ("image/", "application/octet-stream", None),
    ],
)
def test_parses_content_type(header: str | None, media_type: str, charset: str | None) -> None:
    assert parse_content_type(header) == (media_type, charset)


@pytest.mark.parametrize(
    ("media_type", "accept", "ok"),
    [
        ("text/html", ["text/html"], True),
        ("image/png", ["image/*"], True),
        ("image/png", ["text/html", "image/jpeg"], False),
        ("video/mp4", ["text/html", "image/*"], False),
        ("application/octet-stream", ["text/html"], False),
        ("application/zip", ["*/*"], True),
    ],
)
def test_accept_matching(media_type: str, accept: list[str], ok: bool) -> None:
    assert accepts(media_type, accept) is ok
