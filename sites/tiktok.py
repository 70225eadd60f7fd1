"""TikTok profiles (`https://www.tiktok.com/@handle`) as TIKTOK_USER previews.

Where TikTok keeps a profile (ARCHITECTURE.md), read in this order, most exact first:

1. `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` → `__DEFAULT_SCOPE__` →
   `webapp.user-detail` → `userInfo`: `user` plus `statsV2` (exact counts, as strings) and
   `stats` (rounded on current pages: 783400 where statsV2 says 783427). statsV2 wins field by
   field. `statusCode` 10222 marks a private account (as yt-dlp reads it).
2. The same `userInfo` shape in `__NEXT_DATA__` (`props.pageProps`), as 2020-21 pages had it.
3. `<script id="SIGI_STATE">` → `UserModule.users` / `UserModule.stats` (2022-23 pages).
4. The JSON-LD `ProfilePage`: exact like and follower counts (`interactionStatistic`), no
   following or video counts, no id; "verified" is its `disambiguatingDescription`.
5. OpenGraph alone: name and handle from `og:title` ("Name (@handle) | TikTok") and the
   avatar from `og:image`. `og:description` only carries rounded counts ("3.9M Likes"), so
   counts stay None rather than pass rounded figures off as exact; verification is unknown
   and reported as False, visibility as PUBLIC (TikTok served the profile page).

A TikTok page without any of these (a video page, an error page) is not a user: None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from extraction.urls import absolute_http_url
from previews.record import ImageRef, LinkType, TiktokUser, Visibility
from sites.base import SiteExtract, SiteRule
from sites.values import first_count, interaction_counts, json_path, json_script, text_value

PROFILE_URL: Final = "https://www.tiktok.com/@{}"
PRIVATE_STATUS: Final = 10222
_HOSTS: Final = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
_PROFILE_PATH: Final = re.compile(r"/@([A-Za-z0-9_.]{1,64})/?")
# Sizes TikTok writes into image URLs: "~tplv-tiktokx-cropcenter:720:720", "~c5_720x720".
_URL_SIZE: Final = re.compile(r"~(?:tplv-[\w-]+:(\d{1,5}):(\d{1,5})|c5_(\d{1,5})x(\d{1,5}))")
_OG_TITLE: Final = re.compile(r"(?P<name>.*?) \(@(?P<handle>[A-Za-z0-9_.]{1,64})\) \| TikTok")
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AVATAR_KEYS: Final = ("avatarLarger", "avatarMedium", "avatarThumb")
# Each count, under the names the exact and the rounded stats use; the first number found
# wins. In the legacy `stats`, `heart` held likes past 2^31 where `heartCount` overflowed.
_COUNTS: Final = {
    "followers_count": (("followerCount",), ("followerCount",)),
    "following_count": (("followingCount",), ("followingCount",)),
    "likes_count": (("heartCount", "heart"), ("heart", "heartCount")),
    "videos_count": (("videoCount",), ("videoCount",)),
}


def profile_handle(url: str) -> str | None:
    """The handle in a TikTok profile URL (`tiktok.com/@handle`, `m.` or `www.`), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or host not in _HOSTS:
        return None
    match = _PROFILE_PATH.fullmatch(parts.path)
    return match.group(1) if match else None


def matches_profile(url: str) -> bool:
    return profile_handle(url) is not None


def read_profile(url: str, page: ParsedPage) -> SiteExtract | None:
    """The profile on a TikTok page, from the most exact source that has it."""
    handle = profile_handle(url)
    user = (
        _from_universal_data(page)
        or _from_next_data(page)
        or _from_sigi_state(page, handle)
        or _from_json_ld(page, handle)
        or _from_open_graph(page, handle)
    )
    if user is None:
        return None
    title = f"{user.name} (@{user.username})" if user.name else f"@{user.username}"
    return SiteExtract(
        link_type=LinkType.TIKTOK_USER,
        details=user,
        title=title,
        description=user.bio,
        image=user.avatar,
    )


