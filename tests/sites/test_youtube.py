"""The YouTube video and channel rules: the saved pages, checked against their own data, then
small pages for each fallback source and for odd data."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from extraction.oembed import OEmbed
from extraction.page import ParsedPage, parse_page
from model.record import LinkType, YoutubeUser, YoutubeVideo
from sites import apply_site_rules
from sites.base import SiteExtract, match_url
from sites.youtube import RULES, video_id
from tests.sites.rules import read_rule

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PAGES = "pages/metascraper/metascraper-youtube/fixtures/"
MODERN_VIDEOS = [
    f"{PAGES}youtube-video.html",
    f"{PAGES}youtube-list.html",
    f"{PAGES}youtube-video-old.html",
]
CHANNEL = f"{PAGES}youtube-channel.html"
MICRODATA_VIDEOS = [
    "pages/postlight-parser/www.youtube.com.html",
    "pages/metainspector/youtube.response",
]
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "manifest.json").is_file(), reason="the shared corpus is absent"
)

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
ID = "dQw4w9WgXcQ"
CHANNEL_URL = "https://www.youtube.com/@rick"
CHANNEL_ID = "UCuAXFkgsw1L7xaCfnd5JJOw"


def corpus_page(file: str) -> tuple[str, str, ParsedPage]:
    """The page's URL, its body as text, and its parse, served as the origin would."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    url = next(entry["url"] for entry in manifest if entry["file"] == file)
    raw = (CORPUS / file).read_bytes()
    if raw.startswith(b"HTTP/"):  # a raw response: headers, blank line, body
        raw = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[1]
    return url, raw.decode("utf-8", "replace"), parse_page(raw, url=url)


def own_json(text: str, name: str) -> Any:
    """The page's own `var name = {...}`, read here independently of extraction/."""
    start = re.search(rf"var {name}\s*=\s*", text)
    assert start is not None
    return json.JSONDecoder().raw_decode(text, start.end())[0]


def html_page(head: str = "", body: str = "", url: str = URL) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body>{body}</body></html>".encode(), url=url)


def state(name: str, data: object) -> str:
    return f'<script nonce="n">var {name} = {json.dumps(data)};</script>'


def video_of(extract: SiteExtract | None) -> YoutubeVideo:
    assert extract is not None
    assert extract.link_type is LinkType.YOUTUBE_VIDEO
    assert isinstance(extract.details, YoutubeVideo)
    return extract.details


def channel_of(extract: SiteExtract | None) -> YoutubeUser:
    assert extract is not None
    assert extract.link_type is LinkType.YOUTUBE_USER
    assert isinstance(extract.details, YoutubeUser)
    return extract.details


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (URL, ID),
        ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=1", ID),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", ID),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", ID),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", ID),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ?start=3", ID),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", ID),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", ID),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://www.youtube.com/watch", None),
        ("https://youtu.be/", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/@rick", None),
        ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
        ("http://[::1", None),
    ],
)
def test_video_urls(url: str, expected: str | None) -> None:
    assert video_id(url) == expected


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        (URL, "youtube-video"),
        ("https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw", "youtube-channel"),
        ("https://www.youtube.com/@rick.astley-1/videos", "youtube-channel"),
        ("https://www.youtube.com/c/RickAstley", "youtube-channel"),
        ("https://www.youtube.com/user/RickAstleyVEVO/", "youtube-channel"),
        ("https://www.youtube.com/channel/UCshort", None),
        ("https://www.youtube.com/feed/trending", None),
        ("https://www.youtube.com/@rick/unknown-tab", None),
    ],
)
def test_rules_claim_their_urls_only(url: str, rule: str | None) -> None:
    claimed = [each.name for each in RULES if match_url(each.url, url)]
    assert claimed == ([rule] if rule else [])


