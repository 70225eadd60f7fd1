"""TikTok profiles (`https://www.tiktok.com/@handle`) as TIKTOK_USER previews; the video
rule lives in sites/tiktok_video.py, the user shape both read in sites/tiktok_data.py.

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

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import LinkType, TiktokUser, Visibility
from sites.base import SiteExtract, SiteRule, match_url
from sites.tiktok_data import PROFILE, PROFILE_URL, bio_link_url, tiktok_image, tiktok_user
from sites.tiktok_video import RULE as VIDEO_RULE
from sites.values import interaction_counts, json_path, json_script

_OG_TITLE: Final = re.compile(r"(?P<name>.*?) \(@(?P<handle>[A-Za-z0-9_.]{1,64})\) \| TikTok")


def profile_handle(url: str) -> str | None:
    """The handle in a TikTok profile URL (`tiktok.com/@handle`, `m.` or `www.`), or None."""
    found = match_url(PROFILE, url)
    return found.group("handle") if found else None


def read_profile(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    """The profile on a TikTok page, from the most exact source that has it."""
    handle = found.group("handle")
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
    return tiktok_user(
        info.get("user"), info.get("statsV2"), info.get("stats"), detail.get("statusCode")
    )


def _from_next_data(page: ParsedPage) -> TiktokUser | None:
    props = json_path(json_script(page, "__NEXT_DATA__"), "props", "pageProps")
    if not isinstance(props, dict):
        return None
    info = props.get("userInfo")
    if not isinstance(info, dict):
        return None
    return tiktok_user(
        info.get("user"), info.get("statsV2"), info.get("stats"), props.get("statusCode")
    )


def _from_sigi_state(page: ParsedPage, handle: str | None) -> TiktokUser | None:
    data = json_script(page, "SIGI_STATE")
    users = json_path(data, "UserModule", "users")
    if not isinstance(users, dict) or not users:
        return None
    stats = json_path(data, "UserModule", "stats")
    key = _pick_key(users, handle)
    status = json_path(data, "UserPage", "statusCode")
    entry_stats = stats.get(key) if isinstance(stats, dict) else None
    return tiktok_user(users.get(key), None, entry_stats, status)


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
            url=bio_link_url(first_url(person, "sameAs")),
            followers_count=counts.get("FollowAction"),
            likes_count=counts.get("LikeAction"),
            avatar=tiktok_image(first_url(person, "image")),
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
        avatar=tiktok_image(page.resolve(page.first("og:image"))),
    )


def _pick_key(users: Mapping[str, Any], handle: str | None) -> str:
    """The entry for the URL's handle (case-insensitive), else the first one."""
    if handle:
        for key, user in users.items():
            unique_id = user.get("uniqueId") if isinstance(user, dict) else None
            if handle.lower() in (key.lower(), str(unique_id).lower()):
                return key
    return next(iter(users))


# The video rule first: its URLs are a profile URL plus a path, and its pages carry the
# author, which the profile rule (whose pattern takes no path) must not read as a profile.
RULES: Final[tuple[SiteRule, ...]] = (
    VIDEO_RULE,
    SiteRule(
        name="tiktok-profile",
        link_type=LinkType.TIKTOK_USER,
        url=PROFILE,
        extract=read_profile,
    ),
)
