"""The preview service: cache, then single flight, then backend.

This is what the GraphQL layer talks to. It owns the rules that make the service cheap to
call: a link is normalised once and keyed by that form; a fresh cached outcome is served as
is; a stale preview is served at once and refreshed in the background (stale-while-
revalidate); a link already being fetched is awaited rather than fetched again, in this
process (Synapse's in-flight cache) and across the instances sharing the cache (the cache's
`flight`); and failures are cached too, briefly, so that a broken link is not hammered.

A cached preview whose stored images have gone (the media store's retention removed them, or
someone deleted them) is fetched again, as if it were not cached, so a client never gets
media URLs that answer 404.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import msgspec

from common.flight import SingleFlight
from common.memo import TtlLru
from fetching import FetchError, FetchPolicy, normalize_url
from fetching.slots import fetching_for
from model.record import ErrorCode, Failure, Outcome, Preview, Shoot
from previews.backend import Backend
from previews.cache import Entry, PreviewCache
from previews.errors import TRANSIENT, error_code
from previews.observer import CacheObserver
from previews.recent import RecentEntries
from previews.screenshots import needs_screenshot, refresh_shoot

log = logging.getLogger(__name__)

# Longest echo of a refused URL in an error, so a huge input is not sent back whole.
_MAX_ECHO = 2048
# Most links whose normalised form is remembered, and most bytes of them (a link may be 4 KB).
_MAX_KEYS = 8192
_MAX_KEY_BYTES = 4 * 1024 * 1024
# A preview asked for in a language is keyed by the URL, this mark and the BCP 47 tag. A
# normalised URL never has a fragment, so no URL's key can be mistaken for a language's, and
# a request without a language keeps the key (and the cached entries) it always had.
_LANGUAGE_MARK = "#lang="

# The Peekalink API's own troubles say nothing about the link: they are answered but never
# cached, so the next request asks again (and a stale preview, if any, stays in the cache).
_UNCACHED = frozenset(
    {
        ErrorCode.UPSTREAM_QUOTA_EXCEEDED,
        ErrorCode.UPSTREAM_UNAVAILABLE,
        ErrorCode.UPSTREAM_UNAUTHORIZED,
    }
)


@dataclass(frozen=True, slots=True)
class Lookup:
    outcomes: list[Outcome]
    # The keys served from the cache (fresh or stale); the others were fetched.
    cached: frozenset[str]


class PreviewService:
    def __init__(
        self,
        backend: Backend,
        cache: PreviewCache,
        *,
        ttl: float,
        failure_ttl: float,
        transient_failure_ttl: float | None = None,
        url_policy: FetchPolicy | None = None,
        shutdown_grace: float = 2.0,
        observer: CacheObserver | None = None,
        recent_ttl: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        holds_media: Callable[[Outcome], Awaitable[bool]] | None = None,
    ) -> None:
        """`holds_media` says whether a cached outcome's stored media are all still there
        (media/service.py `holds`); `shutdown_grace` bounds how long `aclose` lets
        background refreshes finish; `recent_ttl` how long a fresh preview read from the
        cache is served from memory (previews/recent.py; at most a tenth of `ttl`, 0 to
        always read the cache), by `clock`."""
        self._observer = observer
        self._backend = backend
        self._cache = cache
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._transient_failure_ttl = (
            failure_ttl if transient_failure_ttl is None else transient_failure_ttl
        )
        # The fetcher's policy: it says which IP literals are allowed and which origins are
        # this service's own, so such links are refused here, before they reach a batch.
        self._url_policy = url_policy
        self._shutdown_grace = shutdown_grace
        self._inflight: SingleFlight[str, Outcome] = SingleFlight()
        self._recent = RecentEntries(lifetime=min(recent_ttl, ttl / 10), clock=clock)
        # Normalised forms of links seen lately: normalising is pure, and costly per link.
        self._keys: TtlLru[str, str] = TtlLru(
            _MAX_KEYS, max_bytes=_MAX_KEY_BYTES, weigh=lambda raw, key: len(raw) + len(key) + 200
        )
        self._holds_media = holds_media

    def key_for(self, raw_url: str, language: str | None = None) -> str | Failure:
        """The key of `raw_url` read in `language` (a canonical BCP 47 tag, common/language.py;
        None: no preference), or the Failure that refuses the link unfetched. The key is the
        normalised URL, followed by the language when there is one."""
        key = self._keys.get(raw_url)
        if key is None:
            try:
                key = normalize_url(raw_url, self._url_policy)
            except FetchError as error:
                return Failure(
                    url=raw_url[:_MAX_ECHO],
                    code=error_code(error),
                    message=error.message,
                    status=None,
                )
            self._keys.put(raw_url, key)
        return key if language is None else f"{key}{_LANGUAGE_MARK}{language}"

    async def get_many(self, keys: Sequence[str]) -> list[Outcome]:
        """Outcomes for normalised `keys`, in order; each distinct key fetched at most once."""
        return (await self.lookup(keys)).outcomes

    async def lookup(
        self, keys: Sequence[str], shoot: Shoot = Shoot.NEVER, *, client: str | None = None
    ) -> Lookup:
        """`get_many`, also saying which keys the cache answered (what the rate limit charges
        less for). `shoot`: the screenshot the operation wants; a cached preview without it
        is fetched again with it (previews/screenshots.py). `client` (opaque: an API key's
        id, an address) is who the fetches are for: the fetcher shares its slots fairly
        between clients (fetching/slots.py)."""
        distinct = list(dict.fromkeys(keys))
        cached, missing = await self._split(distinct, shoot, client)
        found = {key: entry.outcome for key, entry in cached.items()}
        if missing:  # a warm request has none: no gathering to set up
            with fetching_for(client):
                fetches = [self._fetch_once(key, shoot) for key in missing]
                fetched = await asyncio.gather(*fetches, return_exceptions=True)
            found |= {
                key: self._answer(key, result) for key, result in zip(missing, fetched, strict=True)
            }
        return Lookup([found[key] for key in keys], frozenset(cached))

    async def lookup_each(
        self, keys: Sequence[str], shoot: Shoot = Shoot.NEVER, *, client: str | None = None
    ) -> AsyncGenerator[tuple[str, Outcome, bool], None]:
        """Each distinct key's outcome as soon as it is known, with whether the cache answered
        it: the cached ones first, then the fetched ones in the order they finish (what a
        streamed batch sends). Closing the iterator early cancels this caller's waits, and so
        the fetches that only it was waiting for."""
        cached, missing = await self._split(list(dict.fromkeys(keys)), shoot, client)
        for key, entry in cached.items():
            yield key, entry.outcome, True
        # The waits are tasks made inside the block, so their fetches are `client`'s.
        with fetching_for(client):
            waits = {asyncio.ensure_future(self._fetch_once(key, shoot)): key for key in missing}
        try:
            pending = set(waits)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for wait in done:
                    key = waits[wait]
                    yield key, self._answer(key, wait.exception() or wait.result()), False
        finally:
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)

    async def _split(
        self, distinct: list[str], shoot: Shoot, client: str | None
    ) -> tuple[dict[str, Entry], list[str]]:
        """The usable cached entries of `distinct` (stale ones start their refresh) and the
        keys that must be fetched."""
        cached = await self._read(distinct)
        if shoot is not Shoot.NEVER:
            cached = {k: e for k, e in cached.items() if not needs_screenshot(e.outcome, shoot)}
        with fetching_for(client):
            for key, entry in cached.items():
                if not entry.fresh:
                    self._start_fetch(key, refresh_shoot(entry.outcome))
        missing = [key for key in distinct if key not in cached]
        if self._observer is not None:
            self._observer.record_cache(True, len(cached))
            self._observer.record_cache(False, len(missing))
        return cached, missing

    def _answer(self, key: str, result: Outcome | BaseException) -> Outcome:
        """One link's outcome; an exception (a bug, never a Redis outage, which the flight
        rides out) fails that link alone, not its batch."""
        if not isinstance(result, BaseException):
            return result
        if isinstance(result, asyncio.CancelledError):
            raise result
        log.error("a link's fetch failed", exc_info=result)
        return Failure(
            url=key, code=ErrorCode.LINK_CONTENT_ERROR, message="The link could not be read."
        )

    async def refresh(
        self, key: str, shoot: Shoot = Shoot.NEVER, *, client: str | None = None
    ) -> Outcome:
        """Fetch `key` now, whatever the cache holds; the answer is what this fetch got, even
        when the cache keeps serving an older preview because the fetch failed."""
        with fetching_for(client):
            return await self._fetch_once(key, shoot)

    async def _read(self, keys: list[str]) -> dict[str, Entry]:
        """Cached entries; a cache that cannot be read is a cache that holds nothing."""
        found, missing = self._recent.split(keys)
        if not missing:
            return found
        try:
            read = await self._cache.get_many(missing)
        except Exception:
            log.exception("cache read failed")
            return found
        if self._holds_media is not None and read:
            read = await self._with_media(read)
        self._recent.keep(read)
        return found | read

    async def _with_media(self, read: dict[str, Entry]) -> dict[str, Entry]:
        """`read` less the previews whose stored media are gone (they are fetched again).
        Checked as entries come from the cache, not from the memo of recent reads, so a warm
        link costs nothing more."""
        assert self._holds_media is not None
        previews = [key for key, entry in read.items() if not isinstance(entry.outcome, Failure)]
        held = await asyncio.gather(*(self._holds_media(read[key].outcome) for key in previews))
        lost = {key for key, ok in zip(previews, held, strict=True) if not ok}
        if lost:
            log.info("%d cached previews lost stored media; fetching them again", len(lost))
        return {key: entry for key, entry in read.items() if key not in lost}

    def _start_fetch(self, key: str, shoot: Shoot = Shoot.NEVER) -> asyncio.Task[Outcome]:
        """Join the fetch of `key` in flight, or start it: a background refresh is the same
        task as a client's fetch, so a key is refreshed once at a time."""
        return self._inflight.start(_flight_key(key, shoot), lambda: self._flown(key, shoot))

    async def _fetch_once(self, key: str, shoot: Shoot = Shoot.NEVER) -> Outcome:
        return await self._inflight.run(_flight_key(key, shoot), lambda: self._flown(key, shoot))

    async def _flown(self, key: str, shoot: Shoot) -> Outcome:
        """The fetch of `key`, under the cache's flight: one instance of all those sharing
        the cache fetches it. A fetch that takes a screenshot is a flight of its own: one
        that does not would not do for its waiters."""
        return await self._cache.flight.run(
            _flight_key(key, shoot),
            lambda: self._fetch(key, shoot),
            lambda: self._lookup(key, shoot),
        )

    async def _lookup(self, key: str, shoot: Shoot) -> Outcome | None:
        """The fresh cached outcome of `key`: what another instance's fetch left behind."""
        entry = (await self._cache.get_many([key])).get(key)
        if entry is None or not entry.fresh or needs_screenshot(entry.outcome, shoot):
            return None
        return entry.outcome

    async def _fetch(self, key: str, shoot: Shoot = Shoot.NEVER) -> Outcome:
        url, _, language = key.partition(_LANGUAGE_MARK)
        try:
            outcome = await self._backend.preview(url, language or None, shoot=shoot)
            if isinstance(outcome, Preview) and needs_screenshot(outcome, shoot):
                # A backend that cannot take one: tried, so that it is not asked again.
                outcome = msgspec.structs.replace(outcome, screenshot_tried=True)
        except Exception:
            log.exception("backend failed on a link")
            outcome = Failure(
                url=url,
                code=ErrorCode.LINK_CONTENT_ERROR,
                message="The link could not be read.",
            )
        if isinstance(outcome, Failure) and outcome.code in _UNCACHED:
            return outcome
        ttl = self._ttl_of(outcome)
        try:
            await self._cache.put(key, outcome, ttl)
        except Exception:
            log.exception("cache write failed")
        # What this process kept of `key` may be older than what the cache now holds.
        self._recent.drop(key)
        return outcome

    def _ttl_of(self, outcome: Outcome) -> float:
        if not isinstance(outcome, Failure):
            return self._ttl
        if outcome.code in TRANSIENT:
            return self._transient_failure_ttl
        return self._failure_ttl

    async def aclose(self) -> None:
        """Let fetches still running (background refreshes) finish within `shutdown_grace`,
        cancel the rest, then close the backend and cache."""
        tasks = self._inflight.tasks()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self._shutdown_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await self._backend.aclose()
        await self._cache.aclose()


def _flight_key(key: str, shoot: Shoot) -> str:
    """A fetch that takes a screenshot flies apart from one that does not."""
    return key if shoot is Shoot.NEVER else f"{key}#shot={shoot.value}"
