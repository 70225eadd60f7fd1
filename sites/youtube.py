"""YouTube videos (watch?v=, youtu.be/, /shorts/, /embed/, /live/) and channels (/channel/UC…,
/@handle, /c/name, /user/name) as YOUTUBE_VIDEO and YOUTUBE_USER.

Sources, most exact first. A video: `ytInitialPlayerResponse` (`videoDetails`: id, length,
exact view count, channel; `microformat.playerMicroformatRenderer`: dates, owner's profile
URL, family safety), with `ytInitialData`'s owner renderer for the channel's avatar and badge;
then the `itemprop` metas of pre-2020 pages (duration "PT4M13S", interactionCount,
datePublished); then a JSON-LD VideoObject; the oEmbed answer; OpenGraph, which only
confirms the video when its own URLs name the same id. Channels are read in
sites/youtube_channel.py. Both inline scripts reach us through `page.json_scripts`
(extraction/jsondata.py INLINE_STATE_NAMES).

Counts YouTube writes as text ("4,69 M de suscriptores", "1.2K videos", "3,4 mil likes") are
rounded and written in the viewer's locale, where "12 M" (12 million) and "532" look alike to
a parser that does not know every language, so subscriber, channel video and like counts
are left None: only numbers YouTube stores as numbers (viewCount, lengthSeconds,
interactionCount) are reported. A date without a time zone (old pages' "2016-09-27") is None
too, as sites/values.iso_datetime explains.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

import msgspec

from extraction.jsondata import JsonPath
from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import ImageRef, LinkType, YoutubeUser, YoutubeVideo
from sites.base import SiteExtract, SiteRule, match_url, one_of, url_pattern
from sites.values import (
    interaction_counts,
    iso_datetime,
    iso_duration,
    json_path,
    json_script,
    text_value,
    whole_number,
)
from sites.youtube_channel import (
    HOSTS,
    as_object,
    best_image,
    channel_handle,
    channel_url,
    flag,
    og_image,
    valid_channel_id,
    verified_badge,
)
from sites.youtube_channel import RULE as YOUTUBE_CHANNEL

_EMBED_HOSTS: Final = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com"})
# Read in one pass that skips the rest of ytInitialData (extraction/jsondata.JsonPath).
_OWNERS: Final = JsonPath(
    *("contents", "twoColumnWatchNextResults", "results", "results", "contents", "[]"),
    *("videoSecondaryInfoRenderer", "owner", "videoOwnerRenderer"),
)
_ID: Final = r"[A-Za-z0-9_-]{11}"
_VIDEO_ID: Final = re.compile(_ID)
VIDEO_URL: Final = url_pattern(
    rf"youtu\.be/+(?P<short_id>{_ID})/*"
    # watch?v=ID, wherever `v` sits in the query.
    rf"|{one_of(HOSTS)}/watch/*\?(?:.*?&)?v=(?P<watch_id>{_ID})(?:&.*)?"
    rf"|{one_of(HOSTS | _EMBED_HOSTS)}/(?:shorts|embed|live|v)/(?P<path_id>{_ID})/?"
)


def video_id(url: str) -> str | None:
    """The 11-character video id a YouTube video URL names, or None."""
    found = match_url(VIDEO_URL, url)
    return _video_id(found) if found else None


def _video_id(found: re.Match[str]) -> str:
    return str(found.group("short_id") or found.group("watch_id") or found.group("path_id"))


def read_video(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    target = _video_id(found)
    extract = (
        _video_from_player(page)
        or _video_from_microdata(page, target)
        or _video_from_json_ld(page, target)
        or _video_from_oembed(page, target)
        or _video_from_open_graph(page, target)
    )
    return _with_oembed(extract, page)


def _with_oembed(extract: SiteExtract | None, page: ParsedPage) -> SiteExtract | None:
    """The video with what its source left out (the channel, its name, the thumbnail) taken
    from YouTube's oEmbed answer, which names all three."""
    oembed = page.oembed
    if extract is None or oembed is None or oembed.type != "video":
        return extract
    video = extract.details
    if not isinstance(video, YoutubeVideo):
        return extract
    user = video.user
    if user is None and (oembed.author_name or oembed.author_url):
        user = YoutubeUser(
            name=oembed.author_name,
            url=oembed.author_url,
            username=channel_handle(oembed.author_url),
        )
    elif user is not None and user.name is None and oembed.author_name:
        user = msgspec.structs.replace(user, name=oembed.author_name)
    thumbnail = video.thumbnail
    if thumbnail is None and (source := page.resolve(oembed.thumbnail_url)):
        thumbnail = ImageRef(source, oembed.thumbnail_width, oembed.thumbnail_height)
    if user is video.user and thumbnail is video.thumbnail:
        return extract
    filled = msgspec.structs.replace(video, user=user, thumbnail=thumbnail)
    return dataclasses.replace(extract, details=filled, image=extract.image or thumbnail)


def _video_extract(video: YoutubeVideo, title: object, description: object) -> SiteExtract:
    return SiteExtract(
        details=video,
        title=text_value(title),
        description=text_value(description),
        image=video.thumbnail,
    )


