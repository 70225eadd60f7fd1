"""The LinkPreview interface and its implementations, one per link kind.

Each implementation adds one field, the typed object under Peekalink's key for it; the objects
themselves live in `schema.link_types`.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.enums import LinkType
from schema.images import Icon, ResponsiveImage
from schema.link_types.files import AudioFile, DocumentFile, ImageFile, TextFile, VideoFile
from schema.link_types.github import GithubRepository
from schema.link_types.instagram import InstagramPost, InstagramUser
from schema.link_types.reddit import RedditPost, RedditSubreddit, RedditUser
from schema.link_types.shops import AmazonProduct, EtsyProduct
from schema.link_types.tiktok import TiktokUser, TiktokVideo
from schema.link_types.x import XPost, XUser
from schema.link_types.youtube import YoutubeUser, YoutubeVideo
from schema.scalars import Count


@strawberry.interface(
    description="What every preview has, whatever the link points at. Select the typed "
    "object through the implementing type (`... on TiktokUserPreview { tiktokUser { ... } }`)."
)
class LinkPreview:
    id: strawberry.ID = strawberry.field(
        description="Stable identifier derived from the normalised URL: the same link always "
        "has the same id, so client caches can key on it."
    )
    ok: bool = strawberry.field(description="Whether the link answered with a usable page.")
    url: str = strawberry.field(description="The link, normalised (as asked, before redirects).")
    final_url: str = strawberry.field(
        description="Where the link led after redirects; equal to `url` when not redirected."
    )
    domain: str = strawberry.field(
        description="The registrable domain of the link (tiktok.com for www.tiktok.com)."
    )
    type: LinkType = strawberry.field(description="The kind of link.")
    status: int = strawberry.field(description="The HTTP status the link answered with.")
    updated_at: datetime = strawberry.field(description="When the link was last fetched.")
    size: Count | None = strawberry.field(description="Bytes of the page that were read.")
    redirected: bool = strawberry.field(description="Whether the link redirected elsewhere.")
    title: str | None = strawberry.field(description="The page's title.")
    description: str | None = strawberry.field(
        description="The page's description, at most 500 characters."
    )
    icon: Icon | None = strawberry.field(description="The site's icon.")
    image: ResponsiveImage | None = strawberry.field(description="The page's representative image.")
    request_id: str | None = strawberry.field(
        description="The id of the request that answered (also in the X-Request-Id response "
        "header and the service's logs), to quote when reporting a wrong preview."
    )


@strawberry.type(description="A web page with no more specific type.")
class PagePreview(LinkPreview):
    pass


@strawberry.type(
    description="A link of no kind this service recognises (type UNKNOWN): only the fields "
    "every preview has."
)
class UnknownPreview(LinkPreview):
    pass


@strawberry.type(description="A preview of a TikTok creator's profile (type TIKTOK_USER).")
class TiktokUserPreview(LinkPreview):
    tiktok_user: TiktokUser = strawberry.field(description="The creator's profile.")


@strawberry.type(description="A preview of a TikTok video (type TIKTOK_VIDEO).")
class TiktokVideoPreview(LinkPreview):
    tiktok_video: TiktokVideo = strawberry.field(description="The video.")


@strawberry.type(description="A preview of a YouTube video (type YOUTUBE_VIDEO).")
class YoutubeVideoPreview(LinkPreview):
    youtube_video: YoutubeVideo = strawberry.field(description="The video.")


@strawberry.type(description="A preview of a YouTube channel (type YOUTUBE_USER).")
class YoutubeUserPreview(LinkPreview):
    youtube_user: YoutubeUser = strawberry.field(description="The channel.")


@strawberry.type(description="A preview of a post on X (type X_POST).")
class XPostPreview(LinkPreview):
    x_post: XPost = strawberry.field(description="The post.")


@strawberry.type(description="A preview of an X profile (type X_USER).")
class XUserPreview(LinkPreview):
    x_user: XUser = strawberry.field(description="The profile.")


@strawberry.type(description="A preview of an Instagram post or reel (type INSTAGRAM_POST).")
class InstagramPostPreview(LinkPreview):
    instagram_post: InstagramPost = strawberry.field(description="The post.")


@strawberry.type(description="A preview of an Instagram profile (type INSTAGRAM_USER).")
class InstagramUserPreview(LinkPreview):
    instagram_user: InstagramUser = strawberry.field(description="The profile.")


@strawberry.type(description="A preview of a Reddit post (type REDDIT_POST).")
class RedditPostPreview(LinkPreview):
    reddit_post: RedditPost = strawberry.field(description="The post.")


@strawberry.type(description="A preview of a Reddit account (type REDDIT_USER).")
class RedditUserPreview(LinkPreview):
    reddit_user: RedditUser = strawberry.field(description="The account.")


@strawberry.type(description="A preview of a subreddit (type REDDIT_SUBREDDIT).")
class RedditSubredditPreview(LinkPreview):
    reddit_subreddit: RedditSubreddit = strawberry.field(description="The subreddit.")


@strawberry.type(description="A preview of a GitHub repository (type GITHUB_REPOSITORY).")
class GithubRepositoryPreview(LinkPreview):
    github_repository: GithubRepository = strawberry.field(description="The repository.")


@strawberry.type(description="A preview of an Amazon product page (type AMAZON_PRODUCT).")
class AmazonProductPreview(LinkPreview):
    amazon_product: AmazonProduct = strawberry.field(description="The product.")


@strawberry.type(description="A preview of an Etsy listing (type ETSY_PRODUCT).")
class EtsyProductPreview(LinkPreview):
    etsy_product: EtsyProduct = strawberry.field(description="The listing.")


@strawberry.type(
    description="A preview of a direct link to an image (type IMAGE); its renditions are `image`."
)
class ImagePreview(LinkPreview):
    image_file: ImageFile = strawberry.field(
        description="What the image file is: size, format, colours."
    )


@strawberry.type(description="A preview of a direct link to a video (type VIDEO).")
class VideoPreview(LinkPreview):
    video: VideoFile = strawberry.field(description="What the video file is: length, size, codecs.")


@strawberry.type(description="A preview of a direct link to audio (type AUDIO).")
class AudioPreview(LinkPreview):
    audio: AudioFile = strawberry.field(description="What the audio file is: length, tags, codec.")


@strawberry.type(description="A preview of a direct link to a document (type DOCUMENT).")
class DocumentPreview(LinkPreview):
    document: DocumentFile = strawberry.field(
        description="What the document is: title, author, pages."
    )


@strawberry.type(description="A preview of a direct link to plain text (type TEXT).")
class TextPreview(LinkPreview):
    text: TextFile = strawberry.field(description="What the text is: encoding and length.")