@needs_corpus
@pytest.mark.parametrize("file", MODERN_VIDEOS)
def test_saved_watch_pages_match_their_player_response(file: str) -> None:
    url, text, page = corpus_page(file)
    player = own_json(text, "ytInitialPlayerResponse")
    details = player["videoDetails"]
    micro = player["microformat"]["playerMicroformatRenderer"]
    extract = apply_site_rules(url, page)
    video = video_of(extract)
    assert extract is not None
    assert video.video_id == details["videoId"] == video_id(url)
    assert video.duration == int(details["lengthSeconds"])
    assert video.views_count == int(details["viewCount"])
    assert video.published_at == datetime.fromisoformat(micro["publishDate"])
    widest = max(details["thumbnail"]["thumbnails"], key=lambda thumbnail: thumbnail["width"])
    assert video.thumbnail is not None
    assert video.thumbnail.source_url == widest["url"]
    assert extract.title == details["title"]
    assert extract.description == details["shortDescription"]
    assert video.user is not None
    assert video.user.channel_id == details["channelId"]
    assert video.user.name == details["author"]
    assert video.user.is_family_safe is micro["isFamilySafe"]
    assert video.user.username is not None
    assert micro["ownerProfileUrl"].endswith("/@" + video.user.username)
    # YouTube writes these only as rounded text on the page: never reported.
    assert video.likes_count is None
    assert video.user.subscribers_count is None


@needs_corpus
def test_saved_channel_page_matches_its_initial_data() -> None:
    url, text, page = corpus_page(CHANNEL)
    data = own_json(text, "ytInitialData")
    meta = data["metadata"]["channelMetadataRenderer"]
    header = data["header"]["c4TabbedHeaderRenderer"]
    extract = apply_site_rules(url, page)
    channel = channel_of(extract)
    assert extract is not None
    assert channel.channel_id == meta["externalId"] == url.rsplit("/", 1)[-1]
    assert channel.name == meta["title"] == extract.title
    assert channel.description == meta["description"]
    assert channel.username is not None
    assert meta["vanityChannelUrl"].endswith("/@" + channel.username)
    assert channel.avatar is not None
    assert channel.avatar.source_url == meta["avatar"]["thumbnails"][0]["url"]
    assert channel.banner is not None
    assert channel.banner.width == max(banner["width"] for banner in header["banner"]["thumbnails"])
    styles = {badge["metadataBadgeRenderer"]["style"] for badge in header.get("badges", [])}
    assert channel.verified is ("BADGE_STYLE_TYPE_VERIFIED" in styles)
    assert channel.is_family_safe is meta["isFamilySafe"]
    assert channel.subscribers_count is None
    assert channel.videos_count is None


def itemprop(text: str, name: str) -> str | None:
    found = re.search(rf'<meta itemprop="{name}" content="([^"]*)"', text)
    return html.unescape(found.group(1)) if found else None


def iso_seconds(duration: str) -> int:
    found = re.fullmatch(r"PT(?:(\d+)M)?(?:(\d+)S)?", duration)
    assert found is not None
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


@needs_corpus
@pytest.mark.parametrize("file", MICRODATA_VIDEOS)
def test_saved_microdata_watch_pages(file: str) -> None:
    url, text, page = corpus_page(file)
    video = video_of(apply_site_rules(url, page))
    assert video.video_id == video_id(url)
    duration = itemprop(text, "duration")
    assert duration is not None
    assert video.duration == iso_seconds(duration)
    views = itemprop(text, "interactionCount")
    assert video.views_count == (int(views) if views else None)
    channel_id = itemprop(text, "channelId")
    assert (video.user.channel_id if video.user else None) == channel_id
    assert video.published_at is None  # a bare date: the instant is unknown


