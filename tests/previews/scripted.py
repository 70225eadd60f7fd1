"""A scripted backend: the service tests pin down what the service does with whatever a
backend answers; the real backend is exercised end to end in tests/graph."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from model.record import ErrorCode, Failure, LinkType, Outcome, Preview, Shoot
from previews.service import PreviewService


def page(url: str, title: str = "v1") -> Preview:
    return Preview(
        url=url,
        final_url=url,
        domain="example.com",
        type=LinkType.PAGE,
        status=200,
        updated_at=datetime(2026, 1, 2, tzinfo=UTC),
        title=title,
    )


class ScriptedBackend:
    """Answers a preview titled `title` (or a failure while `failing`), once `gate` is open."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        # The language each call asked for, in call order.
        self.languages: list[str | None] = []
        self.finished: list[str] = []
        self.cancelled: list[str] = []
        self.gate = asyncio.Event()
        self.title = "v1"
        self.failing = False

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        self.calls.append(url)
        self.languages.append(language)
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled.append(url)
            raise
        self.finished.append(url)
        if "broken" in url:
            raise RuntimeError("a bug in a site rule")
        if "missing" in url or self.failing:
            return Failure(url=url, code=ErrorCode.LINK_NOT_FOUND, message="Not found.", status=404)
        return page(url, self.title)

    async def aclose(self) -> None:
        return None


async def settle(service: PreviewService) -> None:
    """Wait for the background refreshes the service has started."""
    for _ in range(1000):
        if not service._inflight:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a background refresh never finished")


async def called(backend: ScriptedBackend, count: int) -> None:
    """Wait until the backend has been asked `count` times (a refresh runs as its own task)."""
    for _ in range(1000):
        if len(backend.calls) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the backend was asked {len(backend.calls)} times, not {count}")
