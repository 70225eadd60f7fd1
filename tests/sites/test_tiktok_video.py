"""The TikTok video rule: the saved video page, then small pages in each shape TikTok has used
and for each fallback source."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from extraction.oembed import OEmbed
from extraction.page import ParsedPage, parse_page
from model.record import LinkType, MediaKind, TiktokVideo
from sites import apply_site_rules
from sites.tiktok_video import video_url
from tests.sites.rules import read_rule, rule_matches

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
VIDEO_FILE = "pages/metascraper/metascraper-tiktok/fixtures/video.html"
URL = "https://www.tiktok.com/@khaby.lame/video/7212345678901234567"
VIDEO_ID = "7212345678901234567"
COVER = "https://p16-sign.tiktokcdn-us.com/obj/cover~tplv-tiktokx-cropcenter:300:400.jpeg"


def html_page(head: str = "", body: str = "", url: str = URL) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body>{body}</body></html>".encode(), url=url)


def script(script_id: str, data: object) -> str:
    raw = json.dumps(data).replace("/", "\\u002F")
    return f'<script id="{script_id}" type="application/json">{raw}</script>'


def item(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": VIDEO_ID,
        "desc": "Learn from it #learnfromkhaby",
        "createTime": "1679000000",
        "author": {"id": "1279", "uniqueId": "khaby.lame", "nickname": "Khabane", "verified": True},
        "authorStatsV2": {"followerCount": "162400123", "videoCount": "1287"},
        "authorStats": {"followerCount": 162400000, "heartCount": 2500000000},
        "stats": {"diggCount": 1000, "commentCount": 20, "playCount": 90000, "shareCount": 3},
        "statsV2": {"diggCount": "1001", "playCount": "90001"},
        "video": {"cover": COVER, "duration": 15, "width": 576, "height": 1024},
    }
    data.update(overrides)
    return data


def universal(item_struct: object) -> ParsedPage:
    detail = {"itemInfo": {"itemStruct": item_struct}, "statusCode": 0}
    data = {"__DEFAULT_SCOPE__": {"webapp.video-detail": detail}}
    return html_page(body=script("__UNIVERSAL_DATA_FOR_REHYDRATION__", data))


def read(page: ParsedPage, url: str = URL) -> TiktokVideo:
    extract = read_rule("tiktok-video", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.TIKTOK_VIDEO
    assert isinstance(extract.details, TiktokVideo)
    return extract.details


@pytest.mark.parametrize(
    ("url", "video_id", "handle"),
    [
        (URL, VIDEO_ID, "khaby.lame"),
        ("https://tiktok.com/@a.b_c/video/123/", "123", "a.b_c"),
        (
            "https://www.tiktok.com/@user/photo/7300000000000000000?lang=en",
            "7300000000000000000",
            "user",
        ),
        ("https://m.tiktok.com/v/6800000000000000000.html", "6800000000000000000", None),
    ],
)
def test_video_urls(url: str, video_id: str, handle: str | None) -> None:
    target = video_url(url)
    assert target is not None
    assert (target.video_id, target.handle) == (video_id, handle)
    assert not rule_matches("tiktok-profile", url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.tiktok.com/@khaby.lame",
        "https://vm.tiktok.com/ZMabcdef/",
        "https://www.tiktok.com/@user/video/",
        "https://www.tiktok.com/@user/video/12a",
        "https://www.tiktok.com.evil.example/@user/video/1",
        "ftp://www.tiktok.com/@user/video/1",
        "https://www.tiktok.com/@user/video/1/extra",
        "http://[::1",
    ],
)
def test_other_urls_are_not_videos(url: str) -> None:
    assert not rule_matches("tiktok-video", url)


def corpus_video() -> tuple[str, bytes]:
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    entry = next(entry for entry in manifest if entry["file"] == VIDEO_FILE)
    return entry["url"], (CORPUS / VIDEO_FILE).read_bytes()


@pytest.mark.skipif(not (CORPUS / VIDEO_FILE).is_file(), reason="the shared corpus is absent")
def test_saved_video_page_matches_its_own_data() -> None:
    url, body = corpus_video()
    found = re.search(
        rb'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', body, re.S
    )
    assert found is not None
    own = json.loads(found.group(1))["__DEFAULT_SCOPE__"]["webapp.video-detail"]
    expected = own["itemInfo"]["itemStruct"]
    extract = apply_site_rules(url, parse_page(body, url=url))
    assert extract is not None
    assert isinstance(extract.details, TiktokVideo)
    video = extract.details
    assert video.id == expected["id"] == url.rsplit("/", 1)[-1]
    assert video.text == expected["desc"] == extract.description
    assert video.published_at == datetime.fromtimestamp(int(expected["createTime"]), tz=UTC)
    stats = expected["statsV2"]
    assert video.likes_count == int(stats["diggCount"])
    assert video.comments_count == int(stats["commentCount"])
    assert video.plays_count == int(stats["playCount"])
    assert video.shares_count == int(stats["shareCount"])
    assert video.duration == expected["video"]["duration"]
    assert video.user is not None
    assert video.user.username == expected["author"]["uniqueId"]
    assert video.user.name == expected["author"]["nickname"]
    assert video.user.verified is expected["author"]["verified"]
    assert video.user.followers_count == int(expected["authorStatsV2"]["followerCount"])
    (media,) = video.media
    assert media.kind is MediaKind.VIDEO
    assert media.image is not None
    assert media.image.source_url == expected["video"]["cover"]
    assert (media.width, media.height) == (expected["video"]["width"], expected["video"]["height"])


def test_rehydration_item() -> None:
    video = read(universal(item()))
    assert video.id == VIDEO_ID
    assert video.text == "Learn from it #learnfromkhaby"
    assert video.published_at == datetime.fromtimestamp(1679000000, tz=UTC)
    assert (video.likes_count, video.plays_count) == (1001, 90001)  # statsV2 first
    assert (video.comments_count, video.shares_count) == (20, 3)  # then stats
    assert video.duration == 15.0
    assert video.user is not None
    assert (video.user.username, video.user.name, video.user.id) == (
        "khaby.lame",
        "Khabane",
        "1279",
    )
    assert video.user.followers_count == 162400123
    assert video.user.likes_count == 2500000000
    (media,) = video.media
    assert media.image is not None
    assert (media.image.source_url, media.image.width, media.image.height) == (COVER, 300, 400)
    assert (media.width, media.height, media.duration) == (576, 1024, 15.0)


def test_photo_post_lists_its_images() -> None:
    images = [
        {
            "imageURL": {"urlList": [f"https://p16.tiktokcdn.com/photo{n}.jpeg"]},
            "imageWidth": 1080,
            "imageHeight": 1440,
        }
        for n in range(3)
    ]
    video = read(universal(item(imagePost={"images": [*images, {"imageURL": {"urlList": []}}, 5]})))
    assert [media.kind for media in video.media] == [MediaKind.IMAGE] * 3
    assert [media.image.source_url for media in video.media if media.image] == [
        f"https://p16.tiktokcdn.com/photo{n}.jpeg" for n in range(3)
    ]
    assert all((media.width, media.height) == (1080, 1440) for media in video.media)


def test_next_data_item() -> None:
    data = {"props": {"pageProps": {"itemInfo": {"itemStruct": item(desc="from next")}}}}
    assert read(html_page(body=script("__NEXT_DATA__", data))).text == "from next"


def test_sigi_state_item_with_author_by_handle() -> None:
    entry = item(author="khaby.lame")
    del entry["authorStats"], entry["authorStatsV2"]
    data = {
        "ItemModule": {VIDEO_ID: entry},
        "UserModule": {
            "users": {"khaby.lame": {"uniqueId": "khaby.lame", "nickname": "K"}},
            "stats": {"khaby.lame": {"followerCount": 7}},
        },
    }
    video = read(html_page(body=f'<script id="SIGI_STATE">{json.dumps(data)}</script>'))
    assert video.user is not None
    assert (video.user.name, video.user.followers_count) == ("K", 7)
    assert video.likes_count == 1001


def test_json_ld_video_object_only() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": "caption",
        "description": "caption text",
        "uploadDate": "2023-03-16T21:33:20.000Z",
        "duration": "PT15S",
        "thumbnailUrl": [COVER],
        "commentCount": "20",
        "creator": {"@type": "Person", "name": "Khabane", "alternateName": "@khaby.lame"},
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": {"@type": "LikeAction"},
                "userInteractionCount": 1001,
            },
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/WatchAction",
                "userInteractionCount": "90001",
            },
        ],
    }
    page = html_page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    video = read(page)
    assert video.text == "caption text"
    assert video.published_at == datetime(2023, 3, 16, 21, 33, 20, tzinfo=UTC)
    assert (video.likes_count, video.plays_count, video.comments_count) == (1001, 90001, 20)
    assert video.shares_count is None
    assert video.duration == 15.0
    assert video.user is not None
    assert (video.user.username, video.user.name) == (
        "khaby.lame",
        "Khabane",
    )


def test_oembed_only() -> None:
    oembed = OEmbed(
        type="video",
        title="oembed caption",
        author_name="Khabane",
        author_url="https://www.tiktok.com/@khaby.lame",
        thumbnail_url=COVER,
        thumbnail_width=720,
        thumbnail_height=1280,
    )
    video = read(dataclasses.replace(html_page(), oembed=oembed))
    assert video.id == VIDEO_ID
    assert video.text == "oembed caption"
    assert video.user is not None
    assert video.user.username == "khaby.lame"
    assert video.user.followers_count is None
    (media,) = video.media
    assert media.image is not None
    assert (media.image.width, media.image.height) == (720, 1280)
    assert video.likes_count is None
    assert video.published_at is None


OEMBED = OEmbed(
    type="video",
    title="oembed caption",
    author_name="Khabane from oEmbed",
    author_url="https://www.tiktok.com/@khaby.lame",
    thumbnail_url=COVER,
    thumbnail_width=720,
    thumbnail_height=1280,
)


def test_oembed_fills_what_the_page_data_left_out() -> None:
    bare = item(desc="", author={"uniqueId": "khaby.lame"}, video={"duration": 15})
    page = dataclasses.replace(universal(bare), oembed=OEMBED)
    extract = read_rule("tiktok-video", URL, page)
    assert extract is not None
    video = extract.details
    assert isinstance(video, TiktokVideo)
    assert video.text == "oembed caption"
    assert extract.title == "oembed caption"  # the page had no caption of its own
    assert video.user is not None
    assert (video.user.username, video.user.name) == ("khaby.lame", "Khabane from oEmbed")
    (media,) = video.media
    assert media.image is not None
    assert media.image.source_url == COVER
    assert media.duration == 15  # the page's own reading kept
    assert video.likes_count == 1001


def test_the_page_data_wins_over_the_oembed() -> None:
    page = dataclasses.replace(universal(item()), oembed=OEMBED)
    extract = read_rule("tiktok-video", URL, page)
    assert extract is not None
    video = extract.details
    assert isinstance(video, TiktokVideo)
    assert video.text == "Learn from it #learnfromkhaby"
    assert extract.title is None  # the page's own title stands
    assert video.user is not None
    assert video.user.name == "Khabane"


def test_oembed_names_the_author_of_an_open_graph_only_page() -> None:
    head = f'<meta property="og:url" content="{URL}">'
    video = read(dataclasses.replace(html_page(head), oembed=OEMBED))
    assert video.user is not None
    assert video.user.name == "Khabane from oEmbed"
    assert video.text == "oembed caption"


def test_open_graph_only_when_og_url_names_the_video() -> None:
    head = f'<meta property="og:url" content="{URL}"><meta property="og:image" content="{COVER}">'
    video = read(html_page(head))
    assert video.id == VIDEO_ID
    assert video.user is not None
    assert (video.user.username, video.user.verified, video.user.name) == (
        "khaby.lame",
        False,
        None,
    )
    assert video.user.profile_url == "https://www.tiktok.com/@khaby.lame"
    assert video.media[0].image is not None
    assert video.media[0].image.source_url == COVER
    assert video.text is None
    assert video.likes_count is None
    other = f'<meta property="og:url" content="{URL[:-1]}9">'
    assert read_rule("tiktok-video", URL, html_page(other)) is None


def test_page_without_video_data_is_not_a_video() -> None:
    assert read_rule("tiktok-video", URL, html_page("<title>TikTok</title>")) is None
    assert (
        read_rule("tiktok-video", "https://www.tiktok.com/@khaby.lame", universal(item())) is None
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"author": ["khaby"], "stats": "many", "statsV2": None, "video": [1, 2]},
        {"createTime": -5, "desc": 7, "id": None, "imagePost": {"images": "x"}},
        {
            "stats": {"diggCount": -1, "playCount": True, "commentCount": "1e3"},
            "video": {"cover": 5},
        },
        {"createTime": "99999999999999999999", "authorStats": [], "authorStatsV2": "x"},
    ],
)
def test_odd_item_data_gives_none_fields(overrides: dict[str, Any]) -> None:
    video = read(universal(item(**overrides)))
    assert video.id == VIDEO_ID
    for field in ("likes_count", "plays_count", "comments_count"):
        value = getattr(video, field)
        assert value is None or (isinstance(value, int) and value >= 0)


@pytest.mark.parametrize("item_struct", [None, [], "x", 5, {}])
def test_item_of_the_wrong_type_is_not_a_video(item_struct: object) -> None:
    assert read_rule("tiktok-video", URL, universal(item_struct)) is None