def test_player_response_with_owner_renderer() -> None:
    player = {
        "videoDetails": {
            "videoId": ID,
            "title": "Never Gonna Give You Up",
            "lengthSeconds": "212",
            "viewCount": "1600000000",
            "author": "Rick Astley",
            "channelId": CHANNEL_ID,
            "shortDescription": "The official video",
            "thumbnail": {
                "thumbnails": [
                    {"url": "https://i.ytimg.com/vi/x/sd.jpg", "width": 640, "height": 480}
                ]
            },
        },
        "microformat": {
            "playerMicroformatRenderer": {
                "publishDate": "2009-10-24T23:57:33-07:00",
                "ownerProfileUrl": "http://www.youtube.com/@RickAstleyYT",
                "isFamilySafe": False,
            }
        },
    }
    owner = {
        "thumbnail": {"thumbnails": [{"url": "//yt3.ggpht.com/a=s48", "width": 48, "height": 48}]},
        "badges": [{"metadataBadgeRenderer": {"style": "BADGE_STYLE_TYPE_VERIFIED_ARTIST"}}],
        "subscriberCountText": {"simpleText": "4.2M subscribers"},
    }
    contents = [{"videoSecondaryInfoRenderer": {"owner": {"videoOwnerRenderer": owner}}}]
    data = {
        "contents": {"twoColumnWatchNextResults": {"results": {"results": {"contents": contents}}}}
    }
    page = html_page(body=state("ytInitialPlayerResponse", player) + state("ytInitialData", data))
    extract = read_rule("youtube-video", URL, page)
    video = video_of(extract)
    assert extract is not None
    assert (extract.title, extract.description) == ("Never Gonna Give You Up", "The official video")
    assert (video.duration, video.views_count) == (212, 1_600_000_000)
    assert video.published_at == datetime(2009, 10, 25, 6, 57, 33, tzinfo=UTC)
    assert video.user == YoutubeUser(
        channel_id=CHANNEL_ID,
        username="RickAstleyYT",
        name="Rick Astley",
        url="https://www.youtube.com/@RickAstleyYT",
        avatar=video.user.avatar if video.user else None,
        is_family_safe=False,
        verified=True,
    )
    assert video.user.avatar is not None
    assert video.user.avatar.source_url == "https://yt3.ggpht.com/a=s48"
    assert video.user.subscribers_count is None


def test_json_ld_video_object_only() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": "LD title",
        "description": "LD description",
        "uploadDate": "2009-10-25T06:57:33Z",
        "duration": "PT3M32S",
        "thumbnailUrl": "https://i.ytimg.com/vi/x/hq.jpg",
        "author": {"@type": "Person", "name": "Rick", "url": "https://www.youtube.com/@rick"},
        "interactionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": {"@type": "WatchAction"},
            "userInteractionCount": "42",
        },
    }
    extract = read_rule(
        "youtube-video",
        URL,
        html_page(f'<script type="application/ld+json">{json.dumps(ld)}</script>'),
    )
    video = video_of(extract)
    assert extract is not None
    assert (extract.title, extract.description) == ("LD title", "LD description")
    assert (video.duration, video.views_count, video.likes_count) == (212, 42, None)
    assert video.published_at == datetime(2009, 10, 25, 6, 57, 33, tzinfo=UTC)
    assert video.user is not None
    assert (video.user.name, video.user.username) == ("Rick", "rick")


def test_microdata_only() -> None:
    head = (
        f'<meta itemprop="videoId" content="{ID}"><meta itemprop="duration" content="PT1H2M3S">'
        '<meta itemprop="interactionCount" content="1234"><meta itemprop="name" content="Old">'
        f'<meta itemprop="channelId" content="{CHANNEL_ID}">'
        '<meta itemprop="datePublished" content="2012-03-04">'
    )
    extract = read_rule("youtube-video", URL, html_page(head))
    video = video_of(extract)
    assert extract is not None
    assert (video.duration, video.views_count, extract.title) == (3723, 1234, "Old")
    assert video.user is not None
    assert video.user.channel_id == CHANNEL_ID
    assert video.published_at is None


def test_oembed_only() -> None:
    oembed = OEmbed(
        type="video",
        title="oEmbed title",
        author_name="Rick Astley",
        author_url="https://www.youtube.com/@RickAstleyYT",
        thumbnail_url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        thumbnail_width=480,
        thumbnail_height=360,
    )
    extract = read_rule("youtube-video", URL, dataclasses.replace(html_page(), oembed=oembed))
    video = video_of(extract)
    assert extract is not None
    assert extract.title == "oEmbed title"
    assert video.user is not None
    assert (video.user.name, video.user.username) == ("Rick Astley", "RickAstleyYT")
    assert video.thumbnail is not None
    assert (video.thumbnail.width, video.thumbnail.height) == (480, 360)
    assert video.duration is None
    assert video.views_count is None


