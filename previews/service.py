"""The preview service: cache, then single flight, then backend.

This is what the GraphQL layer talks to. It owns the rules that make the service cheap to
call: a link is normalised once and keyed by that form; a fresh cached outcome is served as
is; a stale preview is served at once and refreshed in the background (stale-while-
revalidate); a link already being fetched is awaited rather than fetched again, in this
process (Synapse's in-flight cache) and across the instances sharing the cache (the cache's
`flight`); and failures are cached too, briefly, so that a broken link is not hammered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass

from common.flight import SingleFlight
from common.memo import TtlLru
from fetching import FetchError, FetchPolicy, normalize_url
from model.record import ErrorCode, Failure, Outcome
from previews.backend import Backend
from previews.cache import Entry, PreviewCache
from previews.errors import TRANSIENT, error_code
from previews.observer import CacheObserver
from previews.recent import RecentEntries

log = logging.getLogger(__name__)

# Longest echo of a refused URL in an error, so a huge input is not sent back whole.
_MAX_ECHO = 2048
# Most links whose normalised form is remembered.
_MAX_KEYS = 8192

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
    ) -> None:
        """`shutdown_grace` bounds how long `aclose` lets background refreshes finish;
        `recent_ttl` how long a fresh preview read from the cache is served from memory
        (previews/recent.py; at most a tenth of `ttl`, 0 to always read the cache), by `clock`."""
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
        self._keys: TtlLru[str, str] = TtlLru(_MAX_KEYS)

    def key_for(self, raw_url: str) -> str | Failure:
        """The normalised URL that keys `raw_url`, or the Failure that refuses it unfetched."""
        key = self._keys.get(raw_url)
        if key is not None:
            return key
        try:
            key = normalize_url(raw_url, self._url_policy)
        except FetchError as error:
            return Failure(
                url=raw_url[:_MAX_ECHO], code=error_code(error), message=error.message, status=None
            )
        self._keys.put(raw_url, key)
        return key

    async def get_many(self, keys: Sequence[str]) -> list[Outcome]:
        """Outcomes for normalised `keys`, in order; each distinct key fetched at most once."""
        return (await self.lookup(keys)).outcomes

    async def lookup(self, keys: Sequence[str]) -> Lookup:
        """`get_many`, also saying which keys the cache answered (what the rate limit charges
        less for)."""
        distinct = list(dict.fromkeys(keys))
        cached = await self._read(distinct)
        for key, entry in cached.items():
            if not entry.fresh:
                self._start_fetch(key)
        missing = [key for key in distinct if key not in cached]
        if self._observer is not None:
            self._observer.record_cache(True, len(cached))
            self._observer.record_cache(False, len(missing))
        found = {key: entry.outcome for key, entry in cached.items()}
        if missing:  # a warm request has none: no gathering to set up
            fetched = await asyncio.gather(*(self._fetch_once(key) for key in missing))
            found |= dict(zip(missing, fetched, strict=True))
        return Lookup([found[key] for key in keys], frozenset(cached))

    async def lookup_each(
        self, keys: Sequence[str]
    ) -> AsyncGenerator[tuple[str, Outcome, bool], None]:
        """Each distinct key's outcome as soon as it is known, with whether the cache answered
        it: the cached ones first, then the fetched ones in the order they finish (what a
        streamed batch sends). Closing the iterator early cancels this caller's waits, and so
        the fetches that only it was waiting for."""
        distinct = list(dict.fromkeys(keys))
        cached = await self._read(distinct)
        for key, entry in cached.items():
            if not entry.fresh:
                self._start_fetch(key)
        missing = [key for key in distinct if key not in cached]
        if self._observer is not None:
            self._observer.record_cache(True, len(cached))
            self._observer.record_cache(False, len(missing))
        for key, entry in cached.items():
            yield key, entry.outcome, True
        waits = {asyncio.ensure_future(self._fetch_once(key)): key for key in missing}
        try:
            pending = set(waits)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for wait in done:
                    yield waits[wait], wait.result(), False
        finally:
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)

    async def refresh(self, key: str) -> Outcome:
        """Fetch `key` now, whatever the cache holds; the answer is what this fetch got, even
        when the cache keeps serving an older preview because the fetch failed."""
        return await self._fetch_once(key)

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
        self._recent.keep(read)
        return found | read

    def _start_fetch(self, key: str) -> asyncio.Task[Outcome]:
        """Join the fetch of `key` in flight, or start it: a background refresh is the same
        task as a client's fetch, so a key is refreshed once at a time."""
        return self._inflight.start(key, lambda: self._flown(key))

    async def _fetch_once(self, key: str) -> Outcome:
        return await self._inflight.run(key, lambda: self._flown(key))

    async def _flown(self, key: str) -> Outcome:
        """The fetch of `key`, under the cache's flight: one instance of all those sharing
        the cache fetches it."""
        return await self._cache.flight.run(
            key, lambda: self._fetch(key), lambda: self._lookup(key)
        )

    async def _lookup(self, key: str) -> Outcome | None:
        """The fresh cached outcome of `key`: what another instance's fetch left behind."""
        entry = (await self._cache.get_many([key])).get(key)
        return entry.outcome if entry is not None and entry.fresh else None

    async def _fetch(self, key: str) -> Outcome:
        try:
            outcome = await self._backend.preview(key)
        except Exception:
            log.exception("backend failed on a link")
            outcome = Failure(
                url=key,
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
