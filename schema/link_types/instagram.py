"""Instagram's typed objects: a profile and a post."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.enums import Visibility
from schema.images import ResponsiveImage
from schema.link_types.registry import link_kind
from schema.link_types.shared import MediaItem
from schema.scalars import Count


@link_kind(
    record.InstagramUser,
    key="instagram_user",
    preview="A preview of an Instagram profile (type INSTAGRAM_USER).",
    field="The profile.",
)
@strawberry.type(description="An Instagram profile.")
class InstagramUser:
    username: str = strawberry.field(description="The handle, without the @.")
    profile_url: str = strawberry.field(
        description="The profile's canonical address, https://www.instagram.com/handle/."
    )
    id: strawberry.ID | None = strawberry.field(
        description="Instagram's numeric id of the account."
    )
    name: str | None = strawberry.field(description="The display name.")
    bio: str | None = strawberry.field(description="The profile's biography.")
    url: str | None = strawberry.field(description="The link in the bio.")
    avatar: ResponsiveImage | None = strawberry.field(description="The profile picture.")
    followers_count: Count | None = strawberry.field(description="Followers of the account.")
    following_count: Count | None = strawberry.field(description="Accounts it follows.")
    posts_count: Count | None = strawberry.field(description="Posts it has published.")
    visibility: Visibility | None = strawberry.field(description="Whether the account is private.")
    verified: bool | None = strawberry.field(
        description="Whether Instagram has verified the account."
    )


@link_kind(
    record.InstagramPost,
    key="instagram_post",
    preview="A preview of an Instagram post or reel (type INSTAGRAM_POST).",
    field="The post.",
)
@strawberry.type(description="An Instagram post or reel.")
class InstagramPost:
    id: strawberry.ID | None = strawberry.field(
        description="The post's shortcode, as in instagram.com/p/SHORTCODE."
    )
    user: InstagramUser | None = strawberry.field(description="The account that posted it.")
    published_at: datetime | None = strawberry.field(description="When the post was published.")
    text: str | None = strawberry.field(description="The post's caption as written.")
    media: list[MediaItem] = strawberry.field(
        description="The post's photos and videos, in carousel order; empty when none are shown."
    )
    likes_count: Count | None = strawberry.field(description="Likes the post has received.")
    comments_count: Count | None = strawberry.field(description="Comments on the post.")
