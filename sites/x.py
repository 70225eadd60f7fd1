"""X (Twitter) posts and profiles: `x.com/<user>/status/<id>` and `x.com/<user>`.

Sources, most exact first. X keeps no state script that ParsedPage can see (its data comes
from its API after load), so:

1. JSON-LD. Profiles: a `ProfilePage` whose `mainEntity` Person has the handle
   (`additionalName`), id, bio, location and exact counts (`FollowAction` = followers,
   `SubscribeAction` "Friends" = following, `WriteAction` "Tweets" = posts); the page's
   `dateCreated` is when the account was made, and its avatar is only here (`og:image` is a
   generic card). Posts: a `SocialMediaPosting`/`DiscussionForumPosting` when X serves one.
2. oEmbed (`publish.x.com/oembed`): the author and the post's plain text.
3. OpenGraph and the `<title>`, in the shapes X has used: `Name on X: "text" / X` (title and
   og:title carry the whole text), `Name (@handle) on X` with the text in og:description
   (legacy pages wrap it in “…”), and for profiles `Name (@handle) / X`, `Name (@handle) on
   X` or, in 2012, `Name (handle) en Twitter`. `og:image` is a post's photo only when it
   points at X's media store; a profile picture there is the author's avatar; the grey
   `abs.twimg.com/rweb/ssr` card is nothing. Counts never appear in these tags: None.

A page that none of these confirm (a login wall, another account's title) gives None.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from extraction.text import collapse_whitespace
from model.record import ImageRef, LinkType, MediaItem, MediaKind, XPost, XUser
from sites.base import SiteExtract, SiteRule, match_url, none_of, one_of, url_pattern
from sites.values import (
    as_list,
    interaction_counts,
    iso_datetime,
    page_image,
    text_value,
    url_host_path,
)

PROFILE_URL: Final = "https://x.com/{}"
HOSTS: Final = frozenset(
    f"{prefix}{domain}" for prefix in ("", "www.", "mobile.") for domain in ("x.com", "twitter.com")
)
# First path segments that are X's own pages, not accounts.
RESERVED: Final = frozenset(
    {
        "about", "account", "compose", "download", "explore", "hashtag", "home", "i",
        "intent", "jobs", "lists", "login", "logout", "messages", "notifications", "privacy",
        "search", "settings", "share", "signup", "tos", "communities", "topics", "premium",
        "jointerms", "verified", "who_to_follow", "oauth", "places", "display",
    }
)  # fmt: skip
_HANDLE: Final = r"[A-Za-z0-9_]{1,15}"
POST_URL: Final = url_pattern(
    one_of(HOSTS) + rf"/(?:(?P<user>{_HANDLE})|i/web)/status(?:es)?/(?P<id>\d{{1,20}})"
    r"(?:/(?:photo|video)/\d{1,2})?/?",
)
USER_URL: Final = url_pattern(one_of(HOSTS) + rf"/{none_of(RESERVED)}(?P<user>{_HANDLE})/?")
# "Name on X: "text" / X" and the 2016-18 "Name on Twitter: "text"" (also "en Twitter").
_TEXT_TITLE: Final = re.compile(
    r"(?P<name>.+?) (?:on|en) (?:X|Twitter): [\"“](?P<text>.*)[\"”](?: / (?:X|Twitter))?",
    re.DOTALL,
)
# "Name (@handle) on X", "Name (@handle) / X", "Name (handle) en Twitter".
_NAME_TITLE: Final = re.compile(
    rf"(?P<name>.*?) \(@?(?P<handle>{_HANDLE})\)(?: (?:on|en) (?:X|Twitter)| / (?:X|Twitter))"
)
_PLAIN_NAME_TITLE: Final = re.compile(r"(?P<name>.+?) (?:on|en) (?:X|Twitter)")
_MEDIA_PATH: Final = re.compile(
    r"https://pbs\.twimg\.com/(?:media|tweet_video_thumb|ext_tw_video_thumb|amplify_video_thumb)/"
)
_AVATAR_PATH: Final = re.compile(r"https://pbs\.twimg\.com/profile_images/")


def read_post(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    """The post on an X status page, from the most exact source that has it."""
    handle, post_id = found.group("user"), found.group("id")
    from_oembed = _post_from_oembed(page, handle, post_id)
    post = (
        _post_from_json_ld(page, handle, post_id)
        or from_oembed
        or _post_from_open_graph(page, handle, post_id)
    )
    post = _with_oembed(post, from_oembed)
    if post is None:
        return None
    author = post.user
    who = (author.name or f"@{author.username}") if author else None
    if who and post.text:
        # A title is one line; the post's own line breaks stay in `text` and the description.
        title: str | None = f"{who} on X: “{collapse_whitespace(post.text)}”"
    elif who:
        title = f"{who} on X"
    else:
        title = None
    image = next((item.image for item in post.media if item.image is not None), None)
    return SiteExtract(details=post, title=title, description=post.text, image=image)


def read_user(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    """The profile on an X account page, from the most exact source that has it."""
    handle = found.group("user")
    user = (
        _user_from_json_ld(page, handle)
        or _user_from_oembed(page, handle)
        or _user_from_open_graph(page, handle)
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


def _user_from_json_ld(page: ParsedPage, handle: str) -> XUser | None:
    for obj in page.json_ld:
        person = obj.get("mainEntity") if "ProfilePage" in types_of(obj) else None
        if not isinstance(person, dict):
            continue
        username = _handle_in(first_text(person, "additionalName", "alternateName")) or handle
        if username.lower() != handle.lower():
            continue
        counts = interaction_counts(person.get("interactionStatistic"))
        location = person.get("homeLocation")
        return XUser(
            username=username,
            profile_url=PROFILE_URL.format(username),
            id=text_value(person.get("identifier")),
            name=first_text(person, "name"),
            bio=first_text(person, "description"),
            location=first_text(location, "name") if isinstance(location, dict) else None,
            url=_website(obj.get("relatedLink")),
            avatar=page_image(page, first_url(person, "image")),
            followers_count=counts.get("FollowAction"),
            following_count=counts.get("SubscribeAction"),
            posts_count=counts.get("WriteAction"),
            joined_at=iso_datetime(obj.get("dateCreated")),
        )
    return None


def _user_from_oembed(page: ParsedPage, handle: str) -> XUser | None:
    oembed = page.oembed
    author = _handle_from_url(oembed.author_url) if oembed else None
    if oembed is None or author is None or author.lower() != handle.lower():
        return None
    return XUser(username=author, profile_url=PROFILE_URL.format(author), name=oembed.author_name)


def _user_from_open_graph(page: ParsedPage, handle: str) -> XUser | None:
    for value in (page.first("og:title"), page.first("title"), page.title):
        match = _NAME_TITLE.fullmatch((value or "").strip())
        if match is None or match.group("handle").lower() != handle.lower():
            continue
        username = match.group("handle")
        avatar_url = page.first("og:image")
        return XUser(
            username=username,
            profile_url=PROFILE_URL.format(username),
            name=match.group("name").strip() or None,
            bio=page.first("og:description"),
            avatar=_avatar(page, avatar_url),
        )
    return None


def _post_from_json_ld(page: ParsedPage, handle: str | None, post_id: str) -> XPost | None:
    for obj in page.json_ld:
        if not types_of(obj) & {"SocialMediaPosting", "DiscussionForumPosting"}:
            continue
        author = obj.get("author")
        user = None
        if isinstance(author, dict):
            username = _handle_in(first_text(author, "additionalName", "alternateName"))
            username = username or handle
            if username:
                user = XUser(
                    username=username,
                    profile_url=PROFILE_URL.format(username),
                    id=text_value(author.get("identifier")),
                    name=first_text(author, "name"),
                    avatar=page_image(page, first_url(author, "image")),
                )
        counts = interaction_counts(obj.get("interactionStatistic"))
        media = tuple(
            MediaItem(kind=MediaKind.IMAGE, image=image)
            for value in as_list(obj.get("image"))
            if (image := page_image(page, _url_of(value))) is not None
        )
        return XPost(
            id=text_value(obj.get("identifier")) or post_id,
            text=first_text(obj, "articleBody", "text"),
            user=user,
            media=media,
            likes_count=counts.get("LikeAction"),
            comments_count=counts.get("CommentAction") or counts.get("ReplyAction"),
            reposts_count=counts.get("ShareAction"),
            views_count=counts.get("ViewAction") or counts.get("WatchAction"),
            created_at=iso_datetime(obj.get("dateCreated")),
            published_at=iso_datetime(obj.get("datePublished")),
            updated_at=iso_datetime(obj.get("dateModified")),
        )
    return None


def _with_oembed(post: XPost | None, oembed: XPost | None) -> XPost | None:
    """`post` with what its source left out (the text, the author, the author's name) taken
    from the post as X's oEmbed states it."""
    if post is None or oembed is None or post is oembed:
        return post
    user = post.user
    if user is None:
        user = oembed.user
    elif (
        user.name is None and oembed.user and oembed.user.username.lower() == user.username.lower()
    ):
        user = msgspec.structs.replace(user, name=oembed.user.name)
    return msgspec.structs.replace(post, text=post.text or oembed.text, user=user)


def _post_from_oembed(page: ParsedPage, handle: str | None, post_id: str) -> XPost | None:
    oembed = page.oembed
    if oembed is None or not (oembed.text or oembed.author_name):
        return None
    username = _handle_from_url(oembed.author_url) or handle
    user = None
    if username:
        user = XUser(
            username=username, profile_url=PROFILE_URL.format(username), name=oembed.author_name
        )
    return XPost(id=post_id, text=oembed.text, user=user)


def _post_from_open_graph(page: ParsedPage, handle: str | None, post_id: str) -> XPost | None:
    name, text, title_handle = None, None, None
    for value in (page.first("og:title"), page.title, page.first("title")):
        value = (value or "").strip()
        if match := _TEXT_TITLE.fullmatch(value):
            name, text = match.group("name"), match.group("text")
            break
    if name is None:
        for value in (page.first("og:title"), page.first("title"), page.title):
            value = (value or "").strip()
            if match := _NAME_TITLE.fullmatch(value):
                name, title_handle = match.group("name"), match.group("handle")
                break
            if match := _PLAIN_NAME_TITLE.fullmatch(value):
                name = match.group("name")
                break
    if name is None:
        return None
    if text is None:
        text = _unquote(page.first("og:description"))
    username = title_handle or handle
    image_url = page.first("og:image")
    user = None
    if username:
        user = XUser(
            username=username,
            profile_url=PROFILE_URL.format(username),
            name=name.strip() or None,
            avatar=_avatar(page, image_url),
        )
    return XPost(id=post_id, text=text or None, user=user, media=_og_media(page, image_url))


def _og_media(page: ParsedPage, image_url: str | None) -> tuple[MediaItem, ...]:
    image = page_image(page, image_url, page.first("og:image:width"), page.first("og:image:height"))
    if image is None or not _MEDIA_PATH.match(image.source_url):
        return ()
    video = page.first("og:video:secure_url", "og:video:url", "og:video")
    video_type = page.first("og:video:type") or ""
    if page.first("og:type") == "video" or "video_thumb" in image.source_url:
        # X's og:video is an HTML player page, not a video file: keep it only when typed video/.
        return (
            MediaItem(
                kind=MediaKind.VIDEO,
                image=image,
                url=page.resolve(video) if video_type.startswith("video/") else None,
            ),
        )
    return (MediaItem(kind=MediaKind.IMAGE, image=image),)


def _avatar(page: ParsedPage, value: str | None) -> ImageRef | None:
    image = page_image(page, value)
    return image if image is not None and _AVATAR_PATH.match(image.source_url) else None


def _unquote(text: str | None) -> str | None:
    """Legacy og:description wraps the text in “…”; the quotes are not part of it."""
    if not text:
        return None
    text = text.strip()
    if len(text) >= 2 and text[0] == "“" and text[-1] == "”":
        text = text[1:-1].strip()
    return text or None


def _handle_in(value: str | None) -> str | None:
    handle = (value or "").strip().removeprefix("@")
    return handle if re.fullmatch(_HANDLE, handle) else None


def _handle_from_url(value: str | None) -> str | None:
    """The handle of a profile URL the page names; None for posts and X's own pages."""
    match = match_url(USER_URL, value) if value else None
    return match.group("user") if match else None


def _website(related: object) -> str | None:
    """The profile's website: `relatedLink` lists the t.co short link and the real address."""
    for value in as_list(related):
        parts = url_host_path(value) if isinstance(value, str) else None
        if parts is not None and parts[0] != "t.co" and isinstance(value, str):
            return value.strip()
    return None


def _url_of(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("contentUrl") or value.get("url")
    return value if isinstance(value, str) else None


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(name="x-post", link_type=LinkType.X_POST, url=POST_URL, extract=read_post),
    SiteRule(name="x-user", link_type=LinkType.X_USER, url=USER_URL, extract=read_user),
)