def _video_from_player(page: ParsedPage) -> SiteExtract | None:
    player = json_script(page, "ytInitialPlayerResponse")
    details = as_object(json_path(player, "videoDetails"))
    found = details.get("videoId")
    if not isinstance(found, str) or not _VIDEO_ID.fullmatch(found):
        return None
    micro = as_object(json_path(player, "microformat", "playerMicroformatRenderer"))
    owner = _owner_renderer(page)
    channel_id = valid_channel_id(details.get("channelId")) or valid_channel_id(
        micro.get("externalChannelId")
    )
    handle_url = text_value(micro.get("ownerProfileUrl"))
    user = YoutubeUser(
        channel_id=channel_id,
        username=channel_handle(handle_url),
        name=text_value(details.get("author")) or text_value(micro.get("ownerChannelName")),
        url=channel_url(handle_url, channel_id),
        avatar=best_image(json_path(owner, "thumbnail", "thumbnails")),
        is_family_safe=flag(micro.get("isFamilySafe")),
        verified=verified_badge(owner.get("badges")) if owner else None,
    )
    published = micro.get("publishDate") or micro.get("uploadDate")
    video = YoutubeVideo(
        video_id=found,
        user=user if channel_id or user.name else None,
        published_at=iso_datetime(published),
        duration=whole_number(details.get("lengthSeconds")),
        views_count=whole_number(details.get("viewCount")),
        thumbnail=best_image(json_path(details, "thumbnail", "thumbnails"))
        or best_image(json_path(micro, "thumbnail", "thumbnails")),
    )
    return _video_extract(video, details.get("title"), details.get("shortDescription"))


def _owner_renderer(page: ParsedPage) -> dict[str, object]:
    """`videoSecondaryInfoRenderer.owner.videoOwnerRenderer` among the watch page's contents."""
    owners = _OWNERS.read(page.json_scripts.get("ytInitialData"))
    members = owners if isinstance(owners, list) else []
    return next((owner for owner in members if isinstance(owner, dict)), {})


def _video_from_microdata(page: ParsedPage, target: str) -> SiteExtract | None:
    """Pre-2020 watch pages: schema.org microdata as `<meta itemprop>` (keys lower-cased)."""
    declared = page.first("videoid")
    duration = iso_duration(page.first("duration"))
    views = whole_number(page.first("interactioncount"))
    if (declared is None or declared != target) and duration is None and views is None:
        return None
    channel_id = valid_channel_id(page.first("channelid"))
    user = YoutubeUser(channel_id=channel_id, url=channel_url(None, channel_id))
    video = YoutubeVideo(
        video_id=target,
        user=user if channel_id else None,
        published_at=iso_datetime(page.first("datepublished", "uploaddate")),
        duration=int(duration) if duration is not None else None,
        views_count=views,
        thumbnail=og_image(page),
    )
    return _video_extract(video, page.first("name"), None)


def _video_from_json_ld(page: ParsedPage, target: str) -> SiteExtract | None:
    for obj in page.json_ld:
        if not isinstance(obj, dict) or "VideoObject" not in types_of(obj):
            continue
        author = obj.get("author") or obj.get("creator")
        author = author[0] if isinstance(author, list) and author else author
        user = None
        if isinstance(author, dict) and (name := first_text(author, "name")):
            link = first_url(author, "url")
            user = YoutubeUser(name=name, url=link, username=channel_handle(link))
        counts = interaction_counts(obj.get("interactionStatistic"))
        duration = iso_duration(first_text(obj, "duration"))
        thumbnail = first_url(obj, "thumbnailUrl")
        video = YoutubeVideo(
            video_id=target,
            user=user,
            published_at=iso_datetime(first_text(obj, "uploadDate", "datePublished")),
            duration=int(duration) if duration is not None else None,
            views_count=counts.get("WatchAction"),
            likes_count=counts.get("LikeAction"),
            thumbnail=ImageRef(thumbnail) if thumbnail else None,
        )
        return _video_extract(video, first_text(obj, "name"), first_text(obj, "description"))
    return None


def _video_from_oembed(page: ParsedPage, target: str) -> SiteExtract | None:
    oembed = page.oembed
    if oembed is None or oembed.type != "video":
        return None
    user = None
    if oembed.author_name or oembed.author_url:
        user = YoutubeUser(
            name=oembed.author_name,
            url=oembed.author_url,
            username=channel_handle(oembed.author_url),
        )
    thumbnail = page.resolve(oembed.thumbnail_url)
    video = YoutubeVideo(
        video_id=target,
        user=user,
        thumbnail=ImageRef(thumbnail, oembed.thumbnail_width, oembed.thumbnail_height)
        if thumbnail
        else None,
    )
    return _video_extract(video, oembed.title, None)


def _video_from_open_graph(page: ParsedPage, target: str) -> SiteExtract | None:
    """OpenGraph confirms the video only when its own URLs name the same id."""
    named = {
        video_id(value) for value in (page.first("og:url"), page.first("og:video:url")) if value
    }
    if target not in named:
        return None
    video = YoutubeVideo(video_id=target, thumbnail=og_image(page))
    return _video_extract(video, None, None)


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="youtube-video",
        link_type=LinkType.YOUTUBE_VIDEO,
        url=VIDEO_URL,
        extract=read_video,
    ),
    YOUTUBE_CHANNEL,
)
