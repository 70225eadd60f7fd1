"""Platforms use their oEmbed answer where the page's own data is missing, end to end
(TikTok and YouTube; the other platforms' rules are held to it in tests/sites).

TikTok often serves a video's URL as a shell: TikTok's placeholder title and none of the
video's data. Its oEmbed endpoint still names the caption, the author and the cover. Here the
saved video page is turned into such a shell (its scripts removed), the oEmbed answer TikTok
would give is built from what the saved page itself says (read independently, below) and
served at TikTok's endpoint on the corpus origin, and the preview must carry that caption,
author and cover. On the whole page, the page's own data wins over a differing oEmbed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from extraction.oembed import provider_endpoint
from tests.conftest import GraphClient
from tests.graph.test_tiktok_media import photo
from tests.support.origin import CORPUS_DIR, CorpusOrigin

FILE = "pages/metascraper/metascraper-tiktok/fixtures/video.html"
URL = "https://www.tiktok.com/@illojuan/video/7571863205253778710"
PLACEHOLDER = "TikTok - Make Your Day"

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { title description image { original { width height } } }
    ... on TiktokVideoPreview {
      tiktokVideo {
        id text
        user { username name }
        media { kind image { sourceUrl original { width height } } }
      }
    }
    ... on PreviewError { code message }
  }
}
"""


def saved_item() -> dict[str, Any]:
    """The video as the saved page's rehydration data states it."""
    html = (CORPUS_DIR / FILE).read_text()
    match = re.search(
        r'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', html, re.S
    )
    assert match, "the saved page has rehydration data"
    data = json.loads(match.group(1))["__DEFAULT_SCOPE__"]["webapp.video-detail"]
    item: dict[str, Any] = data["itemInfo"]["itemStruct"]
    return item


def shell() -> bytes:
    """The saved page as TikTok serves it to a client it will not render for: no scripts
    (so no data), the placeholder title."""
    html = (CORPUS_DIR / FILE).read_text()
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    html = re.sub(r"<title>.*?</title>", f"<title>{PLACEHOLDER}</title>", html, flags=re.S)
    return html.encode()


def serve_oembed(origin: CorpusOrigin, page_url: str, **answer: object) -> None:
    endpoint = provider_endpoint(page_url)
    assert endpoint is not None
    body = {"version": "1.0", "type": "video", "provider_name": "TikTok", **answer}
    origin.add(endpoint, json.dumps(body).encode(), "application/json")


def test_a_shell_page_is_previewed_from_the_oembed(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    item = saved_item()
    caption, author = item["desc"], item["author"]
    cover = item["video"]["cover"]
    url = f"{URL}?is_from_webapp=1"
    origin.add(url, shell())
    origin.add(cover, photo(288, 512), "image/jpeg")
    serve_oembed(
        origin,
        url,
        title=caption,
        author_name=author["nickname"],
        author_url=f"https://www.tiktok.com/@{author['uniqueId']}",
        thumbnail_url=cover,
        thumbnail_width=288,
        thumbnail_height=512,
    )
    preview = graph.query(QUERY, url=url)["preview"]
    assert preview["__typename"] == "TiktokVideoPreview", preview
    assert preview["title"] == caption != PLACEHOLDER
    video = preview["tiktokVideo"]
    assert video["id"] == item["id"]
    assert video["text"] == caption
    assert video["user"] == {"username": author["uniqueId"], "name": author["nickname"]}
    assert video["media"][0]["kind"] == "VIDEO"
    assert video["media"][0]["image"]["sourceUrl"] == cover
    assert video["media"][0]["image"]["original"] == {"width": 288, "height": 512}
    assert preview["image"]["original"] == {"width": 288, "height": 512}


def test_the_page_own_data_wins_over_the_oembed(graph: GraphClient, origin: CorpusOrigin) -> None:
    item = saved_item()
    url = f"{URL}?lang=es"
    origin.add(url, (CORPUS_DIR / FILE).read_bytes())
    serve_oembed(
        origin,
        url,
        title="Another caption",
        author_name="Someone Else",
        author_url="https://www.tiktok.com/@someone.else",
    )
    preview = graph.query(QUERY, url=url)["preview"]
    video = preview["tiktokVideo"]
    assert video["text"] == item["desc"]
    assert video["user"] == {
        "username": item["author"]["uniqueId"],
        "name": item["author"]["nickname"],
    }
    # The oEmbed was asked (the page advertises none; TikTok's endpoint is built in).
    assert origin.count(provider_endpoint(url) or "") == 1


YOUTUBE_FILE = "pages/metascraper/metascraper-youtube/fixtures/youtube-video.html"
YOUTUBE_QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on YoutubeVideoPreview {
      youtubeVideo { videoId user { name url } thumbnail { sourceUrl } }
    }
    ... on PreviewError { code message }
  }
}
"""


def test_a_youtube_page_without_its_player_data_names_the_channel_from_the_oembed(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    html = (CORPUS_DIR / YOUTUBE_FILE).read_text()
    start = re.search(r"var ytInitialPlayerResponse\s*=\s*", html)
    assert start, "the saved page has its player data"
    details = json.JSONDecoder().raw_decode(html, start.end())[0]["videoDetails"]
    advertised = re.search(r'type="application/json\+oembed" href="([^"]+)"', html)
    assert advertised, "the saved page advertises its oEmbed"
    endpoint = advertised.group(1).replace("&amp;", "&")
    # The page as served without its scripts: OpenGraph still names the video, nothing
    # names its channel.
    url = f"https://www.youtube.com/watch?v={details['videoId']}&feature=shell"
    origin.add(url, re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I).encode())
    channel_url = f"https://www.youtube.com/channel/{details['channelId']}"
    body = {"version": "1.0", "type": "video", "author_name": details["author"]}
    origin.add(
        endpoint, json.dumps({**body, "author_url": channel_url}).encode(), "application/json"
    )
    preview = graph.query(YOUTUBE_QUERY, url=url)["preview"]
    assert preview["__typename"] == "YoutubeVideoPreview", preview
    video = preview["youtubeVideo"]
    assert video["videoId"] == details["videoId"]
    assert video["user"] == {"name": details["author"], "url": channel_url}
    assert origin.count(endpoint) == 1
