"""Which media store a deployment uses, from `LINKGRAPH_MEDIA_URL`: a directory (one machine,
or a shared volume) or an S3-compatible bucket (several machines, nothing shared but it)."""

from __future__ import annotations

from pathlib import Path

from media.s3_store import S3Credentials, S3Location, S3MediaStore, s3_client
from media.store import FileMediaStore, MediaStore


def open_media_store(url: str, *, data_dir: Path, credentials: S3Credentials) -> MediaStore:
    """Empty `url`: `<data_dir>/media`; `s3://bucket/prefix`: that bucket; `file:///path` or
    a plain path: that directory."""
    if not url:
        return FileMediaStore(data_dir / "media")
    if url.startswith("s3://"):
        return S3MediaStore(s3_client(credentials), S3Location.parse(url))
    return FileMediaStore(Path(url.removeprefix("file://")))
