"""The filesystem media store: content addressing, atomic writes, sharing a directory."""

from __future__ import annotations

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from media.store import FileMediaStore, MediaStore


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


async def test_put_returns_the_sha256_and_get_returns_bytes_and_type(tmp_path: Path) -> None:
    store: MediaStore = FileMediaStore(tmp_path)
    key = await store.put(b"\xff\xd8\xffjpeg bytes", "image/jpeg")
    assert key == hashlib.sha256(b"\xff\xd8\xffjpeg bytes").hexdigest()
    assert await store.exists(key)
    stored = await store.get(key)
    assert stored is not None
    assert (stored.key, stored.content_type, stored.body) == (
        key,
        "image/jpeg",
        b"\xff\xd8\xffjpeg bytes",
    )


async def test_missing_and_malformed_keys(tmp_path: Path) -> None:
    store = FileMediaStore(tmp_path)
    present = await store.put(b"present", "image/gif")
    assert await store.exists(present)
    (tmp_path / "secret").write_text("not media")
    for key in ("0" * 64, "../secret", "../../etc/passwd", "A" * 64, ""):
        assert await store.get(key) is None
        assert not await store.exists(key)


async def test_same_bytes_are_stored_once(tmp_path: Path) -> None:
    store = FileMediaStore(tmp_path)
    first = await store.put(b"same", "image/png")
    second = await store.put(b"same", "image/png")
    assert first == second
    assert [p.name for p in files_under(tmp_path)] == [f"{first}.png"]


async def test_other_content_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not hold"):
        await FileMediaStore(tmp_path).put(b"<svg/>", "image/svg+xml")


async def test_two_stores_share_one_directory(tmp_path: Path) -> None:
    writer, reader = FileMediaStore(tmp_path), FileMediaStore(tmp_path)
    key = await writer.put(b"shared", "image/webp")
    stored = await reader.get(key)
    assert stored is not None
    assert stored.body == b"shared"
    assert stored.content_type == "image/webp"


def test_concurrent_writers_leave_whole_files_and_no_temporaries(tmp_path: Path) -> None:
    payloads = [bytes([i]) * 200_000 for i in range(8)]

    def write(data: bytes) -> str:
        return asyncio.run(FileMediaStore(tmp_path).put(data, "image/jpeg"))

    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = list(pool.map(write, payloads * 4))
    assert len(files_under(tmp_path)) == 8
    assert not [p for p in tmp_path.rglob(".incoming-*")]
    for key, data in zip(keys, payloads * 4, strict=True):
        assert (tmp_path / key[:2] / f"{key}.jpeg").read_bytes() == data