def test_open_graph_only_when_it_names_the_video() -> None:
    head = (
        f'<meta property="og:url" content="{URL}">'
        '<meta property="og:image" content="https://i.ytimg.com/vi/x/max.jpg">'
        '<meta property="og:image:width" content="1280">'
        '<meta property="og:image:height" content="720">'
    )
    video = video_of(read_rule("youtube-video", URL, html_page(head)))
    assert video.thumbnail is not None
    assert (video.thumbnail.width, video.thumbnail.height) == (1280, 720)
    assert video.user is None
    assert video.duration is None
    other = '<meta property="og:url" content="https://www.youtube.com/watch?v=aaaaaaaaaaa">'
    assert read_rule("youtube-video", URL, html_page(other)) is None
    assert read_rule("youtube-video", URL, html_page("<title>YouTube</title>")) is None


def test_channel_from_page_header_view_model() -> None:
    data = {
        "metadata": {
            "channelMetadataRenderer": {
                "externalId": CHANNEL_ID,
                "title": "Rick Astley",
                "vanityChannelUrl": "http://www.youtube.com/@RickAstleyYT",
                "isFamilySafe": True,
            }
        },
        "header": {
            "pageHeaderRenderer": {
                "content": {
                    "pageHeaderViewModel": {
                        "banner": {
                            "imageBannerViewModel": {
                                "image": {
                                    "sources": [
                                        {
                                            "url": "https://yt3.example/b",
                                            "width": 1060,
                                            "height": 175,
                                        }
                                    ]
                                }
                            }
                        }
                    }
                }
            }
        },
    }
    extract = read_rule(
        "youtube-channel",
        CHANNEL_URL,
        html_page(body=state("ytInitialData", data), url=CHANNEL_URL),
    )
    channel = channel_of(extract)
    assert (channel.channel_id, channel.username, channel.name) == (
        CHANNEL_ID,
        "RickAstleyYT",
        "Rick Astley",
    )
    assert channel.url == "https://www.youtube.com/@RickAstleyYT"
    assert channel.banner is not None
    assert channel.banner.source_url == "https://yt3.example/b"
    assert channel.verified is None  # no header that states badges
    assert channel.is_family_safe is True


def test_channel_from_open_graph_only() -> None:
    url = f"https://www.youtube.com/channel/{CHANNEL_ID}"
    head = (
        '<meta property="og:type" content="profile"><meta property="og:title" content="Rick">'
        f'<meta property="og:url" content="{url}">'
        '<meta property="og:image" content="https://yt3.example/a=s900">'
    )
    channel = channel_of(read_rule("youtube-channel", url, html_page(head, url=url)))
    assert (channel.channel_id, channel.name, channel.url) == (CHANNEL_ID, "Rick", url)
    assert channel.avatar is not None
    assert channel.subscribers_count is None
    assert (
        read_rule(
            "youtube-channel", url, html_page('<meta property="og:title" content="Rick">', url=url)
        )
        is None
    )


@pytest.mark.parametrize(
    "player",
    [
        {"videoDetails": {"videoId": ID, "lengthSeconds": "-1", "viewCount": "1.2M", "author": 5}},
        {
            "videoDetails": {
                "videoId": ID,
                "thumbnail": {"thumbnails": [5, {"url": "javascript:x"}]},
            }
        },
        {"videoDetails": {"videoId": ID}, "microformat": {"playerMicroformatRenderer": []}},
        {
            "videoDetails": {"videoId": ID},
            "microformat": {"playerMicroformatRenderer": {"publishDate": 7}},
        },
    ],
)
def test_odd_player_data_gives_none_fields(player: dict[str, Any]) -> None:
    page = html_page(
        body=state("ytInitialPlayerResponse", player) + state("ytInitialData", {"contents": []})
    )
    video = video_of(read_rule("youtube-video", URL, page))
    assert video.video_id == ID
    assert video.duration is None
    assert video.views_count is None
    assert video.thumbnail is None
    assert video.published_at is None


