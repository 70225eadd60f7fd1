"""The media store in an S3-compatible bucket, for instances on several machines.

Objects are `<prefix>/<k[:2]>/<key>` with the content type as the object's own
`Content-Type`, so a read is one GET and a listing needs no per-object HEAD. Keys are content
hashes, so two instances writing one key write the same bytes and need no lock, as with the
directory store.

boto3 runs in worker threads: it is the S3 client every S3-compatible server is tested
against, its clients are thread-safe, and the media path makes few, small calls (one PUT per
rendition, one GET per served file that no CDN cached), so an async client's extra
dependencies (aiobotocore pins botocore and brings aiohttp) buy nothing here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from media.store import (
    EXTENSIONS,
    LEFTOVER_AGE,
    ObjectInfo,
    StoredObject,
    content_key,
    is_media_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """`s3://bucket/prefix` (the prefix may be empty or several segments)."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"expected s3://bucket/prefix, got {url!r}")
        return cls(parts.netloc, parts.path.strip("/"))


@dataclass(frozen=True, slots=True)
class S3Credentials:
    endpoint: str | None
    access_key_id: str | None
    secret_access_key: str | None
    region: str


def s3_client(credentials: S3Credentials, *, timeout: float = 10.0) -> S3Client:
    """A client with path-style addressing (what MinIO, SeaweedFS and Ceph expect) and
    bounded timeouts, so a stuck endpoint costs a field, never a hung request."""
    client: S3Client = boto3.client(
        "s3",
        endpoint_url=credentials.endpoint,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        region_name=credentials.region,
        config=Config(
            s3={"addressing_style": "path"},
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    )
    return client


class S3MediaStore:
    def __init__(self, client: S3Client, location: S3Location) -> None:
        self._client = client
        self._bucket = location.bucket
        self._prefix = f"{location.prefix}/" if location.prefix else ""

    def _name(self, key: str) -> str:
        return f"{self._prefix}{key[:2]}/{key}"

    async def put(self, data: bytes, content_type: str) -> str:
        if content_type not in EXTENSIONS:
            raise ValueError(f"the media store does not hold {content_type!r}")
        key = content_key(data)
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self._bucket,
            Key=self._name(key),
            Body=data,
            ContentType=content_type,
        )
        return key

    async def get(self, key: str) -> StoredObject | None:
        if not is_media_key(key):
            return None
        return await asyncio.to_thread(self._get, key)

    def _get(self, key: str) -> StoredObject | None:
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=self._name(key))
        except ClientError as error:
            if _missing(error):
                return None
            raise
        return StoredObject(key, answer.get("ContentType", ""), answer["Body"].read())

    async def exists(self, key: str) -> bool:
        if not is_media_key(key):
            return False
        return await asyncio.to_thread(self._exists, key)

    def _exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=self._name(key))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    async def delete(self, key: str) -> bool:
        if not is_media_key(key) or not await self.exists(key):
            return False
        await asyncio.to_thread(
            self._client.delete_object, Bucket=self._bucket, Key=self._name(key)
        )
        return True

    async def list(self) -> Sequence[ObjectInfo]:
        return await asyncio.to_thread(self._list)

    def _list(self) -> Sequence[ObjectInfo]:
        found: list[ObjectInfo] = []
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                key = item["Key"].rpartition("/")[2]
                if is_media_key(key):
                    found.append(ObjectInfo(key, item["Size"], item["LastModified"].timestamp()))
        return found

    async def size(self) -> int:
        return sum(info.size for info in await self.list())

    async def sweep_leftovers(self, older_than: float = LEFTOVER_AGE) -> int:
        """Nothing to sweep: a single PUT is stored whole or not at all."""
        return 0

    async def ping(self) -> None:
        """Readiness: the bucket answers with these credentials."""
        await asyncio.to_thread(self._client.head_bucket, Bucket=self._bucket)


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in _MISSING
