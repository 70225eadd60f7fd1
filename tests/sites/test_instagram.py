"""The Instagram rules on real saved Instagram pages and on small pages for each fallback."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest

from extraction.oembed import OEmbed
from extraction.page import ParsedPage, parse_page
from model.record import InstagramPost, InstagramUser, LinkType, MediaKind
from tests.sites.corpus_pages import corpus
from tests.sites.rules import read_rule, rule_matches


def post_of(url: str, page: ParsedPage) -> InstagramPost:
    extract = read_rule("instagram-post", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.INSTAGRAM_POST
    assert isinstance(extract.details, InstagramPost)
    return extract.details


def user_of(url: str, page: ParsedPage) -> InstagramUser:
    extract = read_rule("instagram-user", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.INSTAGRAM_USER
    assert isinstance(extract.details, InstagramUser)
    return extract.details


def exact(text: str) -> int | None:
    """The test's own reading of an Instagram count: digits and commas only are exact."""
    return int(text.replace(",", "")) if re.fullmatch(r"[\d,]+", text) else None


@pytest.mark.parametrize(
    ("url", "post", "user"),
    [
        ("https://www.instagram.com/p/CPeC-Eenc8l/", True, False),
        ("https://instagram.com/reel/Cabcdef123/", True, False),
        ("https://www.instagram.com/tv/B1234567/", True, False),
        ("https://www.instagram.com/willyrex/p/CPeC-Eenc8l/", True, False),
        ("https://www.instagram.com/pluto__travel/", False, True),
        ("https://m.instagram.com/some.one", False, True),
        ("https://www.instagram.com/explore/", False, False),
        ("https://www.instagram.com/accounts/login/", False, False),
        ("https://www.instagram.com/direct/", False, False),
        ("https://www.instagram.com/", False, False),
        ("https://instagram.com.evil.example/p/CPeC-Eenc8l/", False, False),
        ("https://evil.example/instagram.com/someone/", False, False),
        ("https://www.instagram.com/p/", False, False),
        ("javascript:alert(1)", False, False),
    ],
)
def test_url_patterns(url: str, post: bool, user: bool) -> None:
    assert rule_matches("instagram-post", url) is post
    assert rule_matches("instagram-user", url) is user


def test_profile_counts_from_open_graph() -> None:
    url, page, head = corpus("metascraper-instagram/fixtures/profile.html")
    followers, following, posts = re.match(
        r"(\S+) Followers, (\S+) Following, (\S+) Posts", head.meta["og:description"]
    ).groups()  # type: ignore[union-attr]
    user = user_of(url, page)
    assert user.followers_count == exact(followers)
    assert user.following_count == exact(following)
    assert user.posts_count == exact(posts)
    assert user.followers_count is not None
    name, handle = re.match(r"(.*) \(@([\w.]+)\)", head.meta["og:title"]).groups()  # type: ignore[union-attr]
    assert (user.name, user.username) == (name, handle)
    assert user.bio is not None
    assert head.meta["description"].endswith(f'"{user.bio}"')
    assert user.avatar is not None
    assert user.avatar.source_url == head.meta["og:image"]


@pytest.mark.parametrize(
    "name",
    [
        "metascraper-instagram/fixtures/post-with-photo.html",
        "metascraper-instagram/fixtures/post-with-video.html",
    ],
)
def test_post_from_open_graph(name: str) -> None:
    url, page, head = corpus(name)
    likes, comments, handle = re.match(
        r"(\S+) likes, (\S+) comments - ([\w.]+) on ", head.meta["og:description"]
    ).groups()  # type: ignore[union-attr]
    author, caption = re.fullmatch(
        r'(.+?) on Instagram: "(.*)"', head.meta["og:title"], re.S
    ).groups()  # type: ignore[union-attr]
    post = post_of(url, page)
    assert post.id == url.rstrip("/").rsplit("/", 1)[-1]
    assert post.text == caption
    assert post.likes_count == exact(likes)  # "298K" is rounded: None
    assert post.comments_count == exact(comments)
    assert post.user is not None
    assert (post.user.username, post.user.name) == (handle, author)
    assert post.user.id == head.meta["instapp:owner_user_id"]
    (item,) = post.media
    assert item.image is not None
    assert item.image.source_url == head.meta["og:image"]
    video = head.meta.get("og:video")
    assert item.kind is (MediaKind.VIDEO if video else MediaKind.IMAGE)
    assert item.url == video


def test_older_post_from_json_ld() -> None:
    url, page, head = corpus("integration/instagram/input.html")
    (data,) = head.json_ld
    post = post_of(url, page)
    assert post.text == data["caption"]
    assert post.comments_count == int(data["commentCount"])
    assert post.likes_count == int(data["interactionStatistic"]["userInteractionCount"])
    assert post.user is not None
    assert post.user.username == data["author"]["alternateName"].lstrip("@")
    # uploadDate carries no time zone, so the instant is unknown.
    assert "+" not in data["uploadDate"]
    assert post.published_at is None


URL = "https://www.instagram.com/p/ABCDEFG/"


def small(head: str, url: str = URL) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body></body></html>".encode(), url=url)


def test_post_from_oembed_only() -> None:
    oembed = OEmbed(
        type="rich",
        author_name="someone",
        title="a caption",
        thumbnail_url="https://cdn.example/t.jpg",
        thumbnail_width=640,
        thumbnail_height=640,
    )
    post = post_of(URL, dataclasses.replace(small(""), oembed=oembed))
    assert post.text == "a caption"
    assert post.user is not None
    assert post.user.username == "someone"
    assert post.media[0].image is not None
    assert post.media[0].image.width == 640


def test_profile_from_json_ld_only() -> None:
    data = {
        "@type": "ProfilePage",
        "mainEntity": {
            "@type": "Person",
            "alternateName": "@someone",
            "name": "Some One",
            "interactionStatistic": {
                "interactionType": "http://schema.org/FollowAction",
                "userInteractionCount": "1234567",
            },
        },
    }
    url = "https://www.instagram.com/someone/"
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>', url)
    user = user_of(url, page)
    assert user.followers_count == 1234567
    assert user.name == "Some One"


def test_rounded_profile_counts_stay_none() -> None:
    url = "https://www.instagram.com/someone/"
    page = small(
        '<meta property="og:title" content="Some One (@someone) • Instagram photos and videos">'
        '<meta property="og:description" content="1.2M Followers, 10K Following, 1,024 Posts">',
        url,
    )
    user = user_of(url, page)
    assert user.followers_count is None
    assert user.following_count is None
    assert user.posts_count == 1024


def test_other_profile_is_not_confirmed() -> None:
    url = "https://www.instagram.com/someone/"
    page = small('<meta property="og:title" content="X (@other) • Instagram photos">', url)
    assert read_rule("instagram-user", url, page) is None
    assert read_rule("instagram-post", URL, small("")) is None


@pytest.mark.parametrize(
    "data",
    [
        {"@type": "ImageObject", "author": "nobody", "commentCount": "many", "caption": 3},
        {"@type": "VideoObject", "author": [{"alternateName": 5}], "interactionStatistic": 1},
    ],
)
def test_odd_json_ld_gives_none_fields(data: dict[str, Any]) -> None:
    post = post_of(URL, small(f'<script type="application/ld+json">{json.dumps(data)}</script>'))
    assert post.user is None
    assert post.comments_count is None
    assert post.likes_count is None
    assert post.text is None
