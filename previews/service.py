"""The preview service: cache, then single-flight, then backend.

This is what the GraphQL layer talks to. It owns the rules that make the service cheap to
call: a link is normalised once and keyed by that form; a cached outcome is served as is; a
link already being fetched is awaited rather than fetched again (Synapse's in-flight cache);
and failures are cached too, briefly, so that a broken link is not hammered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from fetching import FetchError, FetchPolicy, normalize_url
from previews.backend import Backend
from previews.cache import PreviewCache
from previews.record import ErrorCode, Failure, Outcome

log = logging.getLogger(__name__)

# Longest echo of a refused URL in an error, so a huge input is not sent back whole.
_MAX_ECHO = 2048


class PreviewService:
    def __init__(
        self,
        backend: Backend,
        cache: PreviewCache,
        *,
        ttl: float,
        failure_ttl: float,
        url_policy: FetchPolicy | None = None,
    ) -> None:
        self._backend = backend
        self._cache = cache
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        # The fetcher's policy: it says which IP literals are allowed and which origins are
        # this service's own, so such links are refused here, before they reach a batch.
        self._url_policy = url_policy
        self._inflight: dict[str, asyncio.Task[Outcome]] = {}

    def key_for(self, raw_url: str) -> str | Failure:
        """The normalised URL that keys `raw_url`, or the Failure that refuses it unfetched."""
        try:
            return normalize_url(raw_url, self._url_policy)
        except FetchError as error:
            return Failure(
                url=raw_url[:_MAX_ECHO], code=error.code, message=error.message, status=None
            )

    async def get_many(self, keys: Sequence[str]) -> list[Outcome]:
        """Outcomes for normalised `keys`, in order; each distinct key fetched at most once."""
        cached = await self._cache.get_many(list(dict.fromkeys(keys)))
        missing = [key for key in dict.fromkeys(keys) if key not in cached]
        fetched = await asyncio.gather(*(self._fetch_once(key) for key in missing))
        found = cached | dict(zip(missing, fetched, strict=True))
        return [found[key] for key in keys]

    async def refresh(self, key: str) -> Outcome:
        """Fetch `key` now, whatever the cache holds."""
        return await self._fetch_once(key)

    async def _fetch_once(self, key: str) -> Outcome:
        """Join the fetch of `key` in flight, or start it as a task of its own, so that a
        client going away cancels only its wait, never the fetch others are waiting on."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

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
        ttl = self._failure_ttl if isinstance(outcome, Failure) else self._ttl
        try:
            await self._cache.put(key, outcome, ttl)
        except Exception:
            log.exception("cache write failed")
        return outcome

    async def aclose(self) -> None:
        await self._backend.aclose()
        await self._cache.aclose()
