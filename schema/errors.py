"""A link that could not be previewed, as data beside its siblings rather than a GraphQL error."""

from __future__ import annotations

import strawberry

from schema.enums import PreviewErrorCode


@strawberry.type(
    description="Why one link has no preview. Returned in place of the preview, so the "
    "other links of a batch are unaffected."
)
class PreviewError:
    url: str = strawberry.field(description="The link as it was asked for.")
    code: PreviewErrorCode = strawberry.field(description="What went wrong.")
    message: str = strawberry.field(description="A human-readable explanation.")
    status: int | None = strawberry.field(
        description="The HTTP status the link answered with, when it answered."
    )
    index: int = strawberry.field(
        description="The link's position in the request's `urls` (0 for `preview` and "
        "`refreshPreview`), as on `LinkPreview`: which asked-for link this error answers."
    )
