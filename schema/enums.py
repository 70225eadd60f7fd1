"""The record's enums, exposed to GraphQL under the names Peekalink uses."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

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


def _describe(enum: type[Enum], descriptions: Mapping[Enum, str]) -> None:
    """Gives each GraphQL value of `enum` its description. The model's enums are plain
    Python (the model knows no GraphQL), so the descriptions live here; a value left without
    one stops the import, so a new code cannot reach clients undescribed."""
    missing = [member.name for member in enum if member not in descriptions]
    if missing:
        raise TypeError(f"{enum.__name__}: no description for {', '.join(missing)}")
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = descriptions[enum[value.name]]


_describe(
    LinkType,
    {
        LinkType.PAGE: "A web page with no richer kind: the common fields only.",
        LinkType.IMAGE: "A direct link to an image file; `imageFile` says its size and colours.",
        LinkType.VIDEO: "A direct link to a video file (an animated GIF too); see `video`.",
        LinkType.AUDIO: "A direct link to an audio file; see `audio`.",
        LinkType.DOCUMENT: "A direct link to a PDF document; see `document`.",
        LinkType.TEXT: "A direct link to a plain-text file; see `text`.",
        LinkType.YOUTUBE_VIDEO: "A YouTube video; see `youtubeVideo`.",
        LinkType.YOUTUBE_USER: "A YouTube channel; see `youtubeUser`.",
        LinkType.X_POST: "A post on X (Twitter); see `xPost`.",
        LinkType.X_USER: "An account on X (Twitter); see `xUser`.",
        LinkType.INSTAGRAM_POST: "An Instagram post or reel; see `instagramPost`.",
        LinkType.INSTAGRAM_USER: "An Instagram account; see `instagramUser`.",
        LinkType.TIKTOK_VIDEO: "A TikTok video; see `tiktokVideo`.",
        LinkType.TIKTOK_USER: "A TikTok creator's profile; see `tiktokUser`.",
        LinkType.REDDIT_POST: "A Reddit post; see `redditPost`.",
        LinkType.REDDIT_USER: "A Reddit user; see `redditUser`.",
        LinkType.REDDIT_SUBREDDIT: "A subreddit; see `redditSubreddit`.",
        LinkType.AMAZON_PRODUCT: "An Amazon product page; see `amazonProduct`.",
        LinkType.ETSY_PRODUCT: "An Etsy listing; see `etsyProduct`.",
        LinkType.GITHUB_REPOSITORY: "A GitHub repository; see `githubRepository`.",
        LinkType.UNKNOWN: "A kind this schema does not know yet (for example one Peekalink's "
        "API reports): draw it from the common fields.",
    },
)

_describe(
    Visibility,
    {
        Visibility.PUBLIC: "Anyone can see the account's content.",
        Visibility.PRIVATE: "Only followers the account approved can see its content.",
    },
)

_describe(
    PreviewErrorCode,
    {
        PreviewErrorCode.LINK_INVALID_URL: "Not a URL this service reads (no host, a scheme "
        "other than http(s), user info, over 4 KB). Fix the link; asking again fails the same.",
        PreviewErrorCode.LINK_BLOCKED: "Refused by policy: a private or internal address, a "
        "refused port, or this service itself. Permanent for this link.",
        PreviewErrorCode.LINK_MAX_REDIRECTS: "The link redirects more times than this service "
        "follows.",
        PreviewErrorCode.LINK_REDIRECTS_TO_ITSELF: "The link's redirects loop.",
        PreviewErrorCode.LINK_IS_GONE: "The origin answered 410 Gone: the page was removed.",
        PreviewErrorCode.LINK_NOT_FOUND: "The origin answered 404 Not Found.",
        PreviewErrorCode.LINK_TOOK_TOO_LONG: "The fetch (DNS, connect, redirects, body) passed "
        "its deadline. Transient: worth retrying later.",
        PreviewErrorCode.LINK_CONNECTION_ERROR: "The link's server could not be reached (DNS "
        "failure, refused or cut connection, TLS failure). Transient: worth retrying later.",
        PreviewErrorCode.LINK_SERVER_ERROR: "The origin answered 5xx. Transient: worth "
        "retrying later.",
        PreviewErrorCode.LINK_CONTENT_ERROR: "The origin refused the fetch (another 4xx) or "
        "sent content that could not be decoded.",
        PreviewErrorCode.LINK_IS_NOT_SUPPORTED: "Content this service does not preview (an "
        "archive, arbitrary binary data).",
        PreviewErrorCode.LINK_TOO_LARGE: "The page or file is over the size this service reads.",
        PreviewErrorCode.UPSTREAM_QUOTA_EXCEEDED: "Running over Peekalink's API: its rate or "
        "burst limit stayed exhausted after retries. Not cached: ask again later.",
        PreviewErrorCode.UPSTREAM_UNAVAILABLE: "Running over Peekalink's API: it could not be "
        "reached or did not answer sensibly. Not cached: ask again later.",
        PreviewErrorCode.UPSTREAM_UNAUTHORIZED: "Running over Peekalink's API: it refused this "
        "service's API key (an operator's fix). Not cached.",
    },
)

_describe(
    MediaKind,
    {
        MediaKind.IMAGE: "A photo or picture: `image` holds it.",
        MediaKind.VIDEO: "A video: `url` plays it, `image` is its poster frame.",
        MediaKind.AUDIO: "A sound or music clip: `url` plays it.",
    },
)

_describe(
    RedditPostKind,
    {
        RedditPostKind.IMAGE: "The post is an image (or a gallery); see `media`.",
        RedditPostKind.VIDEO: "The post is a video; see `media`.",
        RedditPostKind.TEXT: "A text-only (self) post; see `text`.",
        RedditPostKind.LINK: "The post links elsewhere; see `linkUrl`.",
    },
)
