"""TikTok videos and photo posts (`https://www.tiktok.com/@handle/video/<id>`) as TIKTOK_VIDEO.

Only URLs that carry the id are claimed: `/@handle/video/<id>`, `/@handle/photo/<id>` and the
old `m.tiktok.com/v/<id>.html`. A `vm.tiktok.com/<code>` short link names no video until it
is followed, and the redirect target is then matched on its own.

Where TikTok keeps a video, read in this order, most exact first:

1. `__UNIVERSAL_DATA_FOR_REHYDRATION__` → `__DEFAULT_SCOPE__` → `webapp.video-detail` →
   `itemInfo.itemStruct`: id, desc, createTime, `author` (the profile's user shape, with
   `authorStatsV2`/`authorStats`), `statsV2`/`stats`, `video` (cover, size, duration) and
   `imagePost` for photo posts.
2. The same `itemStruct` in `__NEXT_DATA__` (`props.pageProps.itemInfo`), 2020-21 pages.
3. `SIGI_STATE` → `ItemModule[<id>]`, whose `author` is a handle looked up in `UserModule`.
4. A JSON-LD `VideoObject`; 5. OpenGraph, which only confirms the video (`og:url` names its
   id) and gives the cover.
6. The oEmbed answer (`www.tiktok.com/oembed`) fills what the page left out: the caption (its
   `title`), the author (`author_url`, `author_name`) and the cover (`thumbnail_url`); alone, it
   is the video. TikTok often serves a shell page (title "TikTok - Make Your Day", no data);
   the caption is then the preview's title too.

Counts are TikTok's own figures, statsV2 before stats, as the profile rule reads them; on
current video pages both are already rounded by TikTok (25500 likes), and nothing on the page
says so, so they are passed on as TikTok states them. The counts in `og:description`
("25.5K Likes") are rounded text and are never read. `video.playAddr` is a signed address
bound to TikTok's cookies that plays nowhere else, so MediaItem.url stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import msgspec

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import (
    ImageRef,
    LinkType,
    MediaItem,
    MediaKind,
    TiktokUser,
    TiktokVideo,
    Visibility,
)
from sites.base import SiteExtract, SiteRule, match_url, one_of, url_pattern
from sites.tiktok_data import HOSTS, PROFILE, PROFILE_URL, tiktok_image, tiktok_user
from sites.values import (
    first_count,
    interaction_counts,
    iso_datetime,
    iso_duration,
    json_path,
    json_script,
    text_value,
    unix_time,
    whole_number,
)

VIDEO_URL: Final = url_pattern(
    one_of(HOSTS)
    + r"/@(?P<handle>[A-Za-z0-9_.]{1,64})/(?:video|photo)/(?P<id>\d{1,25})/?"
    # The old mobile address.
    + r"|m\.tiktok\.com/v/(?P<mobile_id>\d{1,25})(?:\.html)?/?"
)
_HANDLE: Final = re.compile(r"@?([A-Za-z0-9_.]{1,64})")
_COUNTS: Final = {
    "likes_count": "diggCount",
    "comments_count": "commentCount",
    "plays_count": "playCount",
    "shares_count": "shareCount",
}


@dataclass(frozen=True, slots=True)
class VideoUrl:
    video_id: str
    handle: str | None


def video_url(url: str) -> VideoUrl | None:
    """The video id (and author handle, when the URL names one) of a TikTok post URL."""
    found = match_url(VIDEO_URL, url)
    return _video_url(found) if found else None


def _video_url(found: re.Match[str]) -> VideoUrl:
    return VideoUrl(found.group("id") or found.group("mobile_id"), found.group("handle"))


def read_video(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    """The video on a TikTok page, from the most exact source that has it."""
    target = _video_url(found)
    own = (
        _from_item(_universal_item(page), None, target)
        or _from_item(_next_data_item(page), None, target)
        or _from_sigi_state(page, target)
        or _from_json_ld(page, target)
    )
    video = _with_oembed(own or _from_open_graph(page, target), page, target)
    if video is None:
        return None
    cover = video.media[0].image if video.media else None
    # A page without the video's own data is a shell whose title is TikTok's placeholder
    # ("TikTok - Make Your Day"): the caption, from the oEmbed, is the better title then.
    title = video.text if own is None or own.text is None else None
    return SiteExtract(details=video, title=title, description=video.text, image=cover)


def _universal_item(page: ParsedPage) -> object:
    data = json_script(page, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    return json_path(data, "__DEFAULT_SCOPE__", "webapp.video-detail", "itemInfo", "itemStruct")


def _next_data_item(page: ParsedPage) -> object:
    data = json_script(page, "__NEXT_DATA__")
    return json_path(data, "props", "pageProps", "itemInfo", "itemStruct")


def _from_sigi_state(page: ParsedPage, target: VideoUrl) -> TiktokVideo | None:
    data = json_script(page, "SIGI_STATE")
    items = json_path(data, "ItemModule")
    if not isinstance(items, dict) or not items:
        return None
    item = items.get(target.video_id)
    if item is None and len(items) == 1:
        item = next(iter(items.values()))
    users = json_path(data, "UserModule")
    return _from_item(item, users if isinstance(users, dict) else None, target)


def _from_item(
    item: object, users: dict[str, object] | None, target: VideoUrl
) -> TiktokVideo | None:
    """A TiktokVideo from TikTok's item object; `users` is SIGI_STATE's UserModule, where the
    item names its author only by handle."""
    if not isinstance(item, dict) or not item:
        return None
    author = item.get("author")
    if isinstance(author, str) and users is not None:
        entry = json_path(users, "users", author)
        user = tiktok_user(entry, None, json_path(users, "stats", author), None)
    else:
        user = tiktok_user(author, item.get("authorStatsV2"), item.get("authorStats"), None)
    exact, rounded = _object(item.get("statsV2")), _object(item.get("stats"))
    counts = {
        field: first_count(exact, (key,)) or first_count(rounded, (key,))
        for field, key in _COUNTS.items()
    }
    details = _object(item.get("video"))
    duration = whole_number(details.get("duration"))
    return TiktokVideo(
        id=text_value(item.get("id")) or target.video_id,
        user=user or _user_from_handle(target.handle, None),
        published_at=unix_time(item.get("createTime")),
        text=text_value(item.get("desc")),
        media=_photos(item.get("imagePost")) or _video_media(details),
        likes_count=counts["likes_count"],
        comments_count=counts["comments_count"],
        plays_count=counts["plays_count"],
        shares_count=counts["shares_count"],
        duration=float(duration) if duration else None,
    )


def _video_media(video: dict[str, object]) -> tuple[MediaItem, ...]:
    cover = next(
        (
            image
            for key in ("cover", "originCover", "dynamicCover")
            if (image := tiktok_image(video.get(key))) is not None
        ),
        None,
    )
    width, height = whole_number(video.get("width")), whole_number(video.get("height"))
    duration = whole_number(video.get("duration"))
    if cover is None and not (width and height) and not duration:
        return ()
    return (
        MediaItem(
            kind=MediaKind.VIDEO,
            image=cover,
            width=width or None,
            height=height or None,
            duration=float(duration) if duration else None,
        ),
    )


def _photos(image_post: object) -> tuple[MediaItem, ...]:
    """A photo post's images: `imagePost.images[].imageURL.urlList`, first URL each."""
    images = json_path(image_post, "images")
    if not isinstance(images, list):
        return ()
    media: list[MediaItem] = []
    for image in images[:35]:  # TikTok allows 35 photos a post
        urls = json_path(image, "imageURL", "urlList")
        first = urls[0] if isinstance(urls, list) and urls else None
        picture = tiktok_image(first)
        if picture is None or not isinstance(image, dict):
            continue
        width, height = (
            whole_number(image.get("imageWidth")),
            whole_number(image.get("imageHeight")),
        )
        media.append(
            MediaItem(
                kind=MediaKind.IMAGE,
                image=ImageRef(picture.source_url, width or None, height or None),
                width=width or None,
                height=height or None,
            )
        )
    return tuple(media)


