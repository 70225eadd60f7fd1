"""npm projects the client tests run (examples/, tests/clients/), installed from their locks."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import tempfile
from pathlib import Path

STAMP = ".linkgraph-lock-sha256"


def npm(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args], cwd=folder, capture_output=True, text=True, timeout=600, check=False
    )


def install(folder: Path) -> Path:
    """`npm ci` once per package-lock.json: a stamp in node_modules remembers which lock it
    installed, so reruns cost nothing and a changed lock reinstalls. Two suites running at
    once on one checkout take turns (a file lock), so neither sees a half-installed folder."""
    lock = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
    stamp = folder / "node_modules" / STAMP
    turn = (
        Path(tempfile.gettempdir())
        / f"linkgraph-npm-{hashlib.sha256(bytes(folder)).hexdigest()[:16]}"
    )
    with turn.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == lock):
            done = npm(folder, "ci", "--no-audit", "--no-fund", "--loglevel=error")
            assert done.returncode == 0, done.stderr
            stamp.write_text(lock)
    return folder / "node_modules"
