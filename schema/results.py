"""The answer for one link: a typed preview or an error."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import PreviewError
from schema.previews import (
    AmazonProductPreview,
    AudioPreview,
    DocumentPreview,
    EtsyProductPreview,
    GithubRepositoryPreview,
    ImagePreview,
    InstagramPostPreview,
    InstagramUserPreview,
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

# Every LinkPreview implementation, plus the error; tests/schema checks they stay in step.
PreviewResult = Annotated[
    TiktokUserPreview
    | TiktokVideoPreview
    | YoutubeVideoPreview
    | YoutubeUserPreview
    | XPostPreview
    | XUserPreview
    | InstagramPostPreview
    | InstagramUserPreview
    | RedditPostPreview
    | RedditUserPreview
    | RedditSubredditPreview
    | GithubRepositoryPreview
    | AmazonProductPreview
    | EtsyProductPreview
    | ImagePreview
    | VideoPreview
    | AudioPreview
    | DocumentPreview
    | TextPreview
    | PagePreview
    | UnknownPreview
    | PreviewError,
    strawberry.union(
        "PreviewResult",
        description="A preview (any LinkPreview implementation) or a PreviewError.",
    ),
]
