"""The GraphQL schema clients see. `strawberry export-schema schema:schema` prints it."""

from __future__ import annotations

from typing import get_args

import strawberry
from strawberry.schema.config import StrawberryConfig

from resolvers.mutation import Mutation
from resolvers.query import Query
from schema.errors import PreviewError
from schema.limits import QueryLimits, limit_extensions
from schema.previews import LinkPreview
from schema.results import PreviewResult
from schema.scalars import SCALARS

# Every implementation of LinkPreview: the members of the PreviewResult union (the one list
# written out) but the error.
PREVIEW_TYPES: tuple[type, ...] = tuple(
    member for member in get_args(get_args(PreviewResult)[0]) if member is not PreviewError
)


def build_schema(limits: QueryLimits | None = None) -> strawberry.Schema:
    """The schema, with the request limits the app enforces (they do not change its SDL)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[LinkPreview, *PREVIEW_TYPES],
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=limit_extensions(limits or QueryLimits()),
    )


schema = build_schema()

__all__ = ["PREVIEW_TYPES", "QueryLimits", "build_schema", "schema"]
