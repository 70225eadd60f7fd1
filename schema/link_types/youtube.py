"""YouTube's typed objects: a channel and a video."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.enums import Visibility
from schema.images import ResponsiveImage
from schema.link_types.registry import link_kind
from schema.scalars import Count


@link_kind(
    record.YoutubeUser,
    key="youtube_user",
    preview="A preview of a YouTube channel (type YOUTUBE_USER).",
    field="The channel.",
)
@strawberry.type(description="A YouTube channel.")
class YoutubeUser:
    channel_id: strawberry.ID | None = strawberry.field(
        description="YouTube's id of the channel (UC…)."
    )
    username: str | None = strawberry.field(
        description="The channel's handle without the @, when the page shows one."
    )
    name: str | None = strawberry.field(description="The channel's display name.")
    description: str | None = strawberry.field(description="The channel's own description.")
    url: str | None = strawberry.field(description="Absolute URL of the channel's page.")
    avatar: ResponsiveImage | None = strawberry.field(description="The channel's profile picture.")
    banner: ResponsiveImage | None = strawberry.field(
        description="The wide banner image at the top of the channel's page."
    )
    subscribers_count: Count | None = strawberry.field(
        description="Subscribers, as exact as YouTube states them (it rounds large counts)."
    )
    videos_count: Count | None = strawberry.field(description="Videos the channel has published.")
    views_count: Count | None = strawberry.field(
        description="Views across all the channel's videos."
    )
    joined_at: datetime | None = strawberry.field(description="When the channel was created.")
    visibility: Visibility | None = strawberry.field(
        description="Whether the channel's content is public."
    )
    is_family_safe: bool | None = strawberry.field(
        description="Whether YouTube marks the channel as suitable for all ages."
    )
    verified: bool | None = strawberry.field(
        description="Whether YouTube has verified the channel."
    )


@link_kind(
    record.YoutubeVideo,
    key="youtube_video",
    preview="A preview of a YouTube video (type YOUTUBE_VIDEO).",
    field="The video.",
)
@strawberry.type(description="A YouTube video (watch page, short or youtu.be link).")
class YoutubeVideo:
    video_id: strawberry.ID = strawberry.field(
        description="YouTube's 11-character id of the video, as in watch?v=ID."
    )
    user: YoutubeUser | None = strawberry.field(description="The channel that published it.")
    published_at: datetime | None = strawberry.field(description="When the video was published.")
    duration: int | None = strawberry.field(description="Length of the video in whole seconds.")
    views_count: Count | None = strawberry.field(description="Times the video has been viewed.")
    likes_count: Count | None = strawberry.field(description="Likes the video has received.")
    dislikes_count: Count | None = strawberry.field(
        description="Dislikes, where the page still states them (YouTube hides them since 2021)."
    )
    comments_count: Count | None = strawberry.field(description="Comments on the video.")
    rating: float | None = strawberry.field(
        description="Average rating out of 5 stars, where the page still states one."
    )
    thumbnail: ResponsiveImage | None = strawberry.field(description="The video's thumbnail image.")
