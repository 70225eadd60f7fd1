"""X's (Twitter's) typed objects: a profile and a post."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.images import ResponsiveImage
from schema.link_types.registry import link_kind
from schema.link_types.shared import MediaItem
from schema.scalars import Count


@link_kind(
    record.XUser,
    key="x_user",
    preview="A preview of an X profile (type X_USER).",
    field="The profile.",
)
@strawberry.type(description="An X (Twitter) profile.")
class XUser:
    username: str = strawberry.field(description="The handle, without the @.")
    profile_url: str = strawberry.field(
        description="The profile's canonical address, https://x.com/handle."
    )
    id: strawberry.ID | None = strawberry.field(description="X's numeric id of the account.")
    name: str | None = strawberry.field(description="The display name.")
    bio: str | None = strawberry.field(description="The profile's biography.")
    location: str | None = strawberry.field(
        description="The location the profile states, free text as written."
    )
    url: str | None = strawberry.field(description="The website linked from the profile.")
    avatar: ResponsiveImage | None = strawberry.field(description="The profile picture.")
    cover: ResponsiveImage | None = strawberry.field(
        description="The wide header image at the top of the profile."
    )
    verified: bool | None = strawberry.field(
        description="Whether the account shows X's verified badge."
    )
    protected: bool | None = strawberry.field(
        description="Whether the account's posts are visible to approved followers only."
    )
    sensitive: bool | None = strawberry.field(
        description="Whether X marks the account as possibly showing sensitive content."
    )
    followers_count: Count | None = strawberry.field(description="Followers of the account.")
    following_count: Count | None = strawberry.field(description="Accounts it follows.")
    posts_count: Count | None = strawberry.field(description="Posts it has published.")
    joined_at: datetime | None = strawberry.field(description="When the account was created.")


@link_kind(
    record.XPost,
    key="x_post",
    preview="A preview of a post on X (type X_POST).",
    field="The post.",
)
@strawberry.type(description="A post on X (a tweet).")
class XPost:
    id: strawberry.ID | None = strawberry.field(description="X's numeric id of the post.")
    text: str | None = strawberry.field(description="The post's text as written.")
    user: XUser | None = strawberry.field(description="The account that posted it.")
    media: list[MediaItem] = strawberry.field(
        description="The post's photos and videos, in order; empty when it has none."
    )
    likes_count: Count | None = strawberry.field(description="Likes the post has received.")
    comments_count: Count | None = strawberry.field(description="Replies to the post.")
    views_count: Count | None = strawberry.field(description="Times the post has been viewed.")
    bookmarks_count: Count | None = strawberry.field(description="Times it has been bookmarked.")
    reposts_count: Count | None = strawberry.field(description="Times it has been reposted.")
    quotes_count: Count | None = strawberry.field(description="Times it has been quoted.")
    created_at: datetime | None = strawberry.field(description="When the post was written.")
    updated_at: datetime | None = strawberry.field(description="When the post was last edited.")
    published_at: datetime | None = strawberry.field(description="When the post was published.")
