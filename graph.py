"""The root of the graph: the schema clients see, assembled from `schema`'s types and
`resolvers`' root fields. `strawberry export-schema graph:schema` prints it.

It sits above both packages so that neither imports the other's way back: resolvers use the
schema's types, and only this module needs both.
"""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from resolvers.cost import count_new_document
from resolvers.mutation import Mutation
from resolvers.query import Query
from schema.error_log import Schema
from schema.limits import QueryLimits, limit_extensions
from schema.previews import LinkPreview
from schema.results import PREVIEW_TYPES
from schema.scalars import SCALARS


def build_schema(limits: QueryLimits | None = None) -> strawberry.Schema:
    """The schema, with the request limits the app enforces (they do not change its SDL),
    logging client mistakes at INFO (schema/error_log.py)."""
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[LinkPreview, *PREVIEW_TYPES],
        # `@stream` on `previews` and `@defer` on slow parts of a preview (graphql-core 3.3's
        # incremental execution), sent as multipart/mixed to clients that ask for it.
        config=StrawberryConfig(scalar_map=SCALARS, enable_experimental_incremental_execution=True),
        extensions=limit_extensions(limits or QueryLimits(), on_new_document=count_new_document),
    )


schema = build_schema()
