"""The media stores: the directory store and the S3 store (against a real SeaweedFS) keep
the same contract: content addressing, delete, list, size, and sharing between instances."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from media.s3_store import S3Credentials, S3Location, S3MediaStore, s3_client
from media.store import FileMediaStore, MediaStore
from tests.support.s3_server import S3Server, s3_store

# Opens a store on the same backing place each time it is called (two "instances").
StoreFactory = Callable[[], MediaStore]


@pytest.fixture(params=["directory", "s3"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    if request.param == "directory":
        return lambda: FileMediaStore(tmp_path / "media")
    server: S3Server = request.getfixturevalue("s3_server")
    prefix = f"test-{secrets.token_hex(6)}/media"
    return lambda: s3_store(server, prefix)


@pytest.fixture
def store(open_store: StoreFactory) -> MediaStore:
    return open_store()


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


async def test_put_returns_the_sha256_and_get_returns_bytes_and_type(store: MediaStore) -> None:
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


async def test_missing_and_malformed_keys(store: MediaStore) -> None:
    present = await store.put(b"present", "image/gif")
    assert await store.exists(present)
    for key in ("0" * 64, "../secret", "../../etc/passwd", "A" * 64, ""):
        assert await store.get(key) is None
        assert not await store.exists(key)
        assert not await store.delete(key)


async def test_same_bytes_are_stored_once(store: MediaStore) -> None:
    first = await store.put(b"same", "image/png")
    second = await store.put(b"same", "image/png")
    assert first == second
    assert [info.key for info in await store.list()] == [first]
    assert await store.size() == len(b"same")


async def test_other_content_types_are_refused(store: MediaStore) -> None:
    with pytest.raises(ValueError, match="does not hold"):
        await store.put(b"<svg/>", "image/svg+xml")


async def test_two_stores_share_one_place(open_store: StoreFactory) -> None:
    writer, reader = open_store(), open_store()
    key = await writer.put(b"shared", "image/webp")
    stored = await reader.get(key)
    assert stored is not None
    assert stored.body == b"shared"
    assert stored.content_type == "image/webp"


async def test_list_size_and_delete(store: MediaStore) -> None:
    payloads = {b"a" * 10: "image/jpeg", b"b" * 200: "image/png", b"c" * 3000: "image/webp"}
    before = time.time()
    keys = {await store.put(data, kind): data for data, kind in payloads.items()}
    listed = {info.key: info for info in await store.list()}
    assert set(listed) == set(keys)
    for key, data in keys.items():
        assert listed[key].size == len(data)
        # Object stores keep whole seconds.
        assert listed[key].modified >= int(before) - 1
    assert await store.size() == sum(map(len, payloads))
    gone = next(iter(keys))
    assert await store.delete(gone)
    assert not await store.delete(gone)
    assert await store.get(gone) is None
    assert not await store.exists(gone)
    assert {info.key for info in await store.list()} == set(keys) - {gone}
    assert await store.size() == sum(map(len, payloads)) - len(keys[gone])


def test_concurrent_writers_leave_whole_objects(open_store: StoreFactory) -> None:
    payloads = [bytes([i]) * 200_000 for i in range(8)]

    def write(data: bytes) -> str:
        return asyncio.run(open_store().put(data, "image/jpeg"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(write, payloads * 3))

    async def read_all() -> None:
        store = open_store()
        assert len(await store.list()) == 8
        for key, data in zip(keys, payloads * 3, strict=True):
            stored = await store.get(key)
            assert stored is not None
            assert stored.body == data

    asyncio.run(read_all())


def test_concurrent_directory_writers_leave_no_temporaries(tmp_path: Path) -> None:
    payloads = [bytes([i]) * 200_000 for i in range(8)]

    def write(data: bytes) -> str:
        return asyncio.run(FileMediaStore(tmp_path).put(data, "image/jpeg"))

    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = list(pool.map(write, payloads * 4))
    assert len(files_under(tmp_path)) == 8
    assert not [p for p in tmp_path.rglob(".incoming-*")]
    for key, data in zip(keys, payloads * 4, strict=True):
        assert (tmp_path / key[:2] / f"{key}.jpeg").read_bytes() == data


async def test_crash_leftovers_are_swept_and_live_writes_kept(tmp_path: Path) -> None:
    """A temporary file an interrupted writer left is removed once it is old; a fresh one
    (a write in progress in another process) and the stored objects are not."""
    store = FileMediaStore(tmp_path)
    key = await store.put(b"kept", "image/png")
    old = tmp_path / key[:2] / ".incoming-crashed"
    old.write_bytes(b"half a file")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    live = tmp_path / key[:2] / ".incoming-live"
    live.write_bytes(b"being written")
    assert await store.sweep_leftovers() == 1
    assert not old.exists()
    assert live.exists()
    assert await store.exists(key)
    assert [info.key for info in await store.list()] == [key]


async def test_the_s3_store_refuses_wrong_credentials(s3_server: S3Server) -> None:
    """The server checks signatures, so the store is tested against real authentication."""
    credentials = S3Credentials(s3_server.endpoint, s3_server.access_key, "wrong", "us-east-1")
    store = S3MediaStore(s3_client(credentials), S3Location(s3_server.bucket, "refused"))
    with pytest.raises(ClientError):
        await store.put(b"x", "image/png")


def test_s3_locations() -> None:
    assert S3Location.parse("s3://bucket/a/b/") == S3Location("bucket", "a/b")
    assert S3Location.parse("s3://bucket") == S3Location("bucket", "")
    for bad in ("http://bucket/x", "s3:///x", "bucket/x"):
        with pytest.raises(ValueError, match="s3://"):
            S3Location.parse(bad)
