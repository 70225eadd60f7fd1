"""The service answers the Peekalink API's own troubles but never caches them as the link's
answer, while a failure of the link itself is still cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.record import ErrorCode, Failure, Outcome, Shoot
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache


class FailingBackend:
    """Answers every link with a Failure of `code`; counts the calls."""

    def __init__(self, code: ErrorCode) -> None:
        self.code = code
        self.calls: list[str] = []

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        self.calls.append(url)
        return Failure(url=url, code=self.code, message="scripted")

    async def aclose(self) -> None:
        return None


@pytest.mark.parametrize(
    ("code", "cached"),
    [
        (ErrorCode.UPSTREAM_QUOTA_EXCEEDED, False),
        (ErrorCode.UPSTREAM_UNAVAILABLE, False),
        (ErrorCode.UPSTREAM_UNAUTHORIZED, False),
        (ErrorCode.LINK_IS_GONE, True),
    ],
)
async def test_upstream_failures_are_answered_but_not_cached(
    tmp_path: Path, code: ErrorCode, cached: bool
) -> None:
    backend = FailingBackend(code)
    cache = SqliteCache(tmp_path / "c.sqlite3")
    service = PreviewService(backend, cache, ttl=60, failure_ttl=60)
    url = "https://example.com/a"
    first = await service.get_many([url])
    second = await service.get_many([url])
    assert isinstance(first[0], Failure)
    assert first[0].code is code
    assert isinstance(second[0], Failure)
    assert second[0].code is code
    assert len(backend.calls) == (1 if cached else 2)
    assert (url in await cache.get_many([url])) is cached
    await service.aclose()
