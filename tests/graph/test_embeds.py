"""Players come back for the platform pages of the corpus, end to end through the app: the
player's address is on the provider's own player host and names the item the link names
(read from the link, never from the saved page), and the iframe is the service's own."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import GraphClient
from tests.support.origin import CORPUS_DIR

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { type embed { url html provider width height aspectRatio } }
    ... on PreviewError { code message }
  }
}
"""

# Provider → its player hosts, and how a link names the item its player must play.
PLAYERS: dict[str, tuple[set[str], Callable[[str], str]]] = {
    "youtube.com": ({"www.youtube.com"}, lambda url: parse_qs(urlsplit(url).query)["v"][0]),
    "vimeo.com": ({"player.vimeo.com"}, lambda url: urlsplit(url).path.strip("/")),
    "x.com": ({"platform.twitter.com"}, lambda url: urlsplit(url).path.split("/")[3]),
    "twitter.com": ({"platform.twitter.com"}, lambda url: urlsplit(url).path.split("/")[3]),
    "spotify.com": ({"open.spotify.com"}, lambda url: urlsplit(url).path.split("/")[-1]),
    "tiktok.com": ({"www.tiktok.com"}, lambda url: urlsplit(url).path.split("/")[-1]),
}


def _corpus_links() -> list[str]:
    manifest = CORPUS_DIR / "manifest.json"
    if not manifest.is_file():
        return []
    links = []
    for entry in json.loads(manifest.read_text()):
        url = entry["url"]
        parts = urlsplit(url)
        site = ".".join((parts.hostname or "").split(".")[-2:])
        path = parts.path
        if (
            (site == "youtube.com" and path == "/watch")
            or (site == "vimeo.com" and path.strip("/").isdigit())
            or (site in ("x.com", "twitter.com") and "/status/" in path)
            or (site == "spotify.com" and path.startswith("/track/"))
            or (site == "tiktok.com" and "/video/" in path)
        ):
            links.append(url)
    return sorted(set(links))


LINKS = _corpus_links()


def test_the_corpus_has_players_of_each_provider() -> None:
    sites = {".".join((urlsplit(url).hostname or "").split(".")[-2:]) for url in LINKS}
    assert {"youtube.com", "vimeo.com", "x.com"} <= sites


@pytest.mark.parametrize("url", LINKS)
def test_a_platform_link_has_a_player_on_its_providers_host(graph: GraphClient, url: str) -> None:
    answer = graph.query(QUERY, url=url)["preview"]
    assert answer["__typename"] != "PreviewError", answer
    embed = answer["embed"]
    assert embed is not None, answer
    site = ".".join((urlsplit(url).hostname or "").split(".")[-2:])
    hosts, item = PLAYERS[site]
    player = urlsplit(embed["url"])
    assert player.scheme == "https"
    assert player.hostname in hosts
    assert item(url) in embed["url"]
    assert embed["html"].startswith(f'<iframe src="{html.escape(embed["url"], quote=True)}"')
    assert 'sandbox="' in embed["html"]
    assert "<script" not in embed["html"].lower()
    if embed["width"] and embed["height"]:
        assert embed["aspectRatio"] == pytest.approx(embed["width"] / embed["height"], abs=1e-3)


def test_a_page_without_a_player_has_none(graph: GraphClient) -> None:
    article = (
        "https://arstechnica.com/features/2017/06/youtube-changed-my-life-a-pair-of-original-"
        "videostars-ponder-a-life-lived-online"
    )
    answer = graph.query(QUERY, url=article)["preview"]
    assert answer["__typename"] != "PreviewError", answer
    assert answer["embed"] is None
