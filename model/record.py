"""The canonical preview record: the one shape every backend produces and the cache stores.

It follows what Peekalink's API documents, in Python names. The GraphQL layer maps it onto
schema types in exactly one place (`schema/mapping.py`); nothing here knows GraphQL. Records
are msgspec structs so that the cache can store and load them as compact JSON without a
hand-written serialiser, and so that a typed object (`details`) round-trips as a tagged union.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Final, get_args

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


class Shoot(enum.Enum):
    """Whether an operation wants pages' screenshots: taking one starts a browser, so it is
    done only for operations that select it."""

    NEVER = "never"
    # The preview's `image` is selected: a page without one gets its screenshot as its image.
    IF_NO_IMAGE = "if_no_image"
    # The screenshot itself is selected.
    ALWAYS = "always"


class Visibility(enum.Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class ErrorCode(enum.Enum):
    """Why a link has no preview: Peekalink's codes, plus LINK_TOO_LARGE and LINK_NOT_FOUND, plus
    the UPSTREAM_* codes for when the Peekalink API itself cannot answer."""

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
    # The Peekalink backend's own troubles, never cached as the link's answer.
    UPSTREAM_QUOTA_EXCEEDED = "UPSTREAM_QUOTA_EXCEEDED"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_UNAUTHORIZED = "UPSTREAM_UNAUTHORIZED"


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


class Embed(msgspec.Struct, frozen=True):
    """A player a client may show inline: the provider's iframe `url`, accepted only on the
    provider's own player hosts, and `html`, an iframe this service wrote around it."""

    url: str
    html: str
    provider: str
    width: int | None = None
    height: int | None = None
    aspect_ratio: float | None = None


class Icon(msgspec.Struct, frozen=True):
    url: str
    width: int | None = None
    height: int | None = None
    background_color: str | None = None


class MediaKind(enum.Enum):
    """What one item of a post's media is."""

    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"


class RedditPostKind(enum.Enum):
    """What a Reddit post carries."""

    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    TEXT = "TEXT"
    LINK = "LINK"


class MediaItem(msgspec.Struct, frozen=True):
    """One photo or video of a post. `image` is the photo itself, or a video's poster frame;
    `url` is the video's (or audio's) own address when the page reveals it."""

    kind: MediaKind
    image: ImageRef | None = None
    url: str | None = None
    width: int | None = None
    height: int | None = None
    # Seconds.
    duration: float | None = None


class Account(msgspec.Struct, frozen=True):
    """A platform account seen from something it owns (a repository's owner, a seller)."""

    username: str
    name: str | None = None
    url: str | None = None
    avatar: ImageRef | None = None


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


class TiktokVideo(msgspec.Struct, frozen=True, tag="TIKTOK_VIDEO", tag_field="kind"):
    """A TikTok video page."""

    id: str | None = None
    user: TiktokUser | None = None
    published_at: datetime | None = None
    text: str | None = None
    media: tuple[MediaItem, ...] = ()
    likes_count: int | None = None
    comments_count: int | None = None
    plays_count: int | None = None
    shares_count: int | None = None
    # Seconds.
    duration: float | None = None


class YoutubeUser(msgspec.Struct, frozen=True, tag="YOUTUBE_USER", tag_field="kind"):
    """A YouTube channel. `username` is the @handle when the page shows one."""

    channel_id: str | None = None
    username: str | None = None
    name: str | None = None
    description: str | None = None
    url: str | None = None
    avatar: ImageRef | None = None
    banner: ImageRef | None = None
    subscribers_count: int | None = None
    videos_count: int | None = None
    views_count: int | None = None
    joined_at: datetime | None = None
    visibility: Visibility | None = None
    is_family_safe: bool | None = None
    verified: bool | None = None


class YoutubeVideo(msgspec.Struct, frozen=True, tag="YOUTUBE_VIDEO", tag_field="kind"):
    """A YouTube video (watch page, short or youtu.be link)."""

    video_id: str
    user: YoutubeUser | None = None
    published_at: datetime | None = None
    # Seconds.
    duration: int | None = None
    views_count: int | None = None
    likes_count: int | None = None
    dislikes_count: int | None = None
    comments_count: int | None = None
    # Average rating out of 5, where the page still states one.
    rating: float | None = None
    thumbnail: ImageRef | None = None


class XUser(msgspec.Struct, frozen=True, tag="X_USER", tag_field="kind"):
    """An X (Twitter) profile. `url` is the website in the profile; `profile_url` the profile."""

    username: str
    profile_url: str
    id: str | None = None
    name: str | None = None
    bio: str | None = None
    location: str | None = None
    url: str | None = None
    avatar: ImageRef | None = None
    cover: ImageRef | None = None
    verified: bool | None = None
    protected: bool | None = None
    sensitive: bool | None = None
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    joined_at: datetime | None = None


