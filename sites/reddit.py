"""Reddit posts, subreddits and users (`reddit.com`, `www.`, `old.`, `new.`).

Sources, most exact first. Reddit's own data sits in body markup (`<shreddit-post>`
attributes) or in an id-less `window.___r` script, neither of which ParsedPage keeps, so:

1. JSON-LD `DiscussionForumPosting`/`SocialMediaPosting` (newer pages): headline, body,
   author, time, exact comment and vote counts.
2. oEmbed: the title and the author.
3. OpenGraph and the `<title>`: og:title `r/Sub - Title` (2018-23) or `From the sub
   community on Reddit: Title` (2024), the `<title>` `Title : sub`; og:description `52,114
   votes and 25,436 comments so far on Reddit` carries exact counts (the `description` meta's
   "52.1k votes" is rounded and ignored); og:image on `preview.redd.it`/`i.redd.it` is the
   post's picture, while `share.redd.it` is a generated card and not media.

Subreddit and user pages are confirmed by their title naming them (`r/name`, `u/name`,
`overview for name`); counts on them ("36.8m members") are rounded, so None.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import (
    LinkType,
    MediaItem,
    MediaKind,
    RedditPost,
    RedditPostKind,
    RedditSubreddit,
    RedditUser,
)
from sites.base import SiteExtract, SiteRule, one_of, url_pattern
from sites.values import (
    as_list,
    interaction_counts,
    iso_datetime,
    page_image,
    url_host_path,
    whole_number,
    written_count,
)

HOSTS: Final = frozenset({"reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com"})
_SUB: Final = r"[A-Za-z0-9][A-Za-z0-9_]{1,20}"
_USER: Final = r"[A-Za-z0-9_-]{3,20}"
POST_URL: Final = url_pattern(
    one_of(HOSTS) + rf"/r/(?P<sub>{_SUB})/comments/(?P<id>[a-z0-9]{{1,12}})(?:/[^/?]*){{0,2}}/?"
)
SUBREDDIT_URL: Final = url_pattern(one_of(HOSTS) + rf"/r/(?P<sub>{_SUB})/?")
USER_URL: Final = url_pattern(one_of(HOSTS) + rf"/(?:user|u)/(?P<user>{_USER})/?")
_DASH_TITLE: Final = re.compile(rf"r/(?P<sub>{_SUB}) - (?P<title>.+)", re.DOTALL)
_COMMUNITY_TITLE: Final = re.compile(
    rf"From the (?P<sub>{_SUB}) community on Reddit: (?P<title>.+)", re.DOTALL
)
_PAGE_TITLE: Final = re.compile(rf"(?P<title>.+) : (?:r/)?(?P<sub>{_SUB})", re.DOTALL)
_COUNTS: Final = re.compile(
    r"(?P<votes>[\d,]+) votes? and (?P<comments>[\d,]+) comments? so far on Reddit"
)
_MEDIA_HOSTS: Final = frozenset({"preview.redd.it", "i.redd.it", "external-preview.redd.it"})


def read_post(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    sub, post_id = found.group("sub"), found.group("id")
    from_oembed = _post_from_oembed(page, sub, post_id)
    post = _post_from_json_ld(page, sub, post_id) or from_oembed
    post = _with_oembed(post or _post_from_open_graph(page, sub, post_id), from_oembed)
    if post is None:
        return None
    image = next((item.image for item in post.media if item.image is not None), None)
    return SiteExtract(
        details=post,
        title=post.title,
        description=post.text,
        image=image,
    )


def read_subreddit(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    name = found.group("sub")
    titles = [page.first("og:title", "twitter:title"), page.title]
    pattern = re.compile(rf"(?:^|\W)r/({re.escape(name)})\b", re.IGNORECASE)
    named = next((m for t in titles if t and (m := pattern.search(t))), None)
    if named is None:
        return None
    subreddit = RedditSubreddit(
        name=named.group(1),
        title=page.first("og:title", "twitter:title") or page.title,
        description=page.first("og:description", "description"),
        avatar=page_image(page, page.first("og:image")),
    )
    return SiteExtract(
        details=subreddit,
        title=f"r/{subreddit.name}",
        description=subreddit.description,
    )


def read_user(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    name = found.group("user")
    titles = [page.first("og:title", "twitter:title"), page.title]
    pattern = re.compile(rf"(?:\bu/|overview for )({re.escape(name)})\b", re.IGNORECASE)
    named = next((m for t in titles if t and (m := pattern.search(t))), None)
    if named is None:
        return None
    user = RedditUser(
        username=named.group(1),
        bio=page.first("og:description"),
        avatar=page_image(page, page.first("og:image")),
    )
    return SiteExtract(details=user, title=f"u/{user.username}")


def _post_from_json_ld(page: ParsedPage, sub: str, post_id: str) -> RedditPost | None:
    for obj in page.json_ld:
        if not types_of(obj) & {"DiscussionForumPosting", "SocialMediaPosting"}:
            continue
        author = next((a for a in as_list(obj.get("author")) if isinstance(a, dict)), None)
        username = _username(first_text(author, "name", "alternateName")) if author else None
        counts = interaction_counts(obj.get("interactionStatistic"))
        image = page_image(page, first_url(obj, "image"))
        return RedditPost(
            id=post_id,
            title=first_text(obj, "headline", "name"),
            user=RedditUser(username=username) if username else None,
            subreddit=RedditSubreddit(name=sub),
            text=first_text(obj, "articleBody", "text"),
            media=(MediaItem(kind=MediaKind.IMAGE, image=image),) if image else (),
            likes_count=counts.get("LikeAction"),
            comments_count=whole_number(obj.get("commentCount")) or counts.get("CommentAction"),
            published_at=iso_datetime(obj.get("datePublished")),
        )
    return None


def _with_oembed(post: RedditPost | None, oembed: RedditPost | None) -> RedditPost | None:
    """`post` with what its source left out (the title, the author) taken from the post as
    Reddit's oEmbed states it."""
    if post is None or oembed is None or post is oembed:
        return post
    return msgspec.structs.replace(
        post, title=post.title or oembed.title, user=post.user or oembed.user
    )


