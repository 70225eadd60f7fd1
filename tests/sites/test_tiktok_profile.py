"""The TikTok profile rule, on small pages written here in each shape TikTok has used."""

from __future__ import annotations

import json
from typing import Any

import pytest

from extraction.page import ParsedPage, parse_page
from model.record import ImageRef, LinkType, TiktokUser, Visibility
from sites.tiktok import profile_handle
from tests.sites.rules import read_rule, rule_matches

URL = "https://www.tiktok.com/@khaby.lame"
AVATAR = "https://p16-sign.tiktokcdn-us.com/tos-avt/e755d298d36b3175a2ca87d603b5dc2d"


def khaby(**overrides: Any) -> dict[str, Any]:
    user = {
        "id": "127905465618821121",
        "uniqueId": "khaby.lame",
        "nickname": "Khabane lame",
        "avatarThumb": f"{AVATAR}~tplv-tiktokx-cropcenter:100:100.jpeg?x-expires=1",
        "avatarMedium": f"{AVATAR}~c5_720x720.jpeg?x-expires=1",
        "avatarLarger": f"{AVATAR}~tplv-tiktokx-cropcenter:1080:1080.jpeg?x-expires=1",
        "signature": "If you want to laugh you are in the right place😎",
        "verified": True,
        "privateAccount": False,
        "bioLink": {"link": "bit.ly/3Zn5cDf", "risk": 0},
    }
    user.update(overrides)
    return user


EXACT = {
    "followerCount": "162400123",
    "followingCount": "79",
    "heart": "2500000001",
    "heartCount": "2500000001",
    "videoCount": "1287",
}
ROUNDED = {
    "followerCount": 162400000,
    "followingCount": 79,
    "heart": 2500000000,
    "heartCount": 2500000000,
    "videoCount": 1287,
}


def universal_page(detail: dict[str, Any], extra_head: str = "") -> ParsedPage:
    data = {"__DEFAULT_SCOPE__": {"webapp.app-context": {}, "webapp.user-detail": detail}}
    # TikTok escapes "/" as \u002F inside its JSON; json.dumps does not, so do it here.
    raw = json.dumps(data, ensure_ascii=False).replace("/", "\\u002F")
    html = (
        f"<html><head>{extra_head}</head><body>"
        f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{raw}</script>'
        "</body></html>"
    )
    return parse_page(html.encode(), url=URL)


def detail(user: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"stats": ROUNDED, "statsV2": EXACT, "itemList": []}
    if user is not None:
        info["user"] = user
    return {"userInfo": info, "statusCode": 0, "statusMsg": "", **fields}


