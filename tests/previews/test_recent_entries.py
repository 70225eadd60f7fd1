"""The service's in-process memo of fresh entries (previews/recent.py), over real caches.

Two services sharing one cache stand for two instances: what one writes, the other sees once
its memo of that link has lapsed, never later; a service's own fetch shows at once.
"""

from __future__ import annotations

from model.record import Preview
from previews.service import PreviewService
from tests.previews.conftest import CacheFactory
from tests.previews.scripted import ScriptedBackend, called, page, settle
from tests.support.clock import FakeClock

URL = "https://example.com/a"


def _service(
    make_cache: CacheFactory, backend: ScriptedBackend, clock: FakeClock, recent_ttl: float = 1.0
) -> PreviewService:
    return PreviewService(
        backend, make_cache(), ttl=60, failure_ttl=60, recent_ttl=recent_ttl, clock=clock
    )


def _title(outcome: object) -> str | None:
    assert isinstance(outcome, Preview)
    return outcome.title


async def test_another_instances_write_shows_once_the_memo_lapses(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    reader_backend, writer_backend = ScriptedBackend(), ScriptedBackend()
    reader = _service(make_cache, reader_backend, clock, recent_ttl=0.3)
    writer = _service(make_cache, writer_backend, clock)
    await make_cache().put(URL, page(URL, "v1"), ttl=60)
    assert _title((await reader.get_many([URL]))[0]) == "v1"

    writer_backend.title = "v2"
    writer_backend.gate.set()
    assert _title(await writer.refresh(URL)) == "v2"
    # Within its short lifetime the reader's memo answers; after it, the shared cache does.
    assert _title((await reader.get_many([URL]))[0]) == "v1"
    clock.advance(0.29)
    assert _title((await reader.get_many([URL]))[0]) == "v1"
    clock.advance(0.02)
    found = await reader.lookup([URL])
    assert _title(found.outcomes[0]) == "v2"
    assert found.cached == {URL}
    assert reader_backend.calls == []
    await reader.aclose()
    await writer.aclose()


async def test_an_instances_own_refresh_shows_at_once(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = _service(make_cache, backend, clock, recent_ttl=60)
    backend.gate.set()
    assert _title((await service.get_many([URL]))[0]) == "v1"
    assert _title((await service.get_many([URL]))[0]) == "v1"
    backend.title = "v2"
    assert _title(await service.refresh(URL)) == "v2"
    assert _title((await service.get_many([URL]))[0]) == "v2"
    assert backend.calls == [URL, URL]
    await service.aclose()


async def test_without_the_memo_every_read_goes_to_the_cache(
    make_cache: CacheFactory, clock: FakeClock
) -> None:
    backend = ScriptedBackend()
    service = _service(make_cache, backend, clock, recent_ttl=0)
    await make_cache().put(URL, page(URL, "v1"), ttl=60)
    assert _title((await service.get_many([URL]))[0]) == "v1"
    await make_cache().put(URL, page(URL, "v2"), ttl=60)
    assert _title((await service.get_many([URL]))[0]) == "v2"
    await service.aclose()


async def test_a_stale_preview_is_never_kept(make_cache: CacheFactory, clock: FakeClock) -> None:
    """A stale entry goes back to the cache each time, which is what starts its refresh."""
    backend = ScriptedBackend()
    service = PreviewService(
        backend, make_cache(stale_ttl=600), ttl=10, failure_ttl=600, recent_ttl=60, clock=clock
    )
    await make_cache(stale_ttl=600).put(URL, page(URL, "v1"), ttl=10)
    clock.advance(20)
    found = await service.lookup([URL])
    assert _title(found.outcomes[0]) == "v1"
    await called(backend, 1)
    assert backend.calls == [URL]
    backend.title = "v2"
    backend.gate.set()
    await settle(service)
    assert _title((await service.get_many([URL]))[0]) == "v2"
    await service.aclose()
