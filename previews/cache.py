"""The preview cache contract, shared by the SQLite and Redis backends.

Both backends keep the same stale-while-revalidate rules, written down once here so that a
deployment can move from one to the other without a change in behaviour:

- a preview is *fresh* for the `ttl` it is stored with, then *stale but usable* for
  `stale_ttl` more seconds: served at once while it is fetched again in the background;
- a failure is fresh for its own (short) `ttl` and never served stale;
- a failure never replaces a preview that is still usable: the preview is kept and its next
  refresh is pushed out by the failure's `ttl`, so a broken origin is not hammered while the
  last good preview keeps being served until it runs out of stale time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import msgspec

from model.record import Outcome

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Outcome)


def encode(outcome: Outcome) -> bytes:
    return _encoder.encode(outcome)


def decode(data: bytes) -> Outcome | None:
    """Load a stored outcome; an entry written by an incompatible version reads as a miss."""
    try:
        outcome: Outcome = _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return outcome


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached outcome and whether it may be served without starting a refresh.

    `fresh` is False only for a preview past its fresh time but within its stale time: the
    caller serves it and refreshes it in the background.
    """

    outcome: Outcome
    fresh: bool


# Fetches an outcome and stores it; what a flight runs when this instance is the one to fetch.
Fetch = Callable[[], Awaitable[Outcome]]
# Reads the fresh cached outcome of a key, if any; how a flight learns another one finished.
Lookup = Callable[[], Awaitable[Outcome | None]]


class Flight(Protocol):
    """How the instances sharing one cache agree that only one of them fetches a key."""

    async def run(self, key: str, fetch: Fetch, lookup: Lookup) -> Outcome:
        """The outcome of `fetch`, run here or by another instance fetching `key` now."""
        ...

    async def aclose(self) -> None: ...


class LocalFlight:
    """No coordination beyond this process: right for a cache only one machine uses, where
    the service's in-process single flight already collapses concurrent requests."""

    async def run(self, key: str, fetch: Fetch, lookup: Lookup) -> Outcome:
        return await fetch()

    async def aclose(self) -> None:
        return None


class PreviewCache(Protocol):
    """Outcomes by normalised URL, with the freshness rules of this module's docstring."""

    @property
    def flight(self) -> Flight:
        """The single flight that fits how widely this cache is shared."""
        ...

    async def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        """The usable entries among `keys`; missing and expired ones are left out."""
        ...

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None:
        """Store `outcome` fresh for `ttl` seconds (a failure keeps a usable preview)."""
        ...

    async def ping(self) -> None:
        """Raise when the cache cannot be reached (readiness checks call it)."""
        ...

    async def aclose(self) -> None: ...
