"""The LinkPreview interface and its implementations, one per link kind."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.enums import LinkType, Visibility
from schema.images import Icon, ResponsiveImage
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


@strawberry.type(description="A TikTok creator's profile.")
class TiktokUser:
    id: strawberry.ID | None = strawberry.field(description="TikTok's numeric id of the account.")
    username: str = strawberry.field(description="The handle, without the @.")
    name: str | None = strawberry.field(description="The display name.")
    bio: str | None = strawberry.field(description="The profile's biography.")
    url: str | None = strawberry.field(description="The link in the creator's bio.")
    profile_url: str = strawberry.field(
        description="The profile's canonical address, https://www.tiktok.com/@handle."
    )
    followers_count: Count | None = strawberry.field(description="Followers, exact.")
    following_count: Count | None = strawberry.field(description="Accounts followed, exact.")
    likes_count: Count | None = strawberry.field(
        description="Likes received across all videos, exact."
    )
    videos_count: Count | None = strawberry.field(description="Videos posted.")
    visibility: Visibility = strawberry.field(description="Whether the account is private.")
    verified: bool = strawberry.field(description="Whether TikTok has verified the account.")
    avatar: ResponsiveImage | None = strawberry.field(description="The profile picture.")


@strawberry.type(description="A preview of a TikTok creator's profile (type TIKTOK_USER).")
class TiktokUserPreview(LinkPreview):
    tiktok_user: TiktokUser = strawberry.field(description="The creator's profile.")