def _from_json_ld(page: ParsedPage, target: VideoUrl) -> TiktokVideo | None:
    for obj in page.json_ld:
        if not isinstance(obj, dict) or "VideoObject" not in types_of(obj):
            continue
        creator = obj.get("creator") or obj.get("author")
        creator = creator[0] if isinstance(creator, list) and creator else creator
        handle = target.handle
        name = None
        if isinstance(creator, dict):
            handle = _handle(first_text(creator, "alternateName")) or handle
            name = first_text(creator, "name")
        counts = interaction_counts(obj.get("interactionStatistic"))
        thumbnail = tiktok_image(first_url(obj, "thumbnailUrl"))
        duration = iso_duration(first_text(obj, "duration"))
        media = (MediaItem(kind=MediaKind.VIDEO, image=thumbnail, duration=duration),)
        return TiktokVideo(
            id=target.video_id,
            user=_user_from_handle(handle, name),
            published_at=iso_datetime(first_text(obj, "uploadDate", "datePublished")),
            text=first_text(obj, "description", "name"),
            media=media if thumbnail or duration else (),
            likes_count=counts.get("LikeAction"),
            comments_count=whole_number(obj.get("commentCount")) or counts.get("CommentAction"),
            plays_count=counts.get("WatchAction"),
            shares_count=counts.get("ShareAction"),
            duration=duration,
        )
    return None


