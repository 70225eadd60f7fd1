"""A designed card for every family of link kinds, in a real browser against the real app.

Pages come from the corpus origin; what the corpus pages do not carry (GitHub stars and
topics, a product's rating) comes through the app's Peekalink backend from the Peekalink
stand-in, a real HTTPS server on loopback. Expected values are read from the graph's own
answer (or the page's markup), never written into the test.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from pydantic import SecretStr

from settings import Settings
from tests.browser.conftest import Watched
from tests.browser.test_card import look_up
from tests.conftest import GraphClient
from tests.files import samples
from tests.graph.test_tiktok_media import photo, serve_page_images
from tests.graph.test_tiktok_profiles import PROFILES, page_user
from tests.support.origin import CORPUS_DIR, CorpusOrigin
from tests.support.peekalink_standin import PeekalinkStandin, Reply, serve_standin
from tests.support.server import serve_app

MANIFEST: list[dict[str, Any]] = json.loads((CORPUS_DIR / "manifest.json").read_text())
YOUTUBE_VIDEO = "https://www.youtube.com/watch?v=hwMkbaS_M_c"
X_POST = "https://x.com/verge/status/957383241714970624"
X_USER = "https://x.com/kikobeats"
INSTAGRAM_USER = "https://www.instagram.com/pluto__travel/"
YOUTUBE_USER = "https://www.youtube.com/channel/UCzcRQ3vRNr6fJ1A9rqFn7QA"
TIKTOK = "https://www.tiktok.com/@illojuan"
TIKTOK_VIDEO = "https://www.tiktok.com/@illojuan/video/7571863205253778710"
ETSY = "https://www.etsy.com/in-en/listing/87673424/personalized-word-pillow-case-letter"


def card_for(page: Page, app_url: str, url: str, kind: str) -> Locator:
    look_up(page, app_url, url)
    card = page.locator(f"article.card.{kind}")
    expect(card).to_be_visible(timeout=30_000)
    return card


def exact_and_compact(card: Locator, field: str, value: int) -> None:
    """The count is drawn exactly (grouped digits) with its compact form beside it."""
    entry = card.locator(f"[data-count={field}]")
    assert entry.get_attribute("data-value") == str(value)
    expect(entry.locator("dd")).to_contain_text(f"{value:,}")
    if value >= 10_000:
        expect(entry.locator(".compact")).not_to_be_empty()


def is_round_and_uncropped_square(image: Locator) -> None:
    page = image.page
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    box = image.bounding_box()
    assert box is not None
    assert box["width"] == box["height"], box
    assert box["width"] <= 96, box
    style = image.evaluate(
        "el => { const s = getComputedStyle(el); return [s.objectFit, s.borderRadius]; }"
    )
    assert style[0] == "cover"
    assert style[1] == "50%"


def og_image(url: str) -> str:
    entry = next(e for e in MANIFEST if e.get("url") == url)
    return html.unescape(str(entry["og_image"]))


def test_a_youtube_video_shows_duration_views_and_channel(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    origin.add(og_image(YOUTUBE_VIDEO), photo(1280, 720), "image/jpeg")
    video = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on YoutubeVideoPreview {
        youtubeVideo { duration viewsCount publishedAt user { name } } } } }""",
        url=YOUTUBE_VIDEO,
    )["preview"]["youtubeVideo"]
    card = card_for(watched.page, app_url, YOUTUBE_VIDEO, "youtube-video")

    minutes, seconds = divmod(video["duration"], 60)
    expect(card.locator(".duration")).to_have_text(f"{minutes}:{seconds:02d}")
    exact_and_compact(card, "viewsCount", video["viewsCount"])
    expect(card.locator(".channel-name")).to_have_text(video["user"]["name"])
    expect(card.locator("time")).to_have_attribute("datetime", video["publishedAt"])
    expect(card.locator("img.page-image")).to_be_visible()


