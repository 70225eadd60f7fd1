"""The canonical preview record: the one shape every backend produces and the cache stores.

It follows what Peekalink's API documents, in Python names. The GraphQL layer maps it onto
schema types in exactly one place (`schema/mapping.py`); nothing here knows GraphQL. Records
are msgspec structs so that the cache can store and load them as compact JSON without a
hand-written serialiser, and so that a typed object (`details`) round-trips as a tagged union.
"""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec


class LinkType(enum.Enum):
    """Peekalink's link kinds."""

    PAGE = "PAGE"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    DOCUMENT = "DOCUMENT"
    TEXT = "TEXT"
    YOUTUBE_VIDEO = "YOUTUBE_VIDEO"
    YOUTUBE_USER = "YOUTUBE_USER"
    X_POST = "X_POST"
    X_USER = "X_USER"
    INSTAGRAM_POST = "INSTAGRAM_POST"
    INSTAGRAM_USER = "INSTAGRAM_USER"
    TIKTOK_VIDEO = "TIKTOK_VIDEO"
    TIKTOK_USER = "TIKTOK_USER"
    REDDIT_POST = "REDDIT_POST"
    REDDIT_USER = "REDDIT_USER"
    REDDIT_SUBREDDIT = "REDDIT_SUBREDDIT"
    AMAZON_PRODUCT = "AMAZON_PRODUCT"
    ETSY_PRODUCT = "ETSY_PRODUCT"
    GITHUB_REPOSITORY = "GITHUB_REPOSITORY"
    UNKNOWN = "UNKNOWN"


class Visibility(enum.Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class ErrorCode(enum.Enum):
    """Why a link has no preview; Peekalink's codes plus LINK_TOO_LARGE and LINK_NOT_FOUND."""

    LINK_INVALID_URL = "LINK_INVALID_URL"
    LINK_BLOCKED = "LINK_BLOCKED"
    LINK_MAX_REDIRECTS = "LINK_MAX_REDIRECTS"
    LINK_REDIRECTS_TO_ITSELF = "LINK_REDIRECTS_TO_ITSELF"
    LINK_IS_GONE = "LINK_IS_GONE"
    LINK_NOT_FOUND = "LINK_NOT_FOUND"
    LINK_TOOK_TOO_LONG = "LINK_TOOK_TOO_LONG"
    LINK_CONNECTION_ERROR = "LINK_CONNECTION_ERROR"
    LINK_SERVER_ERROR = "LINK_SERVER_ERROR"
    LINK_CONTENT_ERROR = "LINK_CONTENT_ERROR"
    LINK_IS_NOT_SUPPORTED = "LINK_IS_NOT_SUPPORTED"
    LINK_TOO_LARGE = "LINK_TOO_LARGE"


class ImageVariant(msgspec.Struct, frozen=True):
    """One stored rendition of an image; width and height are its real pixel size."""

    url: str
    width: int
    height: int


class ImageRef(msgspec.Struct, frozen=True):
    """An image a page points at.

    `width`/`height` are what the page declares (og:image:width, TikTok's avatar size) until
    the media store has measured the real file; the variants are set only once it holds a copy.
    """

    source_url: str
    width: int | None = None
    height: int | None = None
    thumbnail: ImageVariant | None = None
    medium: ImageVariant | None = None
    large: ImageVariant | None = None
    original: ImageVariant | None = None
    # A tiny `data:image/webp;base64,...` rendition (≤ 16 px) to paint while loading.
    placeholder: str | None = None
    # The image's most common colour as `#RRGGBB`, for a background before it loads.
    dominant_color: str | None = None


class Icon(msgspec.Struct, frozen=True):
    url: str
    width: int | None = None
    height: int | None = None
    background_color: str | None = None


class TiktokUser(msgspec.Struct, frozen=True, tag="TIKTOK_USER", tag_field="kind"):
    """A TikTok creator's profile, as Peekalink's TIKTOK_USER object."""

    username: str
    profile_url: str
    visibility: Visibility
    verified: bool
    id: str | None = None
    name: str | None = None
    bio: str | None = None
    url: str | None = None
    followers_count: int | None = None
    following_count: int | None = None
    likes_count: int | None = None
    videos_count: int | None = None
    avatar: ImageRef | None = None


# The typed object of a preview, one struct per link kind; extended as site rules arrive.
Details = TiktokUser


class Preview(msgspec.Struct, frozen=True, tag="preview", tag_field="kind"):
    """A successful preview of one link."""

    url: str
    final_url: str
    domain: str
    type: LinkType
    status: int
    updated_at: datetime
    redirected: bool = False
    size: int | None = None
    title: str | None = None
    description: str | None = None
    icon: Icon | None = None
    image: ImageRef | None = None
    details: Details | None = None


class Failure(msgspec.Struct, frozen=True, tag="failure", tag_field="kind"):
    """A link that has no preview, and why; cached briefly like a preview."""

    url: str
    code: ErrorCode
    message: str
    status: int | None = None


Outcome = Preview | Failure
