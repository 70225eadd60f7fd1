"""The X rules on real saved X/Twitter pages and on small pages for each fallback."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest

from extraction.oembed import OEmbed
from extraction.page import ParsedPage, parse_page
from model.record import LinkType, MediaKind, XPost, XUser
from tests.sites.corpus_pages import corpus
from tests.sites.rules import read_rule, rule_matches


def post_of(url: str, page: ParsedPage) -> XPost:
    extract = read_rule("x-post", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.X_POST
    assert isinstance(extract.details, XPost)
    return extract.details


def user_of(url: str, page: ParsedPage) -> XUser:
    extract = read_rule("x-user", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.X_USER
    assert isinstance(extract.details, XUser)
    return extract.details


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/jack/status/20",
        "https://twitter.com/jack/status/20/",
        "https://mobile.twitter.com/jack/statuses/20",
        "https://www.x.com/jack/status/20/photo/1",
        "https://x.com/i/web/status/20",
    ],
)
def test_post_urls(url: str) -> None:
    assert rule_matches("x-post", url)
    assert not rule_matches("x-user", url)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/jack",
        "https://twitter.com/Jack_1/",
        "https://mobile.x.com/jack",
    ],
)
def test_user_urls(url: str) -> None:
    assert rule_matches("x-user", url)
    assert not rule_matches("x-post", url)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/home",
        "https://x.com/search",
        "https://x.com/i/flow/login",
        "https://x.com/settings/",
        "https://x.com/explore",
        "https://x.com.evil.example/jack",
        "https://evil.example/x.com/jack",
        "https://notx.com/jack",
        "ftp://x.com/jack",
        "https://x.com/a_name_far_too_long_for_x",
        "https://x.com/jack/status/abc",
        "https://x.com/",
        "not a url",
    ],
)
def test_not_x_links(url: str) -> None:
    assert not rule_matches("x-user", url)
    assert not rule_matches("x-post", url)


@pytest.mark.parametrize("name", ["metascraper-x/fixtures/profile.html", "unavatar/x-jsonld.html"])
def test_profile_from_json_ld(name: str) -> None:
    url, page, head = corpus(name)
    profile = next(obj for obj in head.json_ld if obj.get("@type") == "ProfilePage")
    person = profile["mainEntity"]
    counts = {
        stat["interactionType"].rsplit("/", 1)[-1]: stat["userInteractionCount"]
        for stat in person["interactionStatistic"]
    }
    user = user_of(url, page)
    assert user.username == person["additionalName"]
    assert user.id == person["identifier"]
    assert user.name == person["name"]
    assert user.bio == person["description"]
    assert user.location == person["homeLocation"]["name"]
    assert user.avatar is not None
    assert user.avatar.source_url == person["image"]["contentUrl"]
    assert user.followers_count == counts["FollowAction"]
    assert user.following_count == counts["SubscribeAction"]
    assert user.posts_count == counts["WriteAction"]
    assert user.joined_at is not None
    assert user.joined_at.isoformat().startswith(profile["dateCreated"][:19])
    assert user.url in profile["relatedLink"]
    assert "t.co" not in (user.url or "")
    # The generic og:image is X's grey card; the extract's image is the real avatar.
    extract = read_rule("x-user", url, page)
    assert extract is not None
    assert extract.image == user.avatar
    assert extract.image.source_url != head.meta.get("og:image")


def test_profile_from_open_graph() -> None:
    url, page, head = corpus("metascraper-x/fixtures/profile-og.html")
    user = user_of(url, page)
    name, handle = re.fullmatch(r"(.*) \(@(\w+)\) on X", head.meta["og:title"]).groups()  # type: ignore[union-attr]
    assert (user.name, user.username) == (name, handle)
    assert user.bio == head.meta["og:description"]
    assert user.avatar is not None
    assert user.avatar.source_url == head.meta["og:image"]
    assert user.followers_count is None
    assert user.id is None


def test_2012_profile_from_title() -> None:
    url, page, head = corpus("metainspector/twitter_markupvalidator.response")
    user = user_of(url, page)
    name, handle = re.fullmatch(r"(.*) \((\w+)\) en Twitter", head.title.strip()).groups()  # type: ignore[union-attr]
    assert (user.name, user.username) == (name, handle)
    assert user.followers_count is None


@pytest.mark.parametrize(
    "name",
    [
        "metascraper-x/fixtures/post.html",
        "metascraper-x/fixtures/post-image.html",
        "metascraper-x/fixtures/post-video.html",
        "metascraper-video/fixtures/tweet.html",
        "postlight-parser/twitter.com.html",
        "onebox/twitterstatus.response",
    ],
)
def test_post_text_from_title(name: str) -> None:
    url, page, head = corpus(name)
    title = head.meta.get("og:title", "")
    if " on X: " not in title:
        title = head.title
    author, text = re.fullmatch(
        r"(.+?) (?:on|en) (?:X|Twitter): \"(.*)\"(?: / X)?", " ".join(title.split()), re.S
    ).groups()  # type: ignore[union-attr]
    post = post_of(url, page)
    assert post.id == url.rstrip("/").rsplit("/", 1)[-1]
    assert post.user is not None
    assert post.user.name == author
    assert post.user.username.lower() == url.split("/")[3].lower()
    assert " ".join((post.text or "").split()) == text
    extract = read_rule("x-post", url, page)
    assert extract is not None
    assert extract.title == f"{post.user.name} on X: “{' '.join((post.text or '').split())}”"


def test_post_photo_is_the_first_media() -> None:
    url, page, head = corpus("integration/twitter-image/input.html")
    post = post_of(url, page)
    assert post.text == head.meta["og:description"]
    assert [item.kind for item in post.media] == [MediaKind.IMAGE]
    assert post.media[0].image is not None
    assert post.media[0].image.source_url == head.meta["og:image"]
    extract = read_rule("x-post", url, page)
    assert extract is not None
    assert extract.image == post.media[0].image


def test_video_post_keeps_the_poster_not_the_player_page() -> None:
    url, page, head = corpus("metascraper-video/fixtures/tweet.html")
    (item,) = post_of(url, page).media
    assert item.kind is MediaKind.VIDEO
    assert item.image is not None
    assert item.image.source_url == head.meta["og:image"]
    assert item.url is None  # og:video here is text/html, not a video file


def test_legacy_post_author_avatar_not_media() -> None:
    url, page, head = corpus("onebox/twitterstatus.response")
    post = post_of(url, page)
    assert post.media == ()
    assert post.user is not None
    assert post.user.avatar is not None
    assert post.user.avatar.source_url == head.meta["og:image"]
    # The text comes from the <title>, whose whitespace HTML collapses.
    assert post.text == " ".join(head.meta["og:description"].strip("“”").split())


def test_generic_card_is_not_media() -> None:
    url, page, head = corpus("metascraper-x/fixtures/post.html")
    assert "abs.twimg.com" in head.meta["og:image"]
    assert post_of(url, page).media == ()


POST_URL = "https://x.com/jack/status/20"


def small(head: str, url: str = POST_URL) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body></body></html>".encode(), url=url)


def test_post_from_json_ld_only() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "SocialMediaPosting",
        "articleBody": "just setting up my twttr",
        "datePublished": "2006-03-21T20:50:14Z",
        "author": {"@type": "Person", "additionalName": "jack", "name": "jack", "identifier": "12"},
        "interactionStatistic": [
            {"interactionType": "https://schema.org/LikeAction", "userInteractionCount": 300000},
            {"interactionType": "https://schema.org/ShareAction", "userInteractionCount": "120"},
        ],
    }
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    post = post_of(POST_URL, page)
    assert post.text == data["articleBody"]
    assert post.likes_count == 300000
    assert post.reposts_count == 120
    assert post.user is not None
    assert post.user.id == "12"
    assert post.published_at is not None
    assert post.published_at.year == 2006


def test_post_from_oembed_only() -> None:
    oembed = OEmbed(
        type="rich",
        author_name="jack",
        author_url="https://twitter.com/jack",
        text="just setting up my twttr",
    )
    post = post_of(POST_URL, dataclasses.replace(small(""), oembed=oembed))
    assert post.text == oembed.text
    assert post.user is not None
    assert post.user.username == "jack"


def test_user_from_oembed_only() -> None:
    oembed = OEmbed(type="rich", author_name="Jack", author_url="https://twitter.com/jack")
    page = dataclasses.replace(small("", "https://x.com/jack"), oembed=oembed)
    assert user_of("https://x.com/jack", page).name == "Jack"


def test_user_page_of_someone_else_is_not_confirmed() -> None:
    page = small('<meta property="og:title" content="Other (@other) on X">', "https://x.com/jack")
    assert read_rule("x-user", "https://x.com/jack", page) is None


def test_empty_pages_give_none() -> None:
    assert read_rule("x-post", POST_URL, small("")) is None
    assert read_rule("x-user", "https://x.com/jack", small("", "https://x.com/jack")) is None


@pytest.mark.parametrize(
    "person",
    [
        {"additionalName": 5, "interactionStatistic": "lots", "image": ["x"], "identifier": []},
        {"additionalName": "jack", "homeLocation": "Mars", "interactionStatistic": [None, 3]},
        {"additionalName": "jack", "image": {"contentUrl": 7}, "name": None},
    ],
)
def test_odd_json_ld_gives_none_fields(person: dict[str, Any]) -> None:
    data = {"@type": "ProfilePage", "dateCreated": 12, "relatedLink": 4, "mainEntity": person}
    url = "https://x.com/jack"
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>', url)
    user = user_of(url, page)
    assert user.username == "jack"
    assert user.followers_count is None
    assert user.joined_at is None
    assert user.location is None
    assert user.url is None


def test_oembed_fills_what_the_json_ld_left_out() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "SocialMediaPosting",
        "datePublished": "2006-03-21T20:50:14Z",
        "interactionStatistic": [
            {"interactionType": "https://schema.org/LikeAction", "userInteractionCount": 7},
        ],
    }
    oembed = OEmbed(
        type="rich",
        author_name="jack",
        author_url="https://twitter.com/jack",
        text="just setting up my twttr",
    )
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    post = post_of(POST_URL, dataclasses.replace(page, oembed=oembed))
    assert post.text == oembed.text
    assert post.user is not None
    assert (post.user.username, post.user.name) == ("jack", "jack")
    assert post.likes_count == 7  # the page's own reading kept


def test_the_json_ld_wins_over_the_oembed() -> None:
    data = {
        "@type": "SocialMediaPosting",
        "articleBody": "the page's text",
        "author": {"@type": "Person", "additionalName": "jack", "name": "Jack D"},
    }
    oembed = OEmbed(
        type="rich", author_name="other", author_url="https://twitter.com/other", text="other"
    )
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    post = post_of(POST_URL, dataclasses.replace(page, oembed=oembed))
    assert post.text == "the page's text"
    assert post.user is not None
    assert (post.user.username, post.user.name) == ("jack", "Jack D")
