"""Instagram posts (`/p/<code>/`, `/reel/<code>/`, `/tv/<code>/`) and profiles (`/<name>/`).

Sources, most exact first. Instagram's page state lives in `<script type="application/json"
data-sjs>` elements without an id, which ParsedPage does not keep, so:

1. JSON-LD, which 2017-19 pages carried: an `ImageObject`/`VideoObject` (or
   `SocialMediaPosting`) with the caption, upload time, exact comment count and likes
   (`interactionStatistic`), the author's handle as `alternateName` "@name"; profiles as a
   `ProfilePage`/`Person` with exact follower counts.
2. oEmbed: the author's handle (`author_name`) and the caption (`title`).
3. OpenGraph and meta. Posts: og:title `Name on Instagram: "caption"` (the whole caption;
   og:description cuts it), og:description `298K likes, 553 comments - name on May 29, 2021:
   …`, twitter:title `Name (@name) • Instagram photo`, `instapp:owner_user_id`, og:image, and
   og:video for videos. Profiles: og:title `Name (@name) • Instagram photos and videos`,
   og:description `2,362 Followers, 136 Following, 224 Posts - …`, and the bio in the
   `description` meta after `on Instagram: "`.

Counts in these tags are exact when written as plain digits with thousands commas ("2,362",
"553"); Instagram switches to "298K" or "1.2M" for large ones, which are rounded, so those
stay None. The date in og:description is a calendar day without a time zone, so
`published_at` stays None rather than invent an instant.
"""

from __future__ import annotations

import re
from typing import Final

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import ImageRef, InstagramPost, InstagramUser, LinkType, MediaItem, MediaKind
from sites.base import SiteExtract, SiteRule, none_of, one_of, url_pattern
from sites.values import (
    as_list,
    interaction_counts,
    iso_datetime,
    page_image,
    whole_number,
    written_count,
)

PROFILE_URL: Final = "https://www.instagram.com/{}/"
HOSTS: Final = frozenset({"instagram.com", "www.instagram.com", "m.instagram.com"})
RESERVED: Final = frozenset(
    {
        "about", "accounts", "api", "challenge", "developer", "direct", "emails", "explore",
        "graphql", "legal", "oauth", "p", "press", "reel", "reels", "static", "stories", "tv",
        "web", "data", "privacy", "terms", "directory", "session", "ar", "create",
    }
)  # fmt: skip
_NAME: Final = r"[A-Za-z0-9_.]{1,30}"
POST_URL: Final = url_pattern(
    one_of(HOSTS) + rf"/(?:{_NAME}/)?(?:p|reel|reels|tv)/(?P<code>[A-Za-z0-9_-]{{5,64}})/?"
)
USER_URL: Final = url_pattern(one_of(HOSTS) + rf"/{none_of(RESERVED)}(?P<user>{_NAME})/?")
_CAPTION_TITLE: Final = re.compile(
    r"(?P<name>.+?) on Instagram: [\"“](?P<caption>.*)[\"”]", re.DOTALL
)
_HANDLE_TITLE: Final = re.compile(rf"(?P<name>.*?) ?\(@(?P<handle>{_NAME})\) • Instagram.*")
_POST_COUNTS: Final = re.compile(
    rf"(?:(?P<likes>\S+) likes?, )?(?P<comments>\S+) comments? - (?P<handle>{_NAME}) on "
)
_PROFILE_COUNTS: Final = re.compile(
    r"(?P<followers>\S+) Followers, (?P<following>\S+) Following, (?P<posts>\S+) Posts\b"
)
_BIO: Final = re.compile(r".* on Instagram: \"(?P<bio>.*)\"", re.DOTALL)