def _post_from_oembed(page: ParsedPage, sub: str, post_id: str) -> RedditPost | None:
    oembed = page.oembed
    if oembed is None or not oembed.title:
        return None
    username = _username(oembed.author_name)
    return RedditPost(
        id=post_id,
        title=oembed.title,
        user=RedditUser(username=username) if username else None,
        subreddit=RedditSubreddit(name=sub),
    )


def _post_from_open_graph(page: ParsedPage, sub: str, post_id: str) -> RedditPost | None:
    title, sub_name = None, None
    for value in (page.first("og:title"), page.first("twitter:title"), page.title):
        value = (value or "").strip()
        for pattern in (_DASH_TITLE, _COMMUNITY_TITLE, _PAGE_TITLE):
            match = pattern.fullmatch(value)
            if match and match.group("sub").lower() == sub.lower():
                title, sub_name = match.group("title").strip(), match.group("sub")
                break
        if title:
            break
    if title is None or sub_name is None:
        return None
    counts = _COUNTS.search(page.first("og:description") or "")
    media = _og_media(page)
    og_type = page.first("og:type")
    kind = {"image": RedditPostKind.IMAGE, "video": RedditPostKind.VIDEO}.get(og_type or "")
    return RedditPost(
        id=post_id,
        title=title,
        subreddit=RedditSubreddit(name=sub_name),
        post_type=kind,
        media=media,
        likes_count=written_count(counts.group("votes")) if counts else None,
        comments_count=written_count(counts.group("comments")) if counts else None,
    )


def _og_media(page: ParsedPage) -> tuple[MediaItem, ...]:
    image = page_image(
        page,
        page.first("og:image", "twitter:image"),
        page.first("og:image:width"),
        page.first("og:image:height"),
    )
    parts = url_host_path(image.source_url) if image else None
    if image is None or parts is None or parts[0] not in _MEDIA_HOSTS:
        return ()
    return (MediaItem(kind=MediaKind.IMAGE, image=image),)


def _username(value: str | None) -> str | None:
    name = (value or "").strip().removeprefix("/").removeprefix("u/")
    return name if re.fullmatch(_USER, name) else None


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(name="reddit-post", link_type=LinkType.REDDIT_POST, url=POST_URL, extract=read_post),
    SiteRule(
        name="reddit-subreddit",
        link_type=LinkType.REDDIT_SUBREDDIT,
        url=SUBREDDIT_URL,
        extract=read_subreddit,
    ),
    SiteRule(name="reddit-user", link_type=LinkType.REDDIT_USER, url=USER_URL, extract=read_user),
)
