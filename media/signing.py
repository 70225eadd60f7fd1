"""HMAC signatures on media URLs, and the key they use.

The route serves only what a signature vouches for, so the service is not an image proxy or
a store oracle: a URL is valid only if this service issued it, and checking it costs one
HMAC, never a fetch or a disk read.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

# 128 bits of HMAC-SHA256: far beyond guessing, and 22 characters in a URL.
SIGNATURE_BYTES = 16


class MediaSigner:
    def __init__(self, key: str | bytes) -> None:
        secret = key.encode() if isinstance(key, str) else key
        if len(secret) < 16:
            raise ValueError("the media key must be at least 16 bytes")
        self._key = secret

    def sign(self, message: str) -> str:
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).rstrip(b"=").decode("ascii")

    def verify(self, signature: str, message: str) -> bool:
        """Constant-time comparison, so response timing does not reveal a correct prefix."""
        return hmac.compare_digest(self.sign(message).encode(), signature.encode())


def load_or_create_key(path: Path) -> str:
    """The key in `path`, creating it (random, mode 0600) if absent.

    The file is written aside and hard-linked into place, which fails if another process
    got there first; then that process's key is read, so processes sharing the data
    directory always agree on one key and never read a half-written file.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process won: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"{path} is empty; delete it to generate a new media key")
    return key