def _from_universal_data(page: ParsedPage) -> TiktokUser | None:
    data = json_script(page, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    detail = json_path(data, "__DEFAULT_SCOPE__", "webapp.user-detail")
    if not isinstance(detail, dict):
        return None
    info = detail.get("userInfo")
    if not isinstance(info, dict):
        return None
    return _user(info.get("user"), info.get("statsV2"), info.get("stats"), detail.get("statusCode"))


def _from_next_data(page: ParsedPage) -> TiktokUser | None:
    props = json_path(json_script(page, "__NEXT_DATA__"), "props", "pageProps")
    if not isinstance(props, dict):
        return None
    info = props.get("userInfo")
    if not isinstance(info, dict):
        return None
    return _user(info.get("user"), info.get("statsV2"), info.get("stats"), props.get("statusCode"))


def _from_sigi_state(page: ParsedPage, handle: str | None) -> TiktokUser | None:
    data = json_script(page, "SIGI_STATE")
    users = json_path(data, "UserModule", "users")
    if not isinstance(users, dict) or not users:
        return None
    stats = json_path(data, "UserModule", "stats")
    key = _pick_key(users, handle)
    status = json_path(data, "UserPage", "statusCode")
    entry_stats = stats.get(key) if isinstance(stats, dict) else None
    return _user(users.get(key), None, entry_stats, status)


def _from_json_ld(page: ParsedPage, handle: str | None) -> TiktokUser | None:
    for obj in page.json_ld:
        person = obj.get("mainEntity") if "ProfilePage" in types_of(obj) else None
        if not isinstance(person, dict):
            continue
        username = first_text(person, "alternateName", "identifier") or handle
        if not username:
            continue
        counts = interaction_counts(person.get("interactionStatistic"))
        return TiktokUser(
            username=username,
            profile_url=PROFILE_URL.format(username),
            visibility=Visibility.PUBLIC,
            verified=person.get("disambiguatingDescription") == "verified",
            name=first_text(person, "name"),
            bio=first_text(person, "description"),
            url=_bio_link(first_url(person, "sameAs")),
            followers_count=counts.get("FollowAction"),
            likes_count=counts.get("LikeAction"),
            avatar=_avatar(first_url(person, "image")),
        )
    return None


def _from_open_graph(page: ParsedPage, handle: str | None) -> TiktokUser | None:
    match = _OG_TITLE.fullmatch((page.first("og:title") or "").strip())
    if match is None or handle is None or match.group("handle").lower() != handle.lower():
        return None
    username = match.group("handle")
    return TiktokUser(
        username=username,
        profile_url=PROFILE_URL.format(username),
        visibility=Visibility.PUBLIC,
        verified=False,
        name=match.group("name").strip() or None,
        avatar=_avatar(page.resolve(page.first("og:image"))),
    )


def _user(user: object, exact: object, rounded: object, status: object) -> TiktokUser | None:
    """A TiktokUser from TikTok's `user` object and its stats, or None without a handle."""
    if not isinstance(user, dict):
        return None
    username = user.get("uniqueId")
    if not isinstance(username, str) or not username.strip():
        return None
    username = username.strip()
    private = user.get("privateAccount") is True or status == PRIVATE_STATUS
    exact_stats = exact if isinstance(exact, dict) else {}
    rounded_stats = rounded if isinstance(rounded, dict) else {}
    counts = {
        field: first_count(exact_stats, exact_keys) or first_count(rounded_stats, rounded_keys)
        for field, (exact_keys, rounded_keys) in _COUNTS.items()
    }
    avatar_url = next(
        (value for key in _AVATAR_KEYS if isinstance(value := user.get(key), str) and value),
        None,
    )
    bio_link = user.get("bioLink")
    return TiktokUser(
        username=username,
        profile_url=PROFILE_URL.format(username),
        visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
        verified=user.get("verified") is True,
        id=text_value(user.get("id")),
        name=text_value(user.get("nickname")),
        bio=text_value(user.get("signature")),
        url=_bio_link(bio_link.get("link") if isinstance(bio_link, dict) else None),
        followers_count=counts["followers_count"],
        following_count=counts["following_count"],
        likes_count=counts["likes_count"],
        videos_count=counts["videos_count"],
        avatar=_avatar(avatar_url),
    )


def _avatar(url: str | None) -> ImageRef | None:
    """The avatar with the size TikTok writes into its URL, when it does."""
    source = absolute_http_url(url, "https://www.tiktok.com/") if url else None
    if source is None:
        return None
    match = _URL_SIZE.search(source)
    if match is None:
        return ImageRef(source_url=source)
    width, height = (int(group) for group in match.groups() if group is not None)
    return ImageRef(source_url=source, width=width or None, height=height or None)


def _bio_link(link: str | None) -> str | None:
    """The bio link as an absolute URL: TikTok stores "twitch.tv/x" without a scheme."""
    if not link or not link.strip():
        return None
    link = link.strip()
    if not _SCHEME.match(link):
        link = "https://" + link.lstrip("/")
    url = absolute_http_url(link, "https://invalid.invalid/")
    host = urlsplit(url).hostname if url else None
    return url if host and "." in host else None


def _pick_key(users: Mapping[str, Any], handle: str | None) -> str:
    """The entry for the URL's handle (case-insensitive), else the first one."""
    if handle:
        for key, user in users.items():
            unique_id = user.get("uniqueId") if isinstance(user, dict) else None
            if handle.lower() in (key.lower(), str(unique_id).lower()):
                return key
    return next(iter(users))


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="tiktok-profile",
        link_type=LinkType.TIKTOK_USER,
        matches=matches_profile,
        extract=read_profile,
    ),
)
