"""A language is part of the cache key only when one is given: a request without one keeps
the key caches already hold, and the backend gets the URL and the language apart."""

from __future__ import annotations

from pathlib import Path

from fetching import normalize_url
from model.record import Preview
from previews.service import PreviewService
from previews.sqlite_cache import SqliteCache
from tests.previews.scripted import ScriptedBackend

RAW = "HTTPS://Example.COM:443/a//b"


async def test_the_language_keys_its_own_entry(tmp_path: Path) -> None:
    backend = ScriptedBackend()
    backend.gate.set()
    cache = SqliteCache(tmp_path / "c.sqlite3")
    service = PreviewService(backend, cache, ttl=60, failure_ttl=60)
    plain, french, german = (service.key_for(RAW, language) for language in (None, "fr", "de"))
    assert plain == normalize_url(RAW) == "https://example.com/a//b"  # today's key
    assert isinstance(french, str)
    assert isinstance(german, str)
    assert len({plain, french, german}) == 3

    outcomes = await service.get_many([french, plain, german, french])
    # Three fetches, each of the URL itself, each with its own language.
    assert sorted(backend.calls) == ["https://example.com/a//b"] * 3
    assert set(backend.languages) == {"de", "fr", None}
    for outcome in outcomes:
        assert isinstance(outcome, Preview)
        assert outcome.url == "https://example.com/a//b"

    # Each entry is in the cache under its own key; a second lookup fetches nothing.
    stored = await cache.get_many([plain, french, german])
    assert set(stored) == {plain, french, german}
    assert (await service.lookup([german, plain])).cached == {german, plain}
    assert len(backend.calls) == 3
    await service.aclose()
