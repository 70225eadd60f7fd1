"""Where the service keeps its copies: a content-addressed blob store behind a Protocol.

Keys are the sha256 of the bytes, so the same rendition ingested twice (two pages with one
avatar, or a re-fetch after the preview cache expired) is stored once, a key can never point
at different bytes, and the key doubles as a strong ETag. The filesystem store below is the
embedded default; an S3 or shared-volume store implements the same three methods.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# What the store holds, by extension on disk: images we encode, and the documents we write
# from a page's main text (plain text, Markdown, cleaned HTML); nothing else.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpeg",
    "image/webp": "webp",
    "image/png": "png",
    "image/gif": "gif",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/html": "html",
}
CONTENT_TYPES = {extension: content_type for content_type, extension in EXTENSIONS.items()}
_KEY = re.compile(r"[0-9a-f]{64}")


def is_media_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    content_type: str
    body: bytes


class MediaStore(Protocol):
    async def put(self, data: bytes, content_type: str) -> str:
        """Store `data` and return its key (the sha256 hex digest of `data`)."""
        ...

    async def get(self, key: str) -> StoredObject | None:
        """The object stored under `key`, or None."""
        ...

    async def exists(self, key: str) -> bool: ...


class FileMediaStore:
    """Blobs as `<root>/<k[:2]>/<key>.<ext>`, the extension recording the content type.

    Writes go to a temporary file in the target directory and are renamed into place, so a
    reader in any process sees either no file or the whole file, and processes sharing the
    directory need no lock: two writers of one key write the same bytes.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str, extension: str) -> Path:
        return self.root / key[:2] / f"{key}.{extension}"

    async def put(self, data: bytes, content_type: str) -> str:
        extension = EXTENSIONS.get(content_type)
        if extension is None:
            raise ValueError(f"the media store does not hold {content_type!r}")
        key = content_key(data)
        await asyncio.to_thread(self._write, self._path(key, extension), data)
        return key

    async def get(self, key: str) -> StoredObject | None:
        if not is_media_key(key):
            return None
        return await asyncio.to_thread(self._read, key)

    async def exists(self, key: str) -> bool:
        if not is_media_key(key):
            return False
        return await asyncio.to_thread(self._find, key) is not None

    def _find(self, key: str) -> tuple[Path, str] | None:
        for content_type, extension in EXTENSIONS.items():
            path = self._path(key, extension)
            if path.is_file():
                return path, content_type
        return None

    def _read(self, key: str) -> StoredObject | None:
        found = self._find(key)
        if found is None:
            return None
        path, content_type = found
        try:
            return StoredObject(key, content_type, path.read_bytes())
        except FileNotFoundError:  # removed by a clean-up between the check and the read
            return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".incoming-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
