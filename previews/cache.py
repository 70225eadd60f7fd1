"""The preview cache contract; SQLite implements it by default, Redis later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

from previews.record import Outcome

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


class PreviewCache(Protocol):
    """Outcomes by normalised URL, each with its own time to live."""

    async def get_many(self, keys: Sequence[str]) -> dict[str, Outcome]:
        """The fresh entries among `keys`; missing and expired ones are left out."""
        ...

    async def put(self, key: str, outcome: Outcome, ttl: float) -> None: ...

    async def aclose(self) -> None: ...
