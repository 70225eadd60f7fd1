"""Custom scalars and the map that tells Strawberry how to serialise them."""

from __future__ import annotations

from typing import NewType

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

from common.language import language_tag

Count = NewType("Count", int)
LanguageTag = NewType("LanguageTag", str)


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


def _parse_language(value: object) -> str:
    """A GraphQLError, not a ValueError: the message is for the client, so it is not masked."""
    tag = language_tag(value) if isinstance(value, str) else None
    if tag is None:
        raise GraphQLError(f'{value!r} is not a BCP 47 language tag (such as "fr" or "pt-BR")')
    return tag


LANGUAGE_TAG = strawberry.scalar(
    name="LanguageTag",
    description=(
        'A BCP 47 language tag naming the reader\'s language, such as "fr", "pt-BR" or '
        '"zh-Hant" (any letter case; it is read in the canonical one). Pages that vary on '
        "the reader's language (titles, descriptions) are asked for in it."
    ),
    serialize=str,
    parse_value=_parse_language,
)

SCALARS: dict[object, ScalarDefinition] = {Count: COUNT, LanguageTag: LANGUAGE_TAG}
