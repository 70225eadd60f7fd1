"""`data:` URLs, which pages use for inline icons and occasionally og:image.

Their bytes are already in the page, so they are decoded here instead of fetched; they then
go through exactly the same decoder and limits as fetched images.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_to_bytes

from media.errors import ImageRejectedError


def encode_data_uri(data: bytes, media_type: str) -> str:
    """`data` as a base64 `data:` URL: how pictures made here (placeholders, video frames,
    rendered pages, screenshots) travel as images until the store keeps a copy."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def decode_data_uri(uri: str, max_bytes: int) -> bytes:
    header, comma, payload = uri.partition(",")
    if not comma or not header.lower().startswith("data:"):
        raise ImageRejectedError("corrupt", "malformed data: URL")
    # base64 grows data by 4/3; refuse before decoding anything larger than the cap allows.
    if len(payload) > max_bytes * 4 // 3 + 4 * 3:
        raise ImageRejectedError("too_large", "data: URL exceeds the byte cap")
    if header.lower().endswith(";base64"):
        try:
            data = base64.b64decode(unquote_to_bytes(payload), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ImageRejectedError("corrupt", "bad base64 in data: URL") from exc
    else:
        data = unquote_to_bytes(payload)
    if len(data) > max_bytes:
        raise ImageRejectedError("too_large", "data: URL exceeds the byte cap")
    return data
