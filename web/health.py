"""`/healthz` says the process answers; `/readyz` says it can do its job.

An orchestrator restarts a process whose liveness fails, so `/healthz` touches nothing: a
slow cache must not get healthy processes killed. It takes traffic away from one whose
readiness fails, so `/readyz` checks each dependency, each within a deadline, and names the
ones that failed.

A dependency is checked through a probe: `async def ping() -> None` that returns when the
dependency is reachable and raises otherwise (see `Pingable`). Probes live in
`app.state.readiness` (name → probe). A dependency the service can work without for a while
(Redis: each process then goes on alone) is probed from `app.state.degradable` instead: its
failure is reported under `degraded` with a 200, since taking every instance out of traffic
because their shared Redis is away would turn a degradation into an outage. Until the cache
and media store implement `ping`, the defaults check that their directories are writable,
which is what the embedded SQLite cache and file media store need.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[None]]


class Pingable(Protocol):
    async def ping(self) -> None:
        """Return when reachable; raise (any exception) when not. Keep it cheap: it runs on
        every readiness check."""


def writable_dir_probe(directory: Path) -> Probe:
    """A probe that creates `directory` if needed, then writes and removes a small file in it
    (a real write: permission bits say nothing when running as root)."""

    def check() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".ready-{secrets.token_hex(6)}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)

    async def ping() -> None:
        await asyncio.to_thread(check)

    return ping


class NotReadyError(Exception):
    """A probe's failure whose message is safe and useful to show in /readyz's answer."""


def free_space_probe(
    directory: Path,
    min_free_bytes: int,
    free_bytes: Callable[[Path], int] = lambda path: shutil.disk_usage(path).free,
) -> Probe:
    """Not ready when the filesystem holding `directory` has less than `min_free_bytes`
    free: a cache or media write there would fail, and every preview would be fetched again
    (answers stay 200 but nothing is kept), so traffic should go elsewhere first."""

    def check() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        free = free_bytes(directory)
        if free < min_free_bytes:
            raise NotReadyError(f"{free} bytes free, below the {min_free_bytes} required")

    async def ping() -> None:
        await asyncio.to_thread(check)

    return ping


async def _run(name: str, probe: Probe, deadline: float) -> str | None:
    """None when the probe passes, else why it failed."""
    try:
        async with asyncio.timeout(deadline):
            await probe()
    except TimeoutError:
        return f"no answer within {deadline:g}s"
    except NotReadyError as error:
        log.warning("readiness probe %s failed: %s", name, error)
        return str(error)
    except Exception as error:
        log.warning("readiness probe %s failed: %s", name, error)
        return type(error).__name__
    return None


def health_router(*, timeout: float) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        probes: dict[str, Probe] = dict(getattr(request.app.state, "readiness", {}))
        optional: dict[str, Probe] = dict(getattr(request.app.state, "degradable", {}))
        names = sorted(probes | optional)
        every = probes | optional
        results = await asyncio.gather(*(_run(name, every[name], timeout) for name in names))
        why = {name: reason for name, reason in zip(names, results, strict=True) if reason}
        failed = {name: reason for name, reason in why.items() if name in probes}
        degraded = {name: reason for name, reason in why.items() if name not in probes}
        if failed:
            body = {"status": "unavailable", "failed": failed}
            if degraded:
                body["degraded"] = degraded
            return JSONResponse(body, status_code=503)
        if degraded:
            return JSONResponse({"status": "degraded", "checked": names, "degraded": degraded})
        return JSONResponse({"status": "ok", "checked": names})

    return router
