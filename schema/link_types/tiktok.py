"""TikTok's typed objects: a creator's profile and a video."""

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
    record.TiktokUser,
    key="tiktok_user",
    preview="A preview of a TikTok creator's profile (type TIKTOK_USER).",
    field="The creator's profile.",
)
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


@link_kind(
    record.TiktokVideo,
    key="tiktok_video",
    preview="A preview of a TikTok video (type TIKTOK_VIDEO).",
    field="The video.",
)
@strawberry.type(description="A TikTok video.")
class TiktokVideo:
    id: strawberry.ID | None = strawberry.field(description="TikTok's numeric id of the video.")
    user: TiktokUser | None = strawberry.field(description="The creator who posted the video.")
    published_at: datetime | None = strawberry.field(description="When the video was posted.")
    text: str | None = strawberry.field(
        description="The video's caption, with its hashtags and mentions as written."
    )
    media: list[MediaItem] = strawberry.field(
        description="The video itself (or a photo post's photos), with poster frames; empty "
        "when the page shows none."
    )
    likes_count: Count | None = strawberry.field(description="Likes the video has received.")
    comments_count: Count | None = strawberry.field(description="Comments on the video.")
    plays_count: Count | None = strawberry.field(description="Times the video has been played.")
    shares_count: Count | None = strawberry.field(description="Times the video has been shared.")
    duration: float | None = strawberry.field(description="Length of the video in seconds.")
