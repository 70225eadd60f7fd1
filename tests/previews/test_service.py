"""The service's own logic (cache, single flight, failure caching) over a scripted backend.

The backend here is a stand-in on purpose: these tests pin down what the service does with
whatever a backend answers; the real backend is exercised end to end in tests/graph.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from model.record import ErrorCode, Failure, LinkType, Outcome, Preview, Shoot
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from tests.support.clock import FakeClock


class ScriptedBackend:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.gate = asyncio.Event()

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        self.calls.append(url)
        await self.gate.wait()
        if "broken" in url:
            raise RuntimeError("a bug in a site rule")
        if "missing" in url:
            return Failure(url=url, code=ErrorCode.LINK_NOT_FOUND, message="Not found.", status=404)
        return Preview(
            url=url,
            final_url=url,
            domain="example.com",
            type=LinkType.PAGE,
            status=200,
            updated_at=datetime.now(UTC),
        )

    async def aclose(self) -> None:
        return None


def make_service(tmp_path: Path, backend: ScriptedBackend) -> PreviewService:
    return PreviewService(backend, SqliteCache(tmp_path / "c.sqlite3"), ttl=60, failure_ttl=60)


async def test_concurrent_requests_share_one_fetch(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    service = make_service(tmp_path, backend)
    url = "https://example.com/a"
    waiting = [asyncio.create_task(service.get_many([url])) for _ in range(100)]
    await asyncio.sleep(0.05)
    backend.gate.set()
    results = await asyncio.gather(*waiting)
    assert backend.calls == [url]
    assert all(result[0] == results[0][0] for result in results)
    await service.aclose()


async def test_results_keep_input_order_and_fetch_each_key_once(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    service = make_service(tmp_path, backend)
    a, b = "https://example.com/a", "https://example.com/b"
    results = await service.get_many([a, b, a])
    assert [r.url for r in results] == [a, b, a]
    assert sorted(backend.calls) == [a, b]
    await service.get_many([b, a])
    assert sorted(backend.calls) == [a, b], "cached outcomes must not be fetched again"
    await service.aclose()


async def test_failures_are_cached(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    service = make_service(tmp_path, backend)
    url = "https://example.com/missing"
    first = await service.get_many([url])
    second = await service.get_many([url])
    assert isinstance(first[0], Failure)
    assert first == second
    assert backend.calls == [url]
    await service.aclose()


async def test_a_backend_bug_becomes_a_failure_for_that_link_only(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    service = make_service(tmp_path, backend)
    good, bad = "https://example.com/good", "https://example.com/broken"
    results = await service.get_many([bad, good])
    assert isinstance(results[0], Failure)
    assert results[0].code is ErrorCode.LINK_CONTENT_ERROR
    assert "bug" not in results[0].message
    assert isinstance(results[1], Preview)
    await service.aclose()


async def test_a_cancelled_waiter_does_not_cancel_the_shared_fetch(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    service = make_service(tmp_path, backend)
    url = "https://example.com/a"
    first = asyncio.create_task(service.get_many([url]))
    second = asyncio.create_task(service.get_many([url]))
    await asyncio.sleep(0.05)
    first.cancel()
    backend.gate.set()
    result = await second
    assert isinstance(result[0], Preview)
    assert backend.calls == [url]
    await service.aclose()


async def test_lookup_says_which_keys_the_cache_answered(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    service = make_service(tmp_path, backend)
    a, b = "https://example.com/a", "https://example.com/b"
    first = await service.lookup([a])
    assert first.cached == frozenset()
    second = await service.lookup([a, b, a])
    assert second.cached == frozenset({a})
    assert [outcome.url for outcome in second.outcomes] == [a, b, a]
    await service.aclose()


class FailingBackend:
    """Fails every link with the code its path names, counting the fetches."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        self.calls.append(url)
        code = ErrorCode[url.rsplit("/", 1)[1]]
        return Failure(url=url, code=code, message="failed", status=None)

    async def aclose(self) -> None:
        return None


@pytest.mark.parametrize(
    ("code", "ttl"),
    [
        # Transient: the link may work a minute later.
        (ErrorCode.LINK_CONNECTION_ERROR, 60),
        (ErrorCode.LINK_TOOK_TOO_LONG, 60),
        (ErrorCode.LINK_SERVER_ERROR, 60),
        # Permanent: the failure TTL.
        (ErrorCode.LINK_NOT_FOUND, 900),
        (ErrorCode.LINK_IS_GONE, 900),
        (ErrorCode.LINK_BLOCKED, 900),
    ],
)
async def test_a_failure_is_retried_after_the_ttl_of_its_kind(
    tmp_path: Path, code: ErrorCode, ttl: int
) -> None:
    clock = FakeClock()
    backend = FailingBackend()
    cache = SqliteCache(tmp_path / "c.sqlite3", clock=clock)
    service = PreviewService(
        backend, cache, ttl=86_400, failure_ttl=900, transient_failure_ttl=60, clock=clock
    )
    url = f"https://example.com/{code.name}"
    await service.get_many([url])
    clock.advance(ttl - 1)
    await service.get_many([url])
    assert backend.calls == [url], "within its TTL the failure is served from the cache"
    clock.advance(2)
    await service.get_many([url])
    assert backend.calls == [url, url]
    await service.aclose()