class XPost(msgspec.Struct, frozen=True, tag="X_POST", tag_field="kind"):
    """A post on X (a tweet)."""

    id: str | None = None
    text: str | None = None
    user: XUser | None = None
    media: tuple[MediaItem, ...] = ()
    likes_count: int | None = None
    comments_count: int | None = None
    views_count: int | None = None
    bookmarks_count: int | None = None
    reposts_count: int | None = None
    quotes_count: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    published_at: datetime | None = None


class InstagramUser(msgspec.Struct, frozen=True, tag="INSTAGRAM_USER", tag_field="kind"):
    """An Instagram profile. `url` is the link in the bio; `profile_url` the profile."""

    username: str
    profile_url: str
    id: str | None = None
    name: str | None = None
    bio: str | None = None
    url: str | None = None
    avatar: ImageRef | None = None
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    visibility: Visibility | None = None
    verified: bool | None = None


class InstagramPost(msgspec.Struct, frozen=True, tag="INSTAGRAM_POST", tag_field="kind"):
    """An Instagram post or reel; `id` is its shortcode."""

    id: str | None = None
    user: InstagramUser | None = None
    published_at: datetime | None = None
    text: str | None = None
    media: tuple[MediaItem, ...] = ()
    likes_count: int | None = None
    comments_count: int | None = None


class RedditUser(msgspec.Struct, frozen=True, tag="REDDIT_USER", tag_field="kind"):
    """A Reddit account (u/name)."""

    username: str
    name: str | None = None
    avatar: ImageRef | None = None
    banner: ImageRef | None = None
    bio: str | None = None
    karma: int | None = None
    post_karma: int | None = None
    comment_karma: int | None = None
    joined_at: datetime | None = None


class RedditSubreddit(msgspec.Struct, frozen=True, tag="REDDIT_SUBREDDIT", tag_field="kind"):
    """A subreddit (r/name). `type` is Reddit's own word: public, restricted, private…"""

    name: str
    title: str | None = None
    description: str | None = None
    subscribers_count: int | None = None
    active_users_count: int | None = None
    created_at: datetime | None = None
    type: str | None = None
    nsfw: bool | None = None
    banner: ImageRef | None = None
    avatar: ImageRef | None = None


class RedditPost(msgspec.Struct, frozen=True, tag="REDDIT_POST", tag_field="kind"):
    """A Reddit post; `link_url` is where a LINK post points."""

    id: str | None = None
    title: str | None = None
    user: RedditUser | None = None
    subreddit: RedditSubreddit | None = None
    text: str | None = None
    post_type: RedditPostKind | None = None
    link_url: str | None = None
    media: tuple[MediaItem, ...] = ()
    likes_count: int | None = None
    comments_count: int | None = None
    published_at: datetime | None = None
    nsfw: bool | None = None


class GithubLanguage(msgspec.Struct, frozen=True):
    """A language of a repository and its share of the code, in percent."""

    name: str
    percentage: float | None = None


class GithubRepository(msgspec.Struct, frozen=True, tag="GITHUB_REPOSITORY", tag_field="kind"):
    """A GitHub repository; `name` is `owner/name` as GitHub writes it."""

    name: str
    owner: Account | None = None
    description: str | None = None
    stars_count: int | None = None
    forks_count: int | None = None
    watchers_count: int | None = None
    contributors_count: int | None = None
    issues_count: int | None = None
    pull_requests_count: int | None = None
    commits_count: int | None = None
    languages: tuple[GithubLanguage, ...] = ()
    topics: tuple[str, ...] = ()
    last_commit_date: datetime | None = None
    license: str | None = None
    homepage: str | None = None


class Product(msgspec.Struct, frozen=True):
    """What a shop's product page says; shared by Amazon and Etsy. `price` is in `currency`
    (ISO 4217) as the page writes it, never converted."""

    product_id: str | None = None
    title: str | None = None
    description: str | None = None
    brand: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    availability: str | None = None
    rating: float | None = None
    review_count: int | None = None
    seller: Account | None = None
    media: tuple[MediaItem, ...] = ()


class AmazonProduct(Product, frozen=True, tag="AMAZON_PRODUCT", tag_field="kind"):
    """A product on an Amazon store; `product_id` is the ASIN."""


class EtsyProduct(Product, frozen=True, tag="ETSY_PRODUCT", tag_field="kind"):
    """An Etsy listing; `product_id` is the listing id."""


class ImageFile(msgspec.Struct, frozen=True, tag="IMAGE", tag_field="kind"):
    """A direct link to an image. The renditions are the preview's `image`; colours are
    `#RRGGBB`; `background_color` is set for images with transparency."""

    width: int | None = None
    height: int | None = None
    format: str | None = None
    has_alpha_channel: bool | None = None
    animated: bool | None = None
    frames: int | None = None
    background_color: str | None = None
    dominant_color: str | None = None
    vibrant_color: str | None = None
    muted_color: str | None = None


