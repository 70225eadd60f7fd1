"""The GraphQL schema clients see. `strawberry export-schema schema:schema` prints it."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from resolvers.mutation import Mutation
from resolvers.query import Query
from schema.execution import FastExecutionContext
from schema.limits import QueryLimits, limit_extensions
from schema.previews import (
    AmazonProductPreview,
    AudioPreview,
    DocumentPreview,
    EtsyProductPreview,
    GithubRepositoryPreview,
    ImagePreview,
    InstagramPostPreview,
    InstagramUserPreview,
    LinkPreview,
    PagePreview,
    RedditPostPreview,
    RedditSubredditPreview,
    RedditUserPreview,
    TextPreview,
    TiktokUserPreview,
    TiktokVideoPreview,
    UnknownPreview,
    VideoPreview,
    XPostPreview,
    XUserPreview,
    YoutubeUserPreview,
    YoutubeVideoPreview,
)
from schema.scalars import SCALARS

# Every implementation of LinkPreview; PreviewResult lists the same ones.
PREVIEW_TYPES = (
    TiktokUserPreview,
    TiktokVideoPreview,
    YoutubeVideoPreview,
    YoutubeUserPreview,
    XPostPreview,
    XUserPreview,
    InstagramPostPreview,
    InstagramUserPreview,
    RedditPostPreview,
    RedditUserPreview,
    RedditSubredditPreview,
    GithubRepositoryPreview,
    AmazonProductPreview,
    EtsyProductPreview,
    ImagePreview,
    VideoPreview,
    AudioPreview,
    DocumentPreview,
    TextPreview,
    PagePreview,
    UnknownPreview,
)


def build_schema(limits: QueryLimits | None = None) -> strawberry.Schema:
    """The schema, with the request limits the app enforces (they do not change its SDL)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[LinkPreview, *PREVIEW_TYPES],
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=limit_extensions(limits or QueryLimits()),
        # Plain-data objects skip graphql-core's per-field machinery (schema/execution.py).
        execution_context_class=FastExecutionContext,
    )


schema = build_schema()

__all__ = ["PREVIEW_TYPES", "QueryLimits", "build_schema", "schema"]
