"""TikTok's own user shape, read the same way wherever it appears.

A profile page's `userInfo.user` and a video page's `itemStruct.author` are one object (id,
uniqueId, nickname, avatars, signature, verified, privateAccount, bioLink), each with its
counters beside it (`statsV2`/`stats`, `authorStatsV2`/`authorStats`), so the profile and
video rules share this reader.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from extraction.urls import absolute_http_url
from model.record import ImageRef, TiktokUser, Visibility
from sites.base import one_of, url_pattern
from sites.values import first_count, text_value

PROFILE_URL: Final = "https://www.tiktok.com/@{}"
PRIVATE_STATUS: Final = 10222
HOSTS: Final = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
# A profile's address: the profile rule's pattern (sites/tiktok.py), which the video rule also
# reads the authors of oEmbed answers with.
PROFILE: Final = url_pattern(one_of(HOSTS) + r"/@(?P<handle>[A-Za-z0-9_.]{1,64})/?")
# Sizes TikTok writes into image URLs: "~tplv-tiktokx-cropcenter:720:720", "~c5_720x720".
_URL_SIZE: Final = re.compile(r"~(?:tplv-[\w-]+:(\d{1,5}):(\d{1,5})|c5_(\d{1,5})x(\d{1,5}))")
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


def tiktok_user(user: object, exact: object, rounded: object, status: object) -> TiktokUser | None:
    """A TiktokUser from TikTok's `user` object and its stats, or None without a handle.

    `exact` (statsV2) wins field by field over `rounded` (stats)."""
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
        url=bio_link_url(bio_link.get("link") if isinstance(bio_link, dict) else None),
        followers_count=counts["followers_count"],
        following_count=counts["following_count"],
        likes_count=counts["likes_count"],
        videos_count=counts["videos_count"],
        avatar=tiktok_image(avatar_url),
    )


def tiktok_image(url: object) -> ImageRef | None:
    """An image with the size TikTok writes into its URL, when it does."""
    if not isinstance(url, str) or not url.strip():
        return None
    source = absolute_http_url(url.strip(), "https://www.tiktok.com/")
    if source is None:
        return None
    match = _URL_SIZE.search(source)
    if match is None:
        return ImageRef(source_url=source)
    width, height = (int(group) for group in match.groups() if group is not None)
    return ImageRef(source_url=source, width=width or None, height=height or None)


def bio_link_url(link: str | None) -> str | None:
    """The bio link as an absolute URL: TikTok stores "twitch.tv/x" without a scheme."""
    if not link or not link.strip():
        return None
    link = link.strip()
    if not _SCHEME.match(link):
        link = "https://" + link.lstrip("/")
    url = absolute_http_url(link, "https://invalid.invalid/")
    host = urlsplit(url).hostname if url else None
    return url if host and "." in host else None
