"""The record's enums, exposed to GraphQL under the names Peekalink uses."""

from __future__ import annotations

import strawberry

from model import record

# The record's enums are the GraphQL enums: registering them here keeps one set of values.
LinkType = record.LinkType
Visibility = record.Visibility
PreviewErrorCode = record.ErrorCode

strawberry.enum(
    LinkType,
    name="LinkType",
    description="What kind of thing a link points at; selects the typed object a preview "
    "carries. Values are Peekalink's.",
)

strawberry.enum(
    Visibility,
    name="Visibility",
    description="Whether an account's content is visible to everyone or to approved "
    "followers only.",
)

strawberry.enum(
    PreviewErrorCode,
    name="PreviewErrorCode",
    description="Why a link has no preview. Peekalink's codes, plus LINK_TOO_LARGE (the "
    "page or file is over the size this service reads) and LINK_NOT_FOUND (the origin "
    "answered 404), plus UPSTREAM_QUOTA_EXCEEDED, UPSTREAM_UNAVAILABLE and UPSTREAM_UNAUTHORIZED "
    "when this service runs over Peekalink's API and that API cannot answer.",
)

MediaKind = record.MediaKind
RedditPostKind = record.RedditPostKind

strawberry.enum(
    MediaKind,
    name="MediaKind",
    description="What one item of a post's or product's media is: a photo, a video or audio.",
)

strawberry.enum(
    RedditPostKind,
    name="RedditPostKind",
    description="What a Reddit post carries: an image, a video, text only, or a link elsewhere.",
)
