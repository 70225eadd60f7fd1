"""Peekalink's JSON to our records, at the record level (pure logic, no I/O).

The GraphQL types of these kinds are another part's work; here the records are checked
against the JSON each test builds, value by value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from model.record import (
    DETAILS_TYPES,
    EtsyProduct,
    GithubRepository,
    ImageFile,
    LinkType,
    MediaKind,
    RedditPost,
    RedditPostKind,
    TiktokVideo,
    Visibility,
    XPost,
    YoutubeVideo,
)
from previews.peekalink.convert import decode_body, failure_from_body, to_preview

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def image(name: str, width: int = 800, height: int = 600) -> dict[str, Any]:
    return {
        size: {
            "url": f"https://cdn.peekalink.io/{name}_{size}.jpeg",
            "width": min(width, limit),
            "height": min(height, limit),
        }
        for size, limit in (
            ("thumbnail", 240),
            ("medium", 640),
            ("large", 1280),
            ("original", 9999),
        )
    }


def body(link_type: str, key: str, obj: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "ok": True,
        "url": "https://example.com/final",
        "domain": "example.com",
        "type": link_type,
        "status": 200,
        "updatedAt": "2025-03-04T05:06:07.000Z",
        "title": "A title",
        key: obj,
        "requestId": "abc",
        **extra,
    }


def convert(raw: dict[str, Any]) -> Any:
    return to_preview("https://example.com/asked", raw, fetched_at=NOW)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_youtube_video_converts() -> None:
    video: dict[str, Any] = {
        "videoId": "dQw4w9WgXcQ",
        "user": {
            "username": "@rick",
            "name": "Rick Astley",
            "subscribersCount": 4_000_000_000,
            "avatar": image("rick", 176, 176),
            "verified": True,
            "url": "https://www.youtube.com/@rick",
        },
        "publishedAt": "2009-10-25T06:57:33Z",
        "duration": 213,
        "viewsCount": 1_600_000_000,
        "likesCount": 18_000_000,
        "dislikesCount": None,
        "commentsCount": 2_300_000,
        "rating": 4.9,
        "thumbnail": image("thumb", 1280, 720),
        "somethingNew": {"ignored": True},
    }
    preview = convert(body("YOUTUBE_VIDEO", "youtubeVideo", video))
    details = preview.details
    assert preview.type is LinkType.YOUTUBE_VIDEO
    assert isinstance(details, YoutubeVideo)
    assert details.video_id == video["videoId"]
    assert details.published_at == when(video["publishedAt"])
    assert details.duration == video["duration"]
    assert details.views_count == video["viewsCount"]
    assert details.likes_count == video["likesCount"]
    assert details.dislikes_count is None
    assert details.comments_count == video["commentsCount"]
    assert details.rating == video["rating"]
    assert details.thumbnail is not None
    assert details.thumbnail.original is not None
    assert details.thumbnail.original.url == video["thumbnail"]["original"]["url"]
    assert (details.thumbnail.width, details.thumbnail.height) == (
        video["thumbnail"]["original"]["width"],
        video["thumbnail"]["original"]["height"],
    )
    user = details.user
    assert user is not None
    assert (user.username, user.name, user.url) == (
        video["user"]["username"],
        video["user"]["name"],
        video["user"]["url"],
    )
    assert user.subscribers_count == video["user"]["subscribersCount"]
    assert user.verified is True
    assert user.avatar is not None
    assert user.avatar.thumbnail is not None
    assert user.avatar.thumbnail.url == video["user"]["avatar"]["thumbnail"]["url"]


def test_x_post_converts() -> None:
    post: dict[str, Any] = {
        "text": "hello world",
        "user": {
            "username": "jack",
            "name": "jack",
            "avatar": image("jack", 400, 400),
            "cover": image("cover", 1500, 500),
            "bio": "no state is the best state",
            "location": "",
            "verified": False,
            "followersCount": 6_500_000,
            "followingCount": 4,
            "postsCount": 30_000,
            "joinedAt": "2006-03-21T20:50:14.000Z",
            "protected": False,
            "sensitive": False,
            "url": "https://primal.net/jack",
        },
        "media": [
            {"type": "IMAGE", "image": image("photo"), "width": 800, "height": 600},
            {"type": "VIDEO", "url": "https://video.example/v.mp4", "duration": 12.5},
            {"type": "HOLOGRAM"},
        ],
        "likesCount": 2_500_000_000,
        "commentsCount": 170_000,
        "viewsCount": "123456789012",
        "bookmarksCount": 10,
        "repostsCount": 120_000,
        "quotesCount": 5,
        "createdAt": "2006-03-21T20:50:14.000Z",
        "updatedAt": "2006-03-21T20:50:14.000Z",
        "publishedAt": "2006-03-21T20:50:14.000Z",
    }
    details = convert(body("X_POST", "xPost", post)).details
    assert isinstance(details, XPost)
    assert details.text == post["text"]
    assert details.likes_count == post["likesCount"]
    assert type(details.likes_count) is int
    assert details.views_count == int(post["viewsCount"])
    for field in ("comments", "bookmarks", "reposts", "quotes"):
        assert getattr(details, f"{field}_count") == post[f"{field}Count"], field
    for field in ("created_at", "updated_at", "published_at"):
        assert getattr(details, field) == when(post["createdAt"]), field
    assert [item.kind for item in details.media] == [MediaKind.IMAGE, MediaKind.VIDEO]
    assert details.media[0].image is not None
    assert details.media[0].image.source_url == post["media"][0]["image"]["original"]["url"]
    assert details.media[1].url == post["media"][1]["url"]
    assert details.media[1].duration == post["media"][1]["duration"]
    user = details.user
    assert user is not None
    assert user.username == post["user"]["username"]
    assert user.profile_url.endswith(post["user"]["username"])
    assert user.location == ""
    assert (user.verified, user.protected, user.sensitive) == (False, False, False)
    assert user.followers_count == post["user"]["followersCount"]
    assert user.posts_count == post["user"]["postsCount"]
    assert user.joined_at == when(post["user"]["joinedAt"])
    assert user.cover is not None
    assert user.cover.large is not None
    assert user.cover.large.url == post["user"]["cover"]["large"]["url"]


def test_github_repository_converts() -> None:
    repo: dict[str, Any] = {
        "name": "encode/httpx",
        "description": "A next generation HTTP client for Python.",
        "owner": {"username": "encode", "url": "https://github.com/encode"},
        "starsCount": 13_000,
        "forksCount": 850,
        "watchersCount": 110,
        "contributorsCount": 200,
        "issuesCount": 50,
        "pullRequestsCount": 30,
        "commitsCount": 3_000,
        "languages": [{"name": "Python", "percentage": 99.5}, "Shell"],
        "topics": ["http", "python", 3],
        "lastCommitDate": "2025-01-01T00:00:00Z",
    }
    details = convert(body("GITHUB_REPOSITORY", "githubRepository", repo)).details
    assert isinstance(details, GithubRepository)
    assert details.name == repo["name"]
    assert details.description == repo["description"]
    assert details.owner is not None
    assert details.owner.username == repo["owner"]["username"]
    for field in ("stars", "forks", "watchers", "contributors", "issues", "commits"):
        assert getattr(details, f"{field}_count") == repo[f"{field}Count"], field
    assert details.pull_requests_count == repo["pullRequestsCount"]
    assert [(lang.name, lang.percentage) for lang in details.languages] == [
        ("Python", 99.5),
        ("Shell", None),
    ]
    assert details.topics == ("http", "python", "3")
    assert details.last_commit_date == when(repo["lastCommitDate"])


def test_other_kinds_convert() -> None:
    video = convert(
        body(
            "TIKTOK_VIDEO",
            "tiktokVideo",
            {
                "user": {"username": "khaby", "visibility": "PRIVATE"},
                "text": "hi",
                "playsCount": 9,
                "sharesCount": 3,
                "publishedAt": "2024-01-01T00:00:00",
            },
        )
    ).details
    assert isinstance(video, TiktokVideo)
    assert video.user is not None
    assert video.user.visibility is Visibility.PRIVATE
    assert video.user.verified is False
    assert (video.plays_count, video.shares_count) == (9, 3)
    assert video.published_at == datetime(2024, 1, 1, tzinfo=UTC)

    post = convert(
        body(
            "REDDIT_POST",
            "redditPost",
            {
                "type": "link",
                "user": {"username": "spez", "karma": 900_000},
                "subreddit": {"name": "r/python", "subscribers": 1_300_000},
                "likesCount": 12,
            },
        )
    ).details
    assert isinstance(post, RedditPost)
    assert post.post_type is RedditPostKind.LINK
    assert post.user is not None
    assert post.user.karma == 900_000
    assert post.subreddit is not None
    assert post.subreddit.subscribers_count == 1_300_000

    product = convert(
        body("ETSY_PRODUCT", "etsyProduct", {"productId": 42, "price": "19.90", "currency": "EUR"})
    ).details
    assert isinstance(product, EtsyProduct)
    assert (product.product_id, product.price, product.currency) == ("42", Decimal("19.90"), "EUR")

    picture = {**image("pic", 1024, 768), "width": 1024, "height": 768, "format": "jpeg"}
    preview = convert(body("IMAGE", "image", picture))
    assert isinstance(preview.details, ImageFile)
    assert (preview.details.width, preview.details.format) == (1024, "jpeg")
    assert preview.image is not None
    assert preview.image.width == 1024


@pytest.mark.parametrize("link_type", sorted(kind.value for kind in DETAILS_TYPES.values()))
def test_every_kind_survives_an_empty_or_wrong_object(link_type: str) -> None:
    key = "".join(
        part if n == 0 else part.title() for n, part in enumerate(link_type.lower().split("_"))
    )
    for obj in ({}, {"username": 5, "name": [], "likesCount": "many", "media": "x"}):
        preview = convert(body(link_type, key, obj))
        assert preview.type is LinkType(link_type)
        if preview.details is not None:
            assert DETAILS_TYPES[type(preview.details)] is LinkType(link_type)


def test_unknown_type_and_odd_common_fields() -> None:
    raw = body(
        "HOVERCRAFT",
        "hovercraft",
        {"eels": 3},
        status="200",
        size=True,
        updatedAt="yesterday",
        title=["not", "a", "string"],
        icon={"width": 16},
        image={"thumbnail": {"url": "https://cdn/x.png"}},
        redirected="yes",
    )
    preview = convert(raw)
    assert preview.type is LinkType.UNKNOWN
    assert preview.details is None
    assert preview.status == 200
    assert preview.size is None
    assert preview.title is None
    assert preview.icon is None
    assert preview.image is None
    assert preview.updated_at == NOW
    assert preview.redirected is False
    assert preview.url == "https://example.com/asked"
    assert preview.final_url == raw["url"]


def test_tiktok_user_without_username_has_no_details() -> None:
    preview = convert(body("TIKTOK_USER", "tiktokUser", {"name": "Nobody", "verified": True}))
    assert preview.type is LinkType.TIKTOK_USER
    assert preview.details is None


def test_error_bodies_and_garbage() -> None:
    failure = failure_from_body(
        "https://example.com/x",
        {"ok": False, "status": 410, "error": "LINK_IS_GONE", "message": "Gone."},
    )
    assert (failure.code.value, failure.message, failure.status) == ("LINK_IS_GONE", "Gone.", 410)
    odd = failure_from_body("https://example.com/x", {"ok": False, "error": 5, "message": None})
    assert odd.code.value == "LINK_SERVER_ERROR"
    assert odd.message
    assert decode_body(b"\xff\xfe") is None
    assert decode_body(b"[" * 100_000) is None
    assert decode_body(b'{"n": 2500000000}') == {"n": 2_500_000_000}


def test_page_language_and_redirection_fields_are_read() -> None:
    trail = ["http://a.example/x", "https://a.example/x", "https://www.a.example/x"]
    raw = body(
        "PAGE",
        "page",
        {
            "siteName": "A Example",
            "headline": "Harbour wall",
            "authors": ["Ada Byron", "Alan Turing"],
            "publishedAt": "2024-05-01T06:30:00Z",
            "estimatedReadingTimeInMinutes": 4,
            "rawTextUrl": "https://cdn.peekalink.io/text.txt",
            "htmlUrl": "https://cdn.peekalink.io/page.html",
        },
        language="pt-BR",
        redirected=True,
        redirectionUrl=trail[-1],
        redirectionCount=2,
        redirectionTrail=trail,
    )
    preview = to_preview("http://a.example/x", raw, fetched_at=NOW)
    assert preview.language == "pt"
    assert (preview.redirection_url, preview.redirection_count) == (trail[-1], 2)
    assert preview.redirection_trail == tuple(trail)
    page = preview.page
    assert page is not None
    assert (page.site_name, page.headline) == ("A Example", "Harbour wall")
    assert page.authors == ("Ada Byron", "Alan Turing")
    assert page.published_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert page.estimated_reading_time_in_minutes == 4
    assert page.raw_text_url == "https://cdn.peekalink.io/text.txt"
    assert page.html_url == "https://cdn.peekalink.io/page.html"
    assert page.markdown_url is None


def test_a_page_object_on_another_kind_is_not_read() -> None:
    raw = body("X_USER", "xUser", {"username": "a"}, page={"headline": "not a page"})
    assert to_preview("https://x.com/a", raw, fetched_at=NOW).page is None