def read(page: ParsedPage, url: str = URL) -> TiktokUser:
    extract = read_rule("tiktok-profile", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.TIKTOK_USER
    assert isinstance(extract.details, TiktokUser)
    return extract.details


def test_public_profile_from_rehydration_data() -> None:
    page = universal_page(detail(khaby()))
    extract = read_rule("tiktok-profile", URL, page)
    assert extract is not None
    large = f"{AVATAR}~tplv-tiktokx-cropcenter:1080:1080.jpeg?x-expires=1"
    assert extract.details == TiktokUser(
        username="khaby.lame",
        profile_url="https://www.tiktok.com/@khaby.lame",
        visibility=Visibility.PUBLIC,
        verified=True,
        id="127905465618821121",
        name="Khabane lame",
        bio="If you want to laugh you are in the right place😎",
        url="https://bit.ly/3Zn5cDf",
        followers_count=162400123,
        following_count=79,
        likes_count=2500000001,
        videos_count=1287,
        avatar=ImageRef(large, width=1080, height=1080),
    )
    assert extract.title == "Khabane lame (@khaby.lame)"
    assert extract.description == "If you want to laugh you are in the right place😎"
    assert extract.image == ImageRef(large, width=1080, height=1080)


def test_exact_counts_beyond_32_bits() -> None:
    user = read(universal_page(detail(khaby())))
    assert user.likes_count == 2_500_000_001 > 2**31


def test_rounded_stats_fill_in_only_what_stats_v2_lacks() -> None:
    info = detail(khaby())
    info["userInfo"]["statsV2"] = {"followerCount": "162400123"}
    user = read(universal_page(info))
    assert user.followers_count == 162400123
    assert user.likes_count == 2500000000  # from the rounded stats: nothing better exists
    assert user.videos_count == 1287


def test_missing_or_malformed_counts_are_none() -> None:
    info = detail(khaby())
    info["userInfo"]["stats"] = {"followerCount": -1, "videoCount": True}
    info["userInfo"]["statsV2"] = {"followingCount": "12a", "heartCount": "²"}
    user = read(universal_page(info))
    counts = (user.followers_count, user.following_count, user.likes_count, user.videos_count)
    assert counts == (None, None, None, None)


def test_private_account_flag() -> None:
    user = read(universal_page(detail(khaby(privateAccount=True))))
    assert user.visibility is Visibility.PRIVATE


def test_private_account_status_code() -> None:
    user = read(universal_page(detail(khaby(privateAccount=False), statusCode=10222)))
    assert user.visibility is Visibility.PRIVATE


def test_no_user_is_no_profile() -> None:
    assert read_rule("tiktok-profile", URL, universal_page(detail(None))) is None
    assert read_rule("tiktok-profile", URL, universal_page(detail(None, statusCode=10222))) is None
    assert (
        read_rule("tiktok-profile", URL, universal_page({"statusCode": 10202, "statusMsg": ""}))
        is None
    )


def test_a_page_without_any_tiktok_data_is_no_profile() -> None:
    page = parse_page(b"<title>TikTok - Make Your Day</title>", url=URL)
    assert read_rule("tiktok-profile", URL, page) is None


def test_broken_rehydration_json_falls_through() -> None:
    html = (
        '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"oops"</script>'
    )
    assert read_rule("tiktok-profile", URL, parse_page(html.encode(), url=URL)) is None


def test_avatar_falls_back_to_smaller_sizes() -> None:
    user = read(universal_page(detail(khaby(avatarLarger="", avatarMedium=None))))
    assert user.avatar == ImageRef(
        f"{AVATAR}~tplv-tiktokx-cropcenter:100:100.jpeg?x-expires=1", width=100, height=100
    )
    medium_only = read(universal_page(detail(khaby(avatarLarger=""))))
    assert medium_only.avatar == ImageRef(
        f"{AVATAR}~c5_720x720.jpeg?x-expires=1", width=720, height=720
    )


def test_avatar_without_a_size_in_its_url() -> None:
    user = read(universal_page(detail(khaby(avatarLarger="https://cdn.example/a.jpeg"))))
    assert user.avatar == ImageRef("https://cdn.example/a.jpeg")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("bit.ly/3Zn5cDf", "https://bit.ly/3Zn5cDf"),
        ("http://cazaustre.link/bio", "http://cazaustre.link/bio"),
        ("https://linktr.ee/x", "https://linktr.ee/x"),
        ("", None),
        ("not a link", None),
        ("javascript:alert(1)", None),
    ],
)
def test_bio_link(link: str, expected: str | None) -> None:
    assert read(universal_page(detail(khaby(bioLink={"link": link})))).url == expected


def test_empty_bio_and_name() -> None:
    extract = read_rule(
        "tiktok-profile", URL, universal_page(detail(khaby(signature="", nickname="")))
    )
    assert extract is not None
    assert isinstance(extract.details, TiktokUser)
    assert (extract.details.bio, extract.details.name) == (None, None)
    assert (extract.title, extract.description) == ("@khaby.lame", None)


def test_unverified() -> None:
    assert read(universal_page(detail(khaby(verified=False)))).verified is False


def test_legacy_sigi_state() -> None:
    state = {
        "UserModule": {
            "users": {
                "someone.else": {"uniqueId": "someone.else", "nickname": "Other"},
                "khaby.lame": khaby(),
            },
            "stats": {"khaby.lame": ROUNDED, "someone.else": {}},
        },
        "UserPage": {"uniqueId": "khaby.lame", "statusCode": 0},
    }
    html = f'<script id="SIGI_STATE" type="application/json">{json.dumps(state)}</script>'
    user = read(parse_page(html.encode(), url=URL))
    assert (user.username, user.name) == ("khaby.lame", "Khabane lame")
    assert user.likes_count == 2500000000
    assert user.followers_count == 162400000


def test_legacy_next_data() -> None:
    data = {"props": {"pageProps": {"userInfo": {"user": khaby(), "stats": ROUNDED}}}}
    html = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
    user = read(parse_page(html.encode(), url=URL))
    assert (user.username, user.followers_count) == ("khaby.lame", 162400000)


def json_ld_page(person: dict[str, Any]) -> ParsedPage:
    data = {"@context": "https://schema.org/", "@type": "ProfilePage", "mainEntity": person}
    html = f'<script type="application/ld+json" id="ProfilePage">{json.dumps(data)}</script>'
    return parse_page(html.encode(), url=URL)


