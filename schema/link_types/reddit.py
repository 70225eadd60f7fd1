"""Reddit's typed objects: an account, a subreddit and a post."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.enums import RedditPostKind
from schema.images import ResponsiveImage
from schema.link_types.registry import link_kind
from schema.link_types.shared import MediaItem
from schema.scalars import Count


@link_kind(
    record.RedditUser,
    key="reddit_user",
    preview="A preview of a Reddit account (type REDDIT_USER).",
    field="The account.",
)
@strawberry.type(description="A Reddit account (u/name).")
class RedditUser:
    username: str = strawberry.field(description="The account's name, without the u/.")
    name: str | None = strawberry.field(description="The display name, when set.")
    avatar: ResponsiveImage | None = strawberry.field(description="The profile picture.")
    banner: ResponsiveImage | None = strawberry.field(
        description="The wide banner image at the top of the profile."
    )
    bio: str | None = strawberry.field(description="The profile's description.")
    karma: Count | None = strawberry.field(
        description="Total karma, the points Reddit awards for upvoted posts and comments."
    )
    post_karma: Count | None = strawberry.field(description="Karma earned from posts.")
    comment_karma: Count | None = strawberry.field(description="Karma earned from comments.")
    joined_at: datetime | None = strawberry.field(description="When the account was created.")


@link_kind(
    record.RedditSubreddit,
    key="reddit_subreddit",
    preview="A preview of a subreddit (type REDDIT_SUBREDDIT).",
    field="The subreddit.",
)
@strawberry.type(description="A subreddit (r/name).")
class RedditSubreddit:
    name: str = strawberry.field(description="The subreddit's name, without the r/.")
    title: str | None = strawberry.field(description="The subreddit's title.")
    description: str | None = strawberry.field(
        description="The subreddit's public description, as plain text."
    )
    subscribers_count: Count | None = strawberry.field(description="Members of the subreddit.")
    active_users_count: Count | None = strawberry.field(
        description="Members online when the page was read."
    )
    created_at: datetime | None = strawberry.field(description="When the subreddit was created.")
    type: str | None = strawberry.field(
        description="Who may read and post, in Reddit's own word: public, restricted, private…"
    )
    nsfw: bool | None = strawberry.field(
        description="Whether the subreddit is marked as for adults only."
    )
    banner: ResponsiveImage | None = strawberry.field(
        description="The wide banner image at the top of the subreddit."
    )
    avatar: ResponsiveImage | None = strawberry.field(description="The subreddit's icon.")


@link_kind(
    record.RedditPost,
    key="reddit_post",
    preview="A preview of a Reddit post (type REDDIT_POST).",
    field="The post.",
)
@strawberry.type(description="A Reddit post.")
class RedditPost:
    id: strawberry.ID | None = strawberry.field(
        description="Reddit's base-36 id of the post, as in /comments/ID/."
    )
    title: str | None = strawberry.field(description="The post's title.")
    user: RedditUser | None = strawberry.field(description="The account that posted it.")
    subreddit: RedditSubreddit | None = strawberry.field(
        description="The subreddit it was posted in."
    )
    text: str | None = strawberry.field(description="The post's body text, for text posts.")
    post_type: RedditPostKind | None = strawberry.field(
        description="What the post carries: an image, a video, text or a link."
    )
    link_url: str | None = strawberry.field(
        description="Absolute URL a LINK post points to; null for other kinds."
    )
    media: list[MediaItem] = strawberry.field(
        description="The post's images and videos, in gallery order; empty when it has none."
    )
    likes_count: Count | None = strawberry.field(
        description="The post's score: upvotes less downvotes, as Reddit shows it."
    )
    comments_count: Count | None = strawberry.field(description="Comments on the post.")
    published_at: datetime | None = strawberry.field(description="When the post was published.")
    nsfw: bool | None = strawberry.field(
        description="Whether the post is marked as for adults only."
    )
