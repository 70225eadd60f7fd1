"""YouTube channels (/channel/UC…, /@handle, /c/name, /user/name) as YOUTUBE_USER, and the
readers of YouTube's data that the video rule (sites/youtube.py) shares.

A channel is read from `ytInitialData` (`channelMetadataRenderer` for name, id, handle,
description, avatar; `c4TabbedHeaderRenderer` or `pageHeaderRenderer` for the banner and the
verified badge), then from OpenGraph. YouTube publishes no oEmbed for channels. Subscriber
and video counts exist only as rounded, localised text and stay None (see sites/youtube.py).
"""

from __future__ import annotations

import re
from typing import Final

from extraction.jsondata import JsonPath
from extraction.page import ParsedPage
from model.record import ImageRef, LinkType, YoutubeUser
from sites.base import SiteExtract, SiteRule, match_url, one_of, url_pattern
from sites.values import json_path, text_value, whole_number

HOSTS: Final = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
_CHANNEL_ID: Final = re.compile(r"UC[A-Za-z0-9_-]{22}")
CHANNEL_URL: Final = url_pattern(
    one_of(HOSTS) + r"/(?:channel/(?P<id>UC[A-Za-z0-9_-]{22})|@(?P<handle>[\w.-]{1,100})"
    r"|(?:c|user)/[\w.-]{1,100})"
    r"(?:/(?:featured|videos|shorts|streams|playlists|community|about))?/?"
)
# The two parts of ytInitialData a channel is read from, each read in one pass that skips
# the rest (the channel page's list of videos is most of its half megabyte).
_METADATA: Final = JsonPath("metadata")
_HEADER: Final = JsonPath("header")
_VERIFIED_BADGES: Final = frozenset(
    {"BADGE_STYLE_TYPE_VERIFIED", "BADGE_STYLE_TYPE_VERIFIED_ARTIST"}
)


def channel_path(url: str) -> re.Match[str] | None:
    return match_url(CHANNEL_URL, url)


def read_channel(match: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    state = page.json_scripts.get("ytInitialData")
    data = {"metadata": _METADATA.read(state), "header": _HEADER.read(state)}
    user = _channel_from_data(data) or _channel_from_open_graph(page, match)
    if user is None:
        return None
    return SiteExtract(
        details=user,
        title=user.name,
        description=user.description,
        image=user.avatar,
    )


def _channel_from_data(data: object) -> YoutubeUser | None:
    meta = as_object(json_path(data, "metadata", "channelMetadataRenderer"))
    c4 = as_object(json_path(data, "header", "c4TabbedHeaderRenderer"))
    view = as_object(
        json_path(data, "header", "pageHeaderRenderer", "content", "pageHeaderViewModel")
    )
    channel_id = valid_channel_id(meta.get("externalId")) or valid_channel_id(c4.get("channelId"))
    if channel_id is None:
        return None
    vanity = text_value(meta.get("vanityChannelUrl"))
    banner = best_image(json_path(c4, "banner", "thumbnails")) or best_image(
        json_path(view, "banner", "imageBannerViewModel", "image", "sources")
    )
    verified = verified_badge(c4.get("badges")) if c4 else None
    return YoutubeUser(
        channel_id=channel_id,
        username=channel_handle(vanity),
        name=text_value(meta.get("title")) or text_value(c4.get("title")),
        description=text_value(meta.get("description")),
        url=channel_url(vanity, channel_id),
        avatar=best_image(json_path(meta, "avatar", "thumbnails"))
        or best_image(json_path(c4, "avatar", "thumbnails")),
        banner=banner,
        is_family_safe=flag(meta.get("isFamilySafe")),
        verified=verified,
    )


def _channel_from_open_graph(page: ParsedPage, match: re.Match[str]) -> YoutubeUser | None:
    og_type = page.first("og:type") or ""
    if og_type not in ("profile", "yt-fb-app:channel") or not page.first("og:title"):
        return None
    canonical = channel_path(page.first("og:url") or "")
    channel_id = (canonical.group("id") if canonical else None) or match.group("id")
    return YoutubeUser(
        channel_id=channel_id,
        username=match.group("handle"),
        name=page.first("og:title"),
        description=page.first("og:description"),
        url=page.resolve(page.first("og:url")) or channel_url(None, channel_id),
        avatar=og_image(page),
    )


def best_image(candidates: object) -> ImageRef | None:
    """The widest of YouTube's `{url, width, height}` renditions."""
    best: ImageRef | None = None
    for item in candidates if isinstance(candidates, list) else []:
        source = as_object(item).get("url")
        if not isinstance(source, str) or not source.startswith(("https://", "http://", "//")):
            continue
        source = "https:" + source if source.startswith("//") else source
        width, height = (
            whole_number(as_object(item).get("width")),
            whole_number(as_object(item).get("height")),
        )
        if best is None or (width or 0) > (best.width or 0):
            best = ImageRef(source_url=source, width=width or None, height=height or None)
    return best


def og_image(page: ParsedPage) -> ImageRef | None:
    source = page.resolve(page.first("og:image"))
    if source is None:
        return None
    width = whole_number(page.first("og:image:width"))
    height = whole_number(page.first("og:image:height"))
    return ImageRef(source_url=source, width=width or None, height=height or None)


def channel_handle(url: str | None) -> str | None:
    """The handle (without "@") of a `youtube.com/@handle` URL."""
    match = channel_path(url) if url else None
    return match.group("handle") if match else None


def channel_url(profile_url: str | None, channel_id: str | None) -> str | None:
    if profile_url and channel_path(profile_url):
        handle = channel_handle(profile_url)
        if handle:
            return f"https://www.youtube.com/@{handle}"
    return f"https://www.youtube.com/channel/{channel_id}" if channel_id else None


def verified_badge(badges: object) -> bool:
    styles = {json_path(badge, "metadataBadgeRenderer", "style") for badge in _list(badges)}
    return bool(styles & _VERIFIED_BADGES)


def valid_channel_id(value: object) -> str | None:
    return value if isinstance(value, str) and _CHANNEL_ID.fullmatch(value) else None


def flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def as_object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


RULE: Final = SiteRule(
    name="youtube-channel",
    link_type=LinkType.YOUTUBE_USER,
    url=CHANNEL_URL,
    extract=read_channel,
)
