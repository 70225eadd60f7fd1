"""TikTok profiles from the corpus, through the real app, fetched from the real origin.

Expected values are read from each page's own rehydration JSON with a regex and `json`, apart
from the code under test, so the test holds whatever the saved page says.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import GraphClient
from tests.support.origin import CORPUS_DIR, CorpusOrigin

PROFILES = {
    "https://www.tiktok.com/@illojuan": (
        "pages/metascraper/metascraper-tiktok/fixtures/profile.html"
    ),
    "https://www.tiktok.com/@carlosazaustre": "pages/unavatar/tiktok.html",
}

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { id ok url domain type status title description redirected size }
    ... on TiktokUserPreview {
      tiktokUser {
        id username name bio url profileUrl verified visibility
        followersCount followingCount likesCount videosCount
        avatar { sourceUrl thumbnail { url width height } original { url width height } }
      }
    }
    ... on PreviewError { code message }
  }
}
"""


def page_user(file: str) -> dict[str, Any]:
    html = (CORPUS_DIR / file).read_text()
    match = re.search(
        r'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', html, re.S
    )
    assert match, "the saved page has rehydration data"
    info: dict[str, Any] = json.loads(match.group(1))["__DEFAULT_SCOPE__"]["webapp.user-detail"][
        "userInfo"
    ]
    return info


@pytest.mark.parametrize("url", sorted(PROFILES))
def test_profile_comes_back_as_a_typed_tiktok_user(graph: GraphClient, url: str) -> None:
    info = page_user(PROFILES[url])
    user, exact = info["user"], info["statsV2"]

    preview = graph.query(QUERY, url=url)["preview"]

    assert preview["__typename"] == "TiktokUserPreview", preview
    assert preview["type"] == "TIKTOK_USER"
    assert preview["ok"] is True
    assert preview["status"] == 200
    assert preview["domain"] == "tiktok.com"
    assert preview["url"] == url
    assert preview["size"] > 0
    got = preview["tiktokUser"]
    assert got["id"] == user["id"]
    assert got["username"] == user["uniqueId"] == url.rsplit("@", 1)[1]
    assert got["name"] == user["nickname"]
    assert got["bio"] == user["signature"]
    assert got["profileUrl"] == f"https://www.tiktok.com/@{user['uniqueId']}"
    assert got["verified"] is user["verified"]
    assert got["visibility"] == ("PRIVATE" if user["privateAccount"] else "PUBLIC")
    assert got["followersCount"] == int(exact["followerCount"])
    assert got["followingCount"] == int(exact["followingCount"])
    assert got["likesCount"] == int(exact["heartCount"])
    assert got["videosCount"] == int(exact["videoCount"])
    assert preview["title"]
    assert user["nickname"] in preview["title"]
    assert preview["description"] == (user["signature"] or preview["description"])


def test_the_two_profiles_differ_where_the_pages_do(graph: GraphClient) -> None:
    """Guards against answers that ignore the page: one creator is verified, one is not."""
    verified = {
        url: graph.query(QUERY, url=url)["preview"]["tiktokUser"]["verified"] for url in PROFILES
    }
    assert verified == {
        "https://www.tiktok.com/@illojuan": True,
        "https://www.tiktok.com/@carlosazaustre": False,
    }


def test_a_tiktok_page_without_user_data_is_not_a_user(graph: GraphClient) -> None:
    url = "https://www.tiktok.com/@illojuan/video/7571863205253778710"
    preview = graph.query(QUERY, url=url)["preview"]
    assert preview["__typename"] != "TiktokUserPreview"
    assert preview["__typename"] != "PreviewError", preview


def test_counts_past_32_bits_come_back_as_exact_json_numbers(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    """The seed's likesCount, 2500000000, overflows GraphQL's Int; Count keeps it a number."""
    data = {
        "__DEFAULT_SCOPE__": {
            "webapp.user-detail": {
                "statusCode": 0,
                "userInfo": {
                    "user": {
                        "id": "127905465618821121",
                        "uniqueId": "khaby.lame",
                        "nickname": "Khabane lame",
                        "signature": "If you want to laugh you are in the right place😎",
                        "verified": True,
                        "privateAccount": False,
                        "bioLink": {"link": "bit.ly/3Zn5cDf"},
                    },
                    "stats": {"followerCount": 162400000, "heartCount": 2500000000},
                    "statsV2": {
                        "followerCount": "162400000",
                        "followingCount": "79",
                        "heartCount": "2500000000",
                        "videoCount": "1300",
                    },
                },
            }
        }
    }
    page = (
        "<html><head><title>Khabane lame (@khaby.lame) | TikTok</title></head><body>"
        '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
        + json.dumps(data)
        + "</script></body></html>"
    )
    url = "https://www.tiktok.com/@khaby.lame"
    origin.add(url, page.encode())
    response = graph.http.post("/graphql", json={"query": QUERY, "variables": {"url": url}})
    assert b'"likesCount":2500000000' in response.content.replace(b" ", b"")
    user = response.json()["data"]["preview"]["tiktokUser"]
    assert user["likesCount"] == 2_500_000_000
    assert user["followersCount"] == 162_400_000
    assert user["url"] == "https://bit.ly/3Zn5cDf"
    assert user["username"] == "khaby.lame"
