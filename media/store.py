"""Where the service keeps its copies: a content-addressed blob store behind a Protocol.

Keys are the sha256 of the bytes, so the same rendition ingested twice (two pages with one
avatar, or a re-fetch after the preview cache expired) is stored once, a key can never point
at different bytes, and the key doubles as a strong ETag. The filesystem store below is the
embedded default; `media/s3_store.py` keeps the same objects in an S3-compatible bucket, so
instances on several machines share media without a shared filesystem.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Sequence
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


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What a listing says of one stored object: enough to budget and age it."""

    key: str
    size: int
    modified: float  # epoch seconds of the write


# A temporary file older than this was left by a writer that crashed (a live write takes
# well under a second); the retention sweep removes it.
LEFTOVER_AGE = 3600.0


class MediaStore(Protocol):
    async def put(self, data: bytes, content_type: str) -> str:
        """Store `data` and return its key (the sha256 hex digest of `data`)."""
        ...

    async def get(self, key: str) -> StoredObject | None:
        """The object stored under `key`, or None."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> bool:
        """Remove `key`; True if it was there."""
        ...

    async def list(self) -> Sequence[ObjectInfo]:
        """Every stored object (the retention sweep's view of the store)."""
        ...

    async def size(self) -> int:
        """Bytes stored, all objects together."""
        ...

    async def sweep_leftovers(self, older_than: float = LEFTOVER_AGE) -> int:
        """Remove what interrupted writes left behind, if this kind of store can leave any;
        the number removed."""
        ...


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

    async def delete(self, key: str) -> bool:
        if not is_media_key(key):
            return False
        return await asyncio.to_thread(self._delete, key)

    async def list(self) -> Sequence[ObjectInfo]:
        return await asyncio.to_thread(self._list)

    async def size(self) -> int:
        return sum(info.size for info in await self.list())

    async def sweep_leftovers(self, older_than: float = LEFTOVER_AGE) -> int:
        return await asyncio.to_thread(self._sweep_leftovers, time.time() - older_than)

    def _delete(self, key: str) -> bool:
        removed = False
        for extension in EXTENSIONS.values():
            try:
                self._path(key, extension).unlink()
                removed = True
            except FileNotFoundError:
                pass
        return removed

    def _list(self) -> Sequence[ObjectInfo]:
        found: list[ObjectInfo] = []
        for path in self.root.glob("??/*.*"):
            key, _, extension = path.name.partition(".")
            if not is_media_key(key) or extension not in CONTENT_TYPES:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted while listing
                continue
            found.append(ObjectInfo(key, stat.st_size, stat.st_mtime))
        return found

    def _sweep_leftovers(self, before: float) -> int:
        removed = 0
        for path in self.root.glob("??/.incoming-*"):
            try:
                if path.stat().st_mtime < before:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # finished or swept by another process meanwhile
                continue
        return removed

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