@pytest.mark.parametrize(
    "player",
    [
        [],
        "x",
        {"videoDetails": []},
        {"videoDetails": {"videoId": 5}},
        {"videoDetails": {"videoId": "bad"}},
    ],
)
def test_player_data_without_a_video_is_not_read(player: object) -> None:
    page = html_page(
        body=state("ytInitialPlayerResponse", {"p": player}).replace('{"p": ', "", 1)[:-1]
    )
    assert read_rule("youtube-video", URL, page) is None


@pytest.mark.parametrize(
    "data",
    [
        {"metadata": []},
        {"metadata": {"channelMetadataRenderer": {"externalId": 5}}},
        {"metadata": {"channelMetadataRenderer": {"title": "no id"}}},
        {"header": {"c4TabbedHeaderRenderer": "x"}},
    ],
)
def test_channel_data_without_an_id_is_not_read(data: object) -> None:
    page = html_page(body=state("ytInitialData", data), url=CHANNEL_URL)
    assert read_rule("youtube-channel", CHANNEL_URL, page) is None


def test_odd_channel_values_are_none() -> None:
    data = {
        "metadata": {
            "channelMetadataRenderer": {
                "externalId": CHANNEL_ID,
                "title": ["x"],
                "avatar": {"thumbnails": "x"},
                "isFamilySafe": "yes",
                "vanityChannelUrl": "https://evil.example/@x",
            }
        },
        "header": {"c4TabbedHeaderRenderer": {"badges": "x", "banner": {"thumbnails": [None]}}},
    }
    channel = channel_of(
        read_rule(
            "youtube-channel",
            CHANNEL_URL,
            html_page(body=state("ytInitialData", data), url=CHANNEL_URL),
        )
    )
    assert channel.channel_id == CHANNEL_ID
    assert (channel.name, channel.avatar, channel.banner, channel.is_family_safe) == (
        None,
        None,
        None,
        None,
    )
    assert channel.username is None
    assert channel.verified is False
    assert channel.url == f"https://www.youtube.com/channel/{CHANNEL_ID}"


def test_oembed_fills_what_the_microdata_left_out() -> None:
    head = (
        f'<meta itemprop="videoId" content="{ID}"><meta itemprop="duration" content="PT3M32S">'
        f'<meta itemprop="channelId" content="{CHANNEL_ID}">'
    )
    oembed = OEmbed(
        type="video",
        title="oEmbed title",
        author_name="Rick Astley",
        author_url="https://www.youtube.com/@RickAstleyYT",
        thumbnail_url="https://i.ytimg.com/vi/x/hqdefault.jpg",
        thumbnail_width=480,
        thumbnail_height=360,
    )
    extract = read_rule("youtube-video", URL, dataclasses.replace(html_page(head), oembed=oembed))
    video = video_of(extract)
    assert video.user is not None
    assert (video.user.channel_id, video.user.name) == (CHANNEL_ID, "Rick Astley")
    assert video.thumbnail is not None
    assert (video.thumbnail.source_url, video.thumbnail.width) == (oembed.thumbnail_url, 480)
    assert extract is not None
    assert extract.image == video.thumbnail
    assert video.duration == 212  # the page's own reading kept


def test_the_player_data_wins_over_the_oembed() -> None:
    player = {
        "videoDetails": {
            "videoId": ID,
            "title": "Player title",
            "author": "Player author",
            "channelId": CHANNEL_ID,
            "thumbnail": {"thumbnails": [{"url": "https://i.ytimg.com/vi/p.jpg", "width": 9}]},
        }
    }
    oembed = OEmbed(type="video", title="oEmbed", author_name="Someone else")
    page = dataclasses.replace(
        html_page(body=state("ytInitialPlayerResponse", player)), oembed=oembed
    )
    extract = read_rule("youtube-video", URL, page)
    video = video_of(extract)
    assert extract is not None
    assert extract.title == "Player title"
    assert video.user is not None
    assert video.user.name == "Player author"
    assert video.thumbnail is not None
    assert video.thumbnail.source_url == "https://i.ytimg.com/vi/p.jpg"