def test_an_x_post_is_headed_by_its_author_not_by_its_text_again(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    answer = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on XPostPreview {
        title xPost { text user { name username } } } } }""",
        url=X_POST,
    )["preview"]
    post = answer["xPost"]
    assert post["text"] in answer["title"], "the page title repeats the post"
    card = card_for(watched.page, app_url, X_POST, "x-post")

    expect(card.get_by_role("heading")).to_have_text(post["user"]["name"])
    expect(card.locator(".username")).to_contain_text("@" + post["user"]["username"])
    expect(card.locator(".post-text")).to_have_text(post["text"])
    expect(card).not_to_contain_text(answer["title"])


@pytest.mark.parametrize(
    ("url", "kind", "field", "picture"),
    [
        (X_USER, "x-user", "xUser", False),  # its og:image is X's grey default, not the user
        (INSTAGRAM_USER, "instagram-user", "instagramUser", True),
    ],
)
def test_a_profile_shows_a_round_avatar_bio_and_exact_counts(
    watched: Watched,
    app_url: str,
    origin: CorpusOrigin,
    graph: GraphClient,
    url: str,
    kind: str,
    field: str,
    picture: bool,
) -> None:
    counts = ("postsCount", "followersCount", "followingCount")
    # A wide picture where the page names its image: drawn as a round avatar, not a banner.
    if picture:
        origin.add(og_image(url), photo(1500, 500), "image/jpeg")
    answer = graph.query(
        f"""query ($url: String!) {{ preview(url: $url) {{ ... on LinkPreview {{ image {{
        medium {{ url }} }} }} ... on {kind.title().replace("-", "")}Preview {{ {field} {{
        name username bio {" ".join(counts)} }} }} }} }}""",
        url=url,
    )["preview"]
    user = answer[field]
    assert bool(answer["image"]) is picture, "the profile's picture was kept"
    card = card_for(watched.page, app_url, url, kind)

    expect(card.get_by_role("heading")).to_have_text(user["name"])
    expect(card.locator(".bio")).to_have_text(user["bio"].strip())
    for name in counts:
        exact_and_compact(card, name, user[name])
    if picture:
        is_round_and_uncropped_square(card.locator("img.avatar"))
    expect(card.locator("img.page-image, img.banner")).to_have_count(0)


def test_a_youtube_channel_is_a_profile_card(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    user = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on YoutubeUserPreview {
        youtubeUser { name description verified } } } }""",
        url=YOUTUBE_USER,
    )["preview"]["youtubeUser"]
    card = card_for(watched.page, app_url, YOUTUBE_USER, "youtube-user")
    expect(card.get_by_role("heading")).to_contain_text(user["name"])
    if user["verified"]:
        expect(card.get_by_role("img", name="Verified")).to_be_visible()
    # Long descriptions are clamped to a few lines.
    bio = card.locator(".bio")
    expect(bio).to_have_css("-webkit-line-clamp", "4")


def test_the_tiktok_card_shows_the_bio_and_a_private_marker(
    watched: Watched, app_url: str, origin: CorpusOrigin
) -> None:
    serve_page_images(origin, TIKTOK)
    info = page_user(PROFILES[TIKTOK])["user"]
    for avatar in ("avatarLarger", "avatarMedium", "avatarThumb"):
        origin.add(info[avatar], photo(1200, 400), "image/jpeg")  # wide: must not stretch
    saved = (CORPUS_DIR / PROFILES[TIKTOK]).read_text(encoding="utf-8")
    assert saved.count('"privateAccount":false') == 1
    private = TIKTOK + ".private"
    origin.add(private, saved.replace('"privateAccount":false', '"privateAccount":true').encode())
    page = watched.page

    public = card_for(page, app_url, TIKTOK, "tiktok-user")
    expect(public.locator(".bio")).to_have_text(info["signature"].strip())
    expect(public.locator(".chip.private")).to_have_count(0)
    is_round_and_uncropped_square(public.locator("img.avatar"))

    hidden = card_for(page, app_url, private, "tiktok-user")
    expect(hidden.locator(".chip.private")).to_have_text("Private")


def test_a_long_post_text_is_clamped(watched: Watched, app_url: str, origin: CorpusOrigin) -> None:
    card = card_for(watched.page, app_url, TIKTOK_VIDEO, "tiktok-video")
    text = card.locator(".post-text")
    expect(text).to_have_css("-webkit-line-clamp", "4")
    clipped = text.evaluate("el => el.scrollHeight > el.clientHeight")
    assert clipped, "the long description is cut to four lines"


