"""Real corpus pages of each platform, and direct file links, come back typed through the app.

The page is fetched from the HTTPS test origin under its real host name. What each answer must
say is read from the link itself (the id or handle it names) or from bytes the test made, never
copied from the saved page; tests/sites checks every field against each page's own data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import GraphClient
from tests.files.samples import mp4, png
from tests.support.origin import CorpusOrigin

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { type title image { original { url width height } } }
    ... on TiktokVideoPreview { tiktokVideo { id user { username } } }
    ... on YoutubeVideoPreview { youtubeVideo { videoId } }
    ... on YoutubeUserPreview { youtubeUser { channelId } }
    ... on XPostPreview { xPost { id user { username } } }
    ... on XUserPreview { xUser { username } }
    ... on InstagramPostPreview { instagramPost { id } }
    ... on InstagramUserPreview { instagramUser { username } }
    ... on RedditPostPreview { redditPost { subreddit { name } } }
    ... on GithubRepositoryPreview { githubRepository { name owner { username } } }
    ... on AmazonProductPreview { amazonProduct { productId } }
    ... on ImagePreview { imageFile { width height format hasAlphaChannel } }
    ... on VideoPreview { video { format width height duration } }
    ... on PreviewError { code message }
  }
}
"""

Check = Callable[[str, dict[str, Any]], None]


def _path(url: str) -> list[str]:
    return [part for part in urlsplit(url).path.split("/") if part]


def tiktok_video(url: str, answer: dict[str, Any]) -> None:
    handle, _, video_id = _path(url)
    assert answer["tiktokVideo"]["id"] == video_id
    assert answer["tiktokVideo"]["user"]["username"] == handle.removeprefix("@")


def youtube_video(url: str, answer: dict[str, Any]) -> None:
    assert answer["youtubeVideo"]["videoId"] == parse_qs(urlsplit(url).query)["v"][0]


def youtube_user(url: str, answer: dict[str, Any]) -> None:
    assert answer["youtubeUser"]["channelId"] == _path(url)[1]


def x_post(url: str, answer: dict[str, Any]) -> None:
    handle, _, post_id = _path(url)
    assert answer["xPost"]["id"] == post_id
    assert answer["xPost"]["user"]["username"].lower() == handle.lower()


def x_user(url: str, answer: dict[str, Any]) -> None:
    assert answer["xUser"]["username"].lower() == _path(url)[0].lower()


def instagram_post(url: str, answer: dict[str, Any]) -> None:
    assert answer["instagramPost"]["id"] == _path(url)[1]


def instagram_user(url: str, answer: dict[str, Any]) -> None:
    assert answer["instagramUser"]["username"] == _path(url)[0]


def reddit_post(url: str, answer: dict[str, Any]) -> None:
    assert answer["redditPost"]["subreddit"]["name"].lower() == _path(url)[1].lower()


def github_repository(url: str, answer: dict[str, Any]) -> None:
    # The page names the repository as GitHub does today (a renamed repository redirects), so
    # only its shape is known from the link: owner/name, with the owner its first part.
    repository = answer["githubRepository"]
    owner, _, name = repository["name"].partition("/")
    assert owner
    assert name
    assert repository["owner"]["username"] == owner


def amazon_product(url: str, answer: dict[str, Any]) -> None:
    asin = re.search(r"/dp/([A-Z0-9]{10})", url)
    assert asin is not None
    assert answer["amazonProduct"]["productId"] == asin.group(1)


PAGES: dict[str, tuple[str, Check]] = {
    "https://www.tiktok.com/@illojuan/video/7571863205253778710": (
        "TIKTOK_VIDEO",
        tiktok_video,
    ),
    "https://www.youtube.com/watch?v=hwMkbaS_M_c": ("YOUTUBE_VIDEO", youtube_video),
    "https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA": ("YOUTUBE_USER", youtube_user),
    "https://x.com/verge/status/957383241714970624": ("X_POST", x_post),
    "https://x.com/kikobeats": ("X_USER", x_user),
    "https://www.instagram.com/p/CPeC-Eenc8l/": ("INSTAGRAM_POST", instagram_post),
    "https://www.instagram.com/pluto__travel/": ("INSTAGRAM_USER", instagram_user),
    "https://www.reddit.com/r/lotus/comments/1pzbv0z/my_lotus_elise_72d_with_17_rays_volk_gtp/": (
        "REDDIT_POST",
        reddit_post,
    ),
    "https://github.com/steventroughtonsmith/marzipanify": (
        "GITHUB_REPOSITORY",
        github_repository,
    ),
    (
        "https://www.amazon.com/The-Whole-Truth-Shaw-Book-ebook/dp/B0011UCPM4/"
        "ref=pd_zg_rss_ts_b_17_6?ie=UTF8&tag=recomshop-22"
    ): ("AMAZON_PRODUCT", amazon_product),
}


def type_name(link_type: str) -> str:
    """TIKTOK_VIDEO → TiktokVideoPreview, the graph's naming rule."""
    return "".join(part.capitalize() for part in link_type.split("_")) + "Preview"


@pytest.mark.parametrize("url", sorted(PAGES))
def test_platform_page_comes_back_typed(graph: GraphClient, url: str) -> None:
    link_type, check = PAGES[url]
    answer = graph.query(QUERY, url=url)["preview"]
    assert answer["__typename"] == type_name(link_type), answer
    assert answer["type"] == link_type
    assert answer["title"]
    check(url, answer)


def test_direct_image_link_is_an_image(graph: GraphClient, origin: CorpusOrigin) -> None:
    url = "https://www.tiktok.com/linkgraph-test/photo.png"
    origin.add(url, png(120, 90, alpha=True), "image/png")
    answer = graph.query(QUERY, url=url)["preview"]
    assert answer["__typename"] == "ImagePreview", answer
    assert answer["type"] == "IMAGE"
    assert answer["imageFile"] == {
        "width": 120,
        "height": 90,
        "format": "png",
        "hasAlphaChannel": True,
    }
    # Fetched once: the bytes read are the ones stored, with no second download.
    assert origin.count(url) == 1
    stored = answer["image"]["original"]
    assert (stored["width"], stored["height"]) == (120, 90)
    assert "/media/" in stored["url"]


def test_direct_video_link_is_a_video(graph: GraphClient, origin: CorpusOrigin) -> None:
    url = "https://www.tiktok.com/linkgraph-test/clip.mp4"
    origin.add(url, mp4(seconds=4, width=320, height=240), "video/mp4")
    answer = graph.query(QUERY, url=url)["preview"]
    assert answer["__typename"] == "VideoPreview", answer
    assert answer["type"] == "VIDEO"
    video = answer["video"]
    assert (video["width"], video["height"]) == (320, 240)
    assert video["duration"] == pytest.approx(4.0)
    assert video["format"] == "mp4"
