"""Custom scalars and the map that tells Strawberry how to serialise them."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Count = NewType("Count", int)


def _parse_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("Count must be a non-negative whole number")
    return value


COUNT = strawberry.scalar(
    name="Count",
    description=(
        "A non-negative whole number that may pass 2^31, sent as a plain JSON number "
        "(2500000000, not \"2500000000\"). GraphQL's Int is 32-bit and a TikTok creator's "
        "likes already exceed it, while a string-typed BigInt would force every client to "
        "parse numbers back. Values stay exact up to 2^53 - 1, the largest integer "
        "JavaScript clients can hold without rounding."
    ),
    serialize=int,
    parse_value=_parse_count,
)

SCALARS: dict[object, ScalarDefinition] = {Count: COUNT}