def _with_oembed(
    video: TiktokVideo | None, page: ParsedPage, target: VideoUrl
) -> TiktokVideo | None:
    """`video` with what the page's own data left out (the caption, the author, the cover)
    taken from TikTok's oEmbed answer, which names all three; the oEmbed's reading alone when
    the page had nothing."""
    oembed = page.oembed
    if oembed is None or oembed.type not in ("video", "rich"):
        return video
    handle = _handle_from_url(oembed.author_url) or target.handle
    thumbnail = tiktok_image(oembed.thumbnail_url)
    if thumbnail is not None:
        thumbnail = ImageRef(thumbnail.source_url, oembed.thumbnail_width, oembed.thumbnail_height)
    if video is None:
        return TiktokVideo(
            id=target.video_id,
            user=_user_from_handle(handle, oembed.author_name),
            text=oembed.title,
            media=(MediaItem(kind=MediaKind.VIDEO, image=thumbnail),) if thumbnail else (),
        )
    user = video.user
    if user is None:
        user = _user_from_handle(handle, oembed.author_name)
    elif user.name is None and handle and handle.lower() == user.username.lower():
        user = msgspec.structs.replace(user, name=oembed.author_name)
    media = video.media
    if thumbnail is not None and not media:
        media = (MediaItem(kind=MediaKind.VIDEO, image=thumbnail),)
    elif thumbnail is not None and media[0].image is None:
        media = (msgspec.structs.replace(media[0], image=thumbnail), *media[1:])
    return msgspec.structs.replace(video, user=user, text=video.text or oembed.title, media=media)


def _from_open_graph(page: ParsedPage, target: VideoUrl) -> TiktokVideo | None:
    canonical = video_url(page.first("og:url") or "")
    if canonical is None or canonical.video_id != target.video_id:
        return None
    cover = tiktok_image(page.resolve(page.first("og:image")))
    return TiktokVideo(
        id=target.video_id,
        user=_user_from_handle(canonical.handle or target.handle, None),
        media=(MediaItem(kind=MediaKind.VIDEO, image=cover),) if cover else (),
    )


def _object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _user_from_handle(handle: str | None, name: str | None) -> TiktokUser | None:
    """The author as far as a handle shows it; verification is unknown and reported False,
    as the profile rule's OpenGraph reading does."""
    if not handle:
        return None
    return TiktokUser(
        username=handle,
        profile_url=PROFILE_URL.format(handle),
        visibility=Visibility.PUBLIC,
        verified=False,
        name=name,
    )


def _handle(text: str | None) -> str | None:
    match = _HANDLE.fullmatch(text.strip()) if text else None
    return match.group(1) if match else None


def _handle_from_url(url: str | None) -> str | None:
    match = match_url(PROFILE, url) if url else None
    return match.group("handle") if match else None


RULE: Final = SiteRule(
    name="tiktok-video",
    link_type=LinkType.TIKTOK_VIDEO,
    url=VIDEO_URL,
    extract=read_video,
)