class VideoFile(msgspec.Struct, frozen=True, tag="VIDEO", tag_field="kind"):
    """A direct link to a video (GIFs count), read from headers and the container's first
    bytes, never the whole file. Bit rates in bits per second, duration in seconds."""

    format: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    bit_rate: int | None = None
    frame_rate: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool | None = None
    author: str | None = None
    title: str | None = None
    # Frames from later in the file's first seconds (the poster, its first frame, is the
    # preview's image).
    snapshots: tuple[ImageRef, ...] = ()


class AudioFile(msgspec.Struct, frozen=True, tag="AUDIO", tag_field="kind"):
    """A direct link to audio, read from headers and the file's first bytes (ID3 and the like)."""

    format: str | None = None
    duration: float | None = None
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    creation_date: datetime | None = None
    bit_rate: int | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    album_artwork: ImageRef | None = None
    # Peaks in 0–1 over the decoded beginning of the file, about a hundred, to draw.
    waveform: tuple[float, ...] | None = None


class DocumentFile(msgspec.Struct, frozen=True, tag="DOCUMENT", tag_field="kind"):
    """A direct link to a document (PDF first). `format` is its short name: pdf, docx…"""

    format: str | None = None
    title: str | None = None
    description: str | None = None
    author: str | None = None
    page_count: int | None = None
    sheet_count: int | None = None
    slide_count: int | None = None
    is_encrypted: bool | None = None
    last_modified: datetime | None = None
    language: str | None = None
    estimated_reading_time_in_minutes: int | None = None
    # The first pages rendered (the first is also the preview's image, its cover).
    pages: tuple[ImageRef, ...] = ()
    # A signed URL of this service serving the document's text (PDFs).
    raw_text_url: str | None = None


class TextFile(msgspec.Struct, frozen=True, tag="TEXT", tag_field="kind"):
    """A direct link to plain text."""

    encoding: str | None = None
    lines_count: int | None = None
    words_count: int | None = None
    estimated_reading_time_in_minutes: int | None = None


# The registry of link kinds with a typed object: one line per kind, in the order clients see
# them (the PreviewResult union's). Everything else derives from it: the kind of each struct
# (its msgspec tag, a LinkType value), the graph's preview types and union (schema/), and the
# tagged union the cache stores. PAGE and UNKNOWN are the kinds without a typed object.
Details = (
    TiktokUser
    | TiktokVideo
    | YoutubeVideo
    | YoutubeUser
    | XPost
    | XUser
    | InstagramPost
    | InstagramUser
    | RedditPost
    | RedditUser
    | RedditSubreddit
    | GithubRepository
    | AmazonProduct
    | EtsyProduct
    | ImageFile
    | VideoFile
    | AudioFile
    | DocumentFile
    | TextFile
)


def _kind(struct: type[msgspec.Struct]) -> LinkType:
    """A typed object's link kind: its tag, a LinkType value (an unknown one fails the import)."""
    return LinkType(struct.__struct_config__.tag)


# The link kind each typed object belongs to, in the registry's order.
DETAILS_TYPES: Final[dict[type[Details], LinkType]] = {
    struct: _kind(struct) for struct in get_args(Details)
}


class PageDetails(msgspec.Struct, frozen=True):
    """What a web page says about itself as an article, Peekalink's `page` object.

    `headline` is the article's own headline, without the site's name that `<title>` often
    adds; the three `*_url` fields are signed documents this service serves (the main text
    as plain text, Markdown and cleaned HTML), not the page's own addresses.
    """

    site_name: str | None = None
    headline: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    canonical_url: str | None = None
    theme_color: str | None = None
    estimated_reading_time_in_minutes: int | None = None
    raw_text_url: str | None = None
    markdown_url: str | None = None
    html_url: str | None = None
    # The page as a browser draws it, when an operation asked for it (see Shoot).
    screenshot: ImageRef | None = None


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
    embed: Embed | None = None
    # Whether a screenshot (`page.screenshot`) was attempted: a page that cannot be drawn
    # is not tried again until the preview is fetched again.
    screenshot_tried: bool = False
    # The primary language subtag of the content ("en", "pt"), lower-cased.
    language: str | None = None
    # Where the redirects ended (None when the link answered itself), how many hops they
    # took, and every URL on the way, the link first and the final URL last.
    redirection_url: str | None = None
    redirection_count: int = 0
    redirection_trail: tuple[str, ...] = ()
    # A PAGE's article facts; None for every other kind.
    page: PageDetails | None = None


class Failure(msgspec.Struct, frozen=True, tag="failure", tag_field="kind"):
    """A link that has no preview, and why; cached briefly like a preview."""

    url: str
    code: ErrorCode
    message: str
    status: int | None = None


Outcome = Preview | Failure
