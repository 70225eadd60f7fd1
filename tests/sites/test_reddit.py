"""The Reddit rules on real saved Reddit pages and on small pages for each fallback."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest

from extraction.oembed import OEmbed
from extraction.page import ParsedPage, parse_page
from model.record import LinkType, RedditPost, RedditPostKind, RedditSubreddit, RedditUser
from tests.sites.corpus_pages import corpus
from tests.sites.rules import read_rule, rule_matches


def post_of(url: str, page: ParsedPage) -> RedditPost:
    extract = read_rule("reddit-post", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.REDDIT_POST
    assert isinstance(extract.details, RedditPost)
    return extract.details


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.reddit.com/r/lotus/comments/1pzbv0z/my_lotus/", "post"),
        ("https://old.reddit.com/r/AskReddit/comments/axtih6/", "post"),
        ("https://new.reddit.com/r/colors/comments/b4d5xm/slug/abc123/", "post"),
        ("https://reddit.com/r/lotus/", "subreddit"),
        ("https://www.reddit.com/r/AskReddit", "subreddit"),
        ("https://www.reddit.com/user/spez/", "user"),
        ("https://old.reddit.com/u/spez", "user"),
        ("https://www.reddit.com/", None),
        ("https://www.reddit.com/r/", None),
        ("https://www.reddit.com/settings/", None),
        ("https://reddit.com.evil.example/r/lotus/", None),
        ("https://evil.example/r/lotus/comments/abc/", None),
        ("https://www.reddit.com/r/lotus/comments/", None),
        ("https://www.reddit.com/user/", None),
    ],
)
def test_url_patterns(url: str, kind: str | None) -> None:
    assert rule_matches("reddit-post", url) is (kind == "post")
    assert rule_matches("reddit-subreddit", url) is (kind == "subreddit")
    assert rule_matches("reddit-user", url) is (kind == "user")


@pytest.mark.parametrize(
    "name",
    [
        "metascraper-reddit/fixtures/post.html",
        "postlight-parser/www.reddit.com--title-only.html",
        "onebox/reddit_image.response",
    ],
)
def test_post_title_and_subreddit(name: str) -> None:
    url, page, head = corpus(name)
    og_title = head.meta["og:title"]
    match = re.fullmatch(r"r/(\w+) - (.*)", og_title) or re.fullmatch(
        r"From the (\w+) community on Reddit: (.*)", og_title
    )
    assert match is not None
    post = post_of(url, page)
    assert post.id == url.split("/comments/")[1].split("/")[0]
    assert post.title == match.group(2)
    assert post.subreddit is not None
    assert post.subreddit.name == match.group(1)


@pytest.mark.parametrize(
    "name", ["postlight-parser/www.reddit.com--title-only.html", "onebox/reddit_image.response"]
)
def test_exact_counts_from_og_description(name: str) -> None:
    url, page, head = corpus(name)
    votes, comments = re.findall(r"([\d,]+) (?:votes?|comments?)", head.meta["og:description"])
    post = post_of(url, page)
    assert post.likes_count == int(votes.replace(",", ""))
    assert post.comments_count == int(comments.replace(",", ""))


def test_image_post() -> None:
    url, page, head = corpus("onebox/reddit_image.response")
    post = post_of(url, page)
    assert post.post_type is RedditPostKind.IMAGE
    (item,) = post.media
    assert item.image is not None
    assert item.image.source_url == head.meta["og:image"]
    assert item.image.width == int(head.meta["og:image:width"])


def test_generated_share_card_is_not_media() -> None:
    url, page, head = corpus("metascraper-reddit/fixtures/post.html")
    assert "share.redd.it" in head.meta["og:image"]
    post = post_of(url, page)
    assert post.media == ()
    assert post.likes_count is None  # the page states no exact count


URL = "https://www.reddit.com/r/python/comments/abc123/hello/"


def small(head: str, url: str = URL) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body></body></html>".encode(), url=url)


def test_post_from_json_ld_only() -> None:
    data = {
        "@type": "DiscussionForumPosting",
        "headline": "Hello",
        "articleBody": "Body text",
        "author": {"@type": "Person", "name": "u/someone"},
        "commentCount": 12,
        "datePublished": "2024-01-02T03:04:05+00:00",
        "interactionStatistic": {"interactionType": "LikeAction", "userInteractionCount": 99},
    }
    post = post_of(URL, small(f'<script type="application/ld+json">{json.dumps(data)}</script>'))
    assert (post.title, post.text) == ("Hello", "Body text")
    assert post.user is not None
    assert post.user.username == "someone"
    assert (post.comments_count, post.likes_count) == (12, 99)
    assert post.published_at is not None


def test_post_from_oembed_only() -> None:
    oembed = OEmbed(type="rich", title="Hello", author_name="someone")
    post = post_of(URL, dataclasses.replace(small(""), oembed=oembed))
    assert post.title == "Hello"
    assert post.user is not None
    assert post.user.username == "someone"


def test_post_of_another_subreddit_is_not_confirmed() -> None:
    page = small('<meta property="og:title" content="r/other - Hello">')
    assert read_rule("reddit-post", URL, page) is None
    assert read_rule("reddit-post", URL, small("")) is None


def test_subreddit_and_user_pages() -> None:
    sub_url = "https://www.reddit.com/r/Python/"
    sub_page = small(
        "<title>Python</title>"
        '<meta property="og:title" content="r/Python">'
        '<meta property="og:description" content="News about Python">',
        sub_url,
    )
    extract = read_rule("reddit-subreddit", sub_url, sub_page)
    assert extract is not None
    assert isinstance(extract.details, RedditSubreddit)
    assert extract.details.name == "Python"
    assert extract.details.description == "News about Python"
    assert extract.details.subscribers_count is None
    user_url = "https://www.reddit.com/user/spez/"
    extract = read_rule(
        "reddit-user", user_url, small("<title>overview for spez</title>", user_url)
    )
    assert extract is not None
    assert isinstance(extract.details, RedditUser)
    assert extract.details.username == "spez"
    assert read_rule("reddit-user", user_url, small("<title>reddit</title>", user_url)) is None
    assert read_rule("reddit-subreddit", sub_url, small("<title>reddit</title>", sub_url)) is None


@pytest.mark.parametrize(
    "data",
    [
        {"@type": "DiscussionForumPosting", "author": "x", "commentCount": "lots", "headline": 4},
        {"@type": "SocialMediaPosting", "author": [None, {"name": 5}], "image": {"url": 3}},
    ],
)
def test_odd_json_ld_gives_none_fields(data: dict[str, Any]) -> None:
    post = post_of(URL, small(f'<script type="application/ld+json">{json.dumps(data)}</script>'))
    assert post.user is None
    assert post.comments_count is None
    assert post.title is None
    assert post.media == ()


def test_oembed_fills_what_the_json_ld_left_out() -> None:
    data = {"@type": "DiscussionForumPosting", "articleBody": "Body text", "commentCount": 3}
    oembed = OEmbed(type="rich", title="Hello", author_name="someone")
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    post = post_of(URL, dataclasses.replace(page, oembed=oembed))
    assert (post.title, post.text, post.comments_count) == ("Hello", "Body text", 3)
    assert post.user is not None
    assert post.user.username == "someone"


def test_the_json_ld_wins_over_the_oembed() -> None:
    data = {
        "@type": "DiscussionForumPosting",
        "headline": "The page's title",
        "author": {"@type": "Person", "name": "u/poster"},
    }
    oembed = OEmbed(type="rich", title="Other", author_name="other")
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    post = post_of(URL, dataclasses.replace(page, oembed=oembed))
    assert post.title == "The page's title"
    assert post.user is not None
    assert post.user.username == "poster"