def test_a_product_shows_its_price_and_rating(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    product = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on EtsyProductPreview {
        etsyProduct { title price currency rating reviewCount } } } }""",
        url=ETSY,
    )["preview"]["etsyProduct"]
    assert product["price"], "the listing has a price"
    assert product["rating"], "the listing has a rating"
    card = card_for(watched.page, app_url, ETSY, "etsy-product")

    expect(card.get_by_role("heading")).to_have_text(product["title"])
    price = card.locator(".price")
    expect(price).to_have_attribute("data-value", product["price"])
    expect(price).to_contain_text(product["price"])
    rating = card.locator(".rating")
    expect(rating).to_have_attribute("data-value", str(product["rating"]))
    expect(rating).to_contain_text(f"{product['reviewCount']:,} reviews")


def test_files_show_kind_size_duration_and_pages(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient, tmp_path: Path
) -> None:
    pdf = "https://www.npr.org/files/report.pdf"
    mp3 = "https://www.npr.org/files/night-drive.mp3"
    origin.add(pdf, samples.pdf(pages=3), "application/pdf")
    origin.add(mp3, samples.mp3(tmp_path / "a.mp3"), "audio/mpeg")
    page = watched.page

    document = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on DocumentPreview {
        size document { format title pageCount } } } }""",
        url=pdf,
    )["preview"]
    card = card_for(page, app_url, pdf, "document")
    expect(card.locator(".file-kind")).to_have_text(
        f"{document['document']['format'].upper()} document"
    )
    expect(card.get_by_role("heading")).to_have_text(document["document"]["title"])
    facts = card.locator(".facts")
    expect(facts.locator("[data-fact=pageCount]")).to_have_attribute(
        "data-value", str(document["document"]["pageCount"])
    )
    expect(facts.locator("[data-fact=size]")).to_have_attribute("data-value", str(document["size"]))

    audio = graph.query(
        """query ($url: String!) { preview(url: $url) { ... on AudioPreview {
        audio { duration artist } } } }""",
        url=mp3,
    )["preview"]["audio"]
    card = card_for(page, app_url, mp3, "audio")
    seconds = round(audio["duration"])
    expect(card.locator("[data-fact=duration] dd")).to_have_text(
        f"{seconds // 60}:{seconds % 60:02d}"
    )
    expect(card.locator("[data-fact=author] dd")).to_have_text(audio["artist"])


# ---- kinds the corpus pages carry too little of, through the Peekalink stand-in -----------

KEY = "pk-card-test"


@pytest.fixture
def standin(tmp_path: Path) -> Iterator[PeekalinkStandin]:
    folder = tmp_path / "standin"
    folder.mkdir()
    with serve_standin(KEY, folder) as server:
        yield server


@pytest.fixture
def peekalink_url(tmp_path: Path, standin: PeekalinkStandin) -> Iterator[str]:
    settings = Settings(
        data_dir=tmp_path / "data",
        backend="peekalink",
        peekalink_api_key=SecretStr(KEY),
        peekalink_url=standin.url,
        ca_bundle=standin.ca_path,
        rate_capacity=1_000_000,
    )
    with serve_app(settings) as url:
        yield url


def scripted(
    standin: PeekalinkStandin, url: str, kind: str, key: str, data: dict[str, Any]
) -> None:
    domain = re.sub(r"^www\.", "", url.split("/")[2])
    body = {"ok": True, "url": url, "domain": domain, "type": kind, "status": 200}
    body |= {"updatedAt": "2026-01-02T03:04:05Z", "title": data.get("name") or data["title"]}
    standin.script(url, Reply(body={**body, key: data}))


def test_a_github_repository_shows_stars_language_and_topics(
    watched: Watched, peekalink_url: str, standin: PeekalinkStandin
) -> None:
    url = "https://github.com/encode/httpx"
    repo = {
        "name": "encode/httpx",
        "description": "A next generation HTTP client for Python.",
        "owner": {"username": "encode"},
        "starsCount": 13_456,
        "forksCount": 850,
        "languages": [{"name": "Python", "percentage": 99.5}],
        "topics": ["http", "python", "asyncio"],
    }
    scripted(standin, url, "GITHUB_REPOSITORY", "githubRepository", repo)
    card = card_for(watched.page, peekalink_url, url, "github-repository")

    expect(card.get_by_role("heading")).to_have_text(str(repo["name"]))
    exact_and_compact(card, "starsCount", 13_456)
    exact_and_compact(card, "forksCount", 850)
    expect(card.locator(".languages")).to_contain_text("Python")
    expect(card.locator(".topics .chip")).to_have_text(["http", "python", "asyncio"])


def test_an_amazon_product_shows_its_price_and_rating(
    watched: Watched, peekalink_url: str, standin: PeekalinkStandin
) -> None:
    url = "https://www.amazon.com/dp/B00AYQNR46"
    product = {
        "title": "Seven Languages in Seven Weeks",
        "price": "23.99",
        "currency": "USD",
        "rating": 4.4,
        "reviewCount": 1_250,
        "media": [],
    }
    scripted(standin, url, "AMAZON_PRODUCT", "amazonProduct", product)
    card = card_for(watched.page, peekalink_url, url, "amazon-product")

    expect(card.locator(".price")).to_have_text("$23.99")
    expect(card.locator(".rating")).to_contain_text("4.4 out of 5")
    expect(card.locator(".rating")).to_contain_text("1,250 reviews")