def read_post(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    code = found.group("code")
    post = _post_from_json_ld(page, code) or _post_from_oembed(page, code)
    post = post or _post_from_open_graph(page, code)
    if post is None:
        return None
    who = (post.user.name or post.user.username) if post.user else None
    title = f"{who} on Instagram: “{post.text}”" if who and post.text else None
    image = next((item.image for item in post.media if item.image is not None), None)
    return SiteExtract(
        details=post,
        title=title,
        description=post.text,
        image=image,
    )


def read_user(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    name = found.group("user")
    user = _user_from_json_ld(page, name) or _user_from_open_graph(page, name)
    if user is None:
        return None
    title = f"{user.name} (@{user.username})" if user.name else f"@{user.username}"
    return SiteExtract(
        details=user,
        title=title,
        description=user.bio,
        image=user.avatar,
    )


def _post_from_json_ld(page: ParsedPage, code: str) -> InstagramPost | None:
    kinds = {"ImageObject": MediaKind.IMAGE, "VideoObject": MediaKind.VIDEO}
    for obj in page.json_ld:
        types = types_of(obj)
        if not types & {"ImageObject", "VideoObject", "SocialMediaPosting"}:
            continue
        author = next((a for a in as_list(obj.get("author")) if isinstance(a, dict)), None)
        user = None
        handle = _handle(first_text(author, "alternateName", "identifier")) if author else None
        if author is not None and handle:
            user = InstagramUser(
                username=handle,
                profile_url=PROFILE_URL.format(handle),
                name=first_text(author, "name") or _og_name(page),
                id=page.first("instapp:owner_user_id"),
            )
        kind = next((kinds[t] for t in types if t in kinds), None)
        media: tuple[MediaItem, ...] = ()
        image = page_image(page, first_url(obj, "thumbnailUrl") or first_url(obj, "contentUrl"))
        image = image or _og_image(page)
        if kind is not None:
            video = page.resolve(first_url(obj, "contentUrl")) if kind is MediaKind.VIDEO else None
            media = (MediaItem(kind=kind, image=image, url=video),)
        counts = interaction_counts(obj.get("interactionStatistic"))
        return InstagramPost(
            id=code,
            user=user,
            published_at=iso_datetime(obj.get("uploadDate") or obj.get("datePublished")),
            text=first_text(obj, "caption", "articleBody"),
            media=media,
            likes_count=counts.get("LikeAction"),
            comments_count=whole_number(obj.get("commentCount")) or counts.get("CommentAction"),
        )
    return None


def _post_from_oembed(page: ParsedPage, code: str) -> InstagramPost | None:
    oembed = page.oembed
    handle = _handle(oembed.author_name) if oembed else None
    if oembed is None or handle is None:
        return None
    user = InstagramUser(username=handle, profile_url=PROFILE_URL.format(handle))
    image = page_image(page, oembed.thumbnail_url, oembed.thumbnail_width, oembed.thumbnail_height)
    media = (MediaItem(kind=MediaKind.IMAGE, image=image),) if image else ()
    return InstagramPost(id=code, user=user, text=oembed.title, media=media)


def _post_from_open_graph(page: ParsedPage, code: str) -> InstagramPost | None:
    caption_match = _CAPTION_TITLE.fullmatch((page.first("og:title") or "").strip())
    handle_match = _HANDLE_TITLE.fullmatch((page.first("twitter:title") or "").strip())
    counts = _POST_COUNTS.match(page.first("og:description", "description") or "")
    handle = handle_match.group("handle") if handle_match else None
    handle = handle or (counts.group("handle") if counts else None)
    if caption_match is None and handle is None:
        return None
    name = caption_match.group("name") if caption_match else None
    name = name or (handle_match.group("name") if handle_match else None)
    user = None
    if handle:
        user = InstagramUser(
            username=handle,
            profile_url=PROFILE_URL.format(handle),
            name=name.strip() if name and name.strip() else None,
            id=page.first("instapp:owner_user_id"),
        )
    return InstagramPost(
        id=code,
        user=user,
        text=caption_match.group("caption") if caption_match else None,
        media=_og_media(page),
        likes_count=written_count(counts.group("likes")) if counts else None,
        comments_count=written_count(counts.group("comments")) if counts else None,
    )


def _og_media(page: ParsedPage) -> tuple[MediaItem, ...]:
    image = _og_image(page)
    video = page.resolve(page.first("og:video:secure_url", "og:video", "og:video:url"))
    if video is not None:
        return (
            MediaItem(
                kind=MediaKind.VIDEO,
                image=image,
                url=video,
                width=whole_number(page.first("og:video:width")),
                height=whole_number(page.first("og:video:height")),
            ),
        )
    return (MediaItem(kind=MediaKind.IMAGE, image=image),) if image else ()


def _og_image(page: ParsedPage) -> ImageRef | None:
    return page_image(
        page,
        page.first("og:image", "twitter:image"),
        page.first("og:image:width"),
        page.first("og:image:height"),
    )


def _user_from_json_ld(page: ParsedPage, name: str) -> InstagramUser | None:
    for obj in page.json_ld:
        person = obj.get("mainEntity") if "ProfilePage" in types_of(obj) else obj
        if not isinstance(person, dict) or "Person" not in types_of(person):
            continue
        handle = _handle(first_text(person, "alternateName", "identifier"))
        if handle is None or handle.lower() != name.lower():
            continue
        counts = interaction_counts(person.get("interactionStatistic"))
        return InstagramUser(
            username=handle,
            profile_url=PROFILE_URL.format(handle),
            name=first_text(person, "name"),
            bio=first_text(person, "description"),
            url=page.resolve(first_url(person, "url")) if first_url(person, "url") else None,
            avatar=page_image(page, first_url(person, "image")),
            followers_count=counts.get("FollowAction"),
        )
    return None


def _user_from_open_graph(page: ParsedPage, name: str) -> InstagramUser | None:
    match = _HANDLE_TITLE.fullmatch((page.first("og:title") or page.title or "").strip())
    if match is None or match.group("handle").lower() != name.lower():
        return None
    handle = match.group("handle")
    counts = _PROFILE_COUNTS.match(page.first("og:description", "description") or "")
    bio = _BIO.fullmatch(page.first("description") or "")
    return InstagramUser(
        username=handle,
        profile_url=PROFILE_URL.format(handle),
        name=match.group("name").strip() or None,
        bio=bio.group("bio") if bio else None,
        avatar=page_image(page, page.first("og:image")),
        followers_count=written_count(counts.group("followers")) if counts else None,
        following_count=written_count(counts.group("following")) if counts else None,
        posts_count=written_count(counts.group("posts")) if counts else None,
    )


def _og_name(page: ParsedPage) -> str | None:
    match = _CAPTION_TITLE.fullmatch((page.first("og:title") or "").strip())
    return match.group("name").strip() or None if match else None


def _handle(value: str | None) -> str | None:
    handle = (value or "").strip().removeprefix("@")
    return handle if re.fullmatch(_NAME, handle) else None


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="instagram-post",
        link_type=LinkType.INSTAGRAM_POST,
        url=POST_URL,
        extract=read_post,
    ),
    SiteRule(
        name="instagram-user",
        link_type=LinkType.INSTAGRAM_USER,
        url=USER_URL,
        extract=read_user,
    ),
)
