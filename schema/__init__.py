"""The GraphQL schema clients see. `strawberry export-schema schema:schema` prints it."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from resolvers.query import Query
from schema.previews import LinkPreview, PagePreview, TiktokUserPreview
from schema.scalars import SCALARS

# Every implementation of LinkPreview; PreviewResult lists the same ones.
PREVIEW_TYPES = (TiktokUserPreview, PagePreview)

schema = strawberry.Schema(
    query=Query,
    types=[LinkPreview, *PREVIEW_TYPES],
    config=StrawberryConfig(scalar_map=SCALARS),
)

__all__ = ["PREVIEW_TYPES", "schema"]