def test_json_ld_profile_page_fallback() -> None:
    person = {
        "@type": "Person",
        "name": "Khabane lame",
        "alternateName": "khaby.lame",
        "description": "If you want to laugh",
        "image": "https://www.tiktok.com/api/img/?userId=1&location=2",
        "url": "https://www.tiktok.com/@khaby.lame",
        "sameAs": ["bit.ly/3Zn5cDf"],
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": {"@type": "http://schema.org/LikeAction"},
                "userInteractionCount": 2500000001,
            },
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/FollowAction",
                "userInteractionCount": 162400123,
            },
        ],
        "disambiguatingDescription": "verified",
    }
    assert read(json_ld_page(person)) == TiktokUser(
        username="khaby.lame",
        profile_url="https://www.tiktok.com/@khaby.lame",
        visibility=Visibility.PUBLIC,
        verified=True,
        name="Khabane lame",
        bio="If you want to laugh",
        url="https://bit.ly/3Zn5cDf",
        followers_count=162400123,
        likes_count=2500000001,
        avatar=ImageRef("https://www.tiktok.com/api/img/?userId=1&location=2"),
    )


def test_json_ld_without_a_handle_uses_the_url() -> None:
    user = read(json_ld_page({"@type": "Person", "name": "K", "disambiguatingDescription": ""}))
    assert (user.username, user.verified) == ("khaby.lame", False)


OG_HEAD = """
<meta property="og:title" content="Khabane lame (@khaby.lame) | TikTok">
<meta property="og:description"
  content="Khabane lame (@khaby.lame) on TikTok | 2.5B Likes. 162.4M Followers. If you want…">
<meta property="og:image"
  content="https://p16-sign.tiktokcdn-us.com/a~tplv-tiktokx-cropcenter:720:720.jpeg?a=1&amp;b=2">
"""


def test_open_graph_only_page_reports_no_rounded_counts() -> None:
    user = read(parse_page(OG_HEAD.encode(), url=URL))
    assert user == TiktokUser(
        username="khaby.lame",
        profile_url="https://www.tiktok.com/@khaby.lame",
        visibility=Visibility.PUBLIC,
        verified=False,
        name="Khabane lame",
        avatar=ImageRef(
            "https://p16-sign.tiktokcdn-us.com/a~tplv-tiktokx-cropcenter:720:720.jpeg?a=1&b=2",
            width=720,
            height=720,
        ),
    )


def test_open_graph_for_another_handle_is_not_this_profile() -> None:
    page = parse_page(OG_HEAD.encode(), url="https://www.tiktok.com/@someone")
    assert read_rule("tiktok-profile", "https://www.tiktok.com/@someone", page) is None


def test_richer_sources_win_over_poorer_ones() -> None:
    page = universal_page(detail(khaby(nickname="From rehydration")), extra_head=OG_HEAD)
    assert read(page).name == "From rehydration"


@pytest.mark.parametrize(
    ("url", "handle"),
    [
        ("https://www.tiktok.com/@khaby.lame", "khaby.lame"),
        ("https://www.tiktok.com/@khaby.lame/", "khaby.lame"),
        ("https://tiktok.com/@khaby_lame", "khaby_lame"),
        ("https://m.tiktok.com/@khaby.lame?lang=en&is_from_webapp=1", "khaby.lame"),
        ("http://WWW.TIKTOK.COM/@Khaby", "Khaby"),
        ("https://www.tiktok.com./@khaby", "khaby"),
        ("https://www.tiktok.com/@khaby#videos", "khaby"),
    ],
)
def test_profile_urls(url: str, handle: str) -> None:
    assert rule_matches("tiktok-profile", url)
    assert profile_handle(url) == handle


@pytest.mark.parametrize(
    "url",
    [
        "https://www.tiktok.com/@illojuan/video/7571863205253778710",
        "https://www.tiktok.com/",
        "https://www.tiktok.com/@",
        "https://www.tiktok.com/khaby",
        "https://vm.tiktok.com/ZMabc/",
        "https://www.tiktok.com.evil.example/@khaby",
        "https://eviltiktok.com/@khaby",
        "ftp://www.tiktok.com/@khaby",
        "https://www.tiktok.com/@kha by",
        "https://[broken/@khaby",
        "not a url",
    ],
)
def test_not_profile_urls(url: str) -> None:
    assert not rule_matches("tiktok-profile", url)
