"""One link whose fetch raises past the backend (a bug in the flight, a dependency's error)
fails that link alone: its batch's other links keep their answers."""

from __future__ import annotations

from pathlib import Path

from model.record import ErrorCode, Failure, Outcome, Preview
from previews.cache import Fetch, Flight, Lookup
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from tests.previews.scripted import ScriptedBackend


class PoisonedFlight:
    """Runs fetches, except for links named `poison`, where it raises as a bug would."""

    async def run(self, key: str, fetch: Fetch, lookup: Lookup) -> Outcome:
        if "poison" in key:
            raise RuntimeError("a bug between the cache and the backend")
        return await fetch()

    async def aclose(self) -> None:
        return None


class PoisonedCache(SqliteCache):
    @property
    def flight(self) -> Flight:
        return PoisonedFlight()


async def test_an_exception_in_one_links_fetch_leaves_the_batch_answered(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    service = PreviewService(backend, PoisonedCache(tmp_path / "c.sqlite3"), ttl=60, failure_ttl=60)
    urls = ["https://example.com/a", "https://example.com/poison", "https://example.com/b"]
    first, poisoned, last = await service.get_many(urls)
    assert isinstance(first, Preview)
    assert first.url == urls[0]
    assert isinstance(last, Preview)
    assert last.url == urls[2]
    assert isinstance(poisoned, Failure)
    assert poisoned.url == urls[1]
    assert poisoned.code == ErrorCode.LINK_CONTENT_ERROR
    await service.aclose()
