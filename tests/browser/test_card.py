"""The card page at `/`, in a real browser, drawing what the graph answers for real links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from selectolax.lexbor import LexborHTMLParser

from tests.browser.conftest import Watched
from tests.conftest import GraphClient
from tests.graph.test_tiktok_media import dark_icon, photo, serve_page_images
from tests.graph.test_tiktok_profiles import PROFILES, page_user
from tests.support.origin import CORPUS_DIR, CorpusOrigin

TIKTOK = "https://www.tiktok.com/@illojuan"
# A news article: a plain page with an og:image and a declared icon.
ARTICLE = (
    "https://www.npr.org/2020/12/23/949764249/fork-the-government",
    "pages/metascraper/integration/npr/input.html",
)


def look_up(page: Page, app_url: str, url: str) -> None:
    page.goto(f"{app_url}/")
    page.get_by_label("Link").fill(url)
    page.get_by_role("button", name="Preview").click()


def loaded_width(page: Page, selector: str) -> int:
    """The decoded width of an image once it has loaded (0 when it failed)."""
    image = page.locator(selector)
    expect(image).to_be_visible(timeout=30_000)
    page.wait_for_function("el => el.complete", arg=image.element_handle(), timeout=30_000)
    width: int = image.evaluate("el => el.naturalWidth")
    return width


def test_a_tiktok_link_draws_a_creator_card(
    watched: Watched, app_url: str, origin: CorpusOrigin, shots: Path
) -> None:
    serve_page_images(origin, TIKTOK)
    info = page_user(PROFILES[TIKTOK])
    user, stats = info["user"], info["statsV2"]
    page = watched.page

    look_up(page, app_url, TIKTOK)

    card = page.locator("article.card.tiktok-user")
    expect(card).to_be_visible(timeout=30_000)
    expect(card.get_by_role("heading")).to_contain_text(user["nickname"])
    expect(card).to_contain_text("@" + user["uniqueId"])
    assert user["verified"] is True, "the corpus profile is a verified creator"
    expect(card.get_by_role("img", name="Verified")).to_be_visible()
    assert loaded_width(page, "article.card img.avatar") > 0
    drawn = {
        field: int(card.locator(f"[data-count={field}]").get_attribute("data-value") or -1)
        for field in ("followersCount", "followingCount", "likesCount", "videosCount")
    }
    assert drawn == {
        "followersCount": int(stats["followerCount"]),
        "followingCount": int(stats["followingCount"]),
        "likesCount": int(stats["heartCount"]),
        "videosCount": int(stats["videoCount"]),
    }
    for field in drawn:
        expect(card.locator(f"[data-count={field}] dd")).not_to_be_empty()

    shot = shots / "tiktok-card.png"
    card.screenshot(path=str(shot))
    with Image.open(shot) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 200 <= width <= 1100, image.size
        assert 80 <= height <= 900, image.size
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None
        assert len(colours) > 50, "the card is not a blank rectangle"

    assert watched.foreign_requests(app_url) == []
    assert watched.failures == []


def serve_article_images(origin: CorpusOrigin) -> None:
    """Serve a picture at the article's og:image and its declared icon (the corpus holds pages,
    not images)."""
    url, file = ARTICLE
    tree = LexborHTMLParser((CORPUS_DIR / file).read_text(encoding="utf-8"))
    og_image = tree.css_first('meta[property="og:image"]')
    assert og_image is not None
    origin.add(str(og_image.attributes["content"]), photo(1200, 630), "image/jpeg")
    for link in tree.css("link[rel]"):
        if "icon" in (link.attributes.get("rel") or "").lower().split() and link.attributes.get(
            "href"
        ):
            origin.add(urljoin(url, str(link.attributes["href"])), dark_icon(), "image/x-icon")


def test_a_page_link_draws_title_image_and_icon(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    serve_article_images(origin)
    url = ARTICLE[0]
    page = watched.page

    look_up(page, app_url, url)

    card = page.locator("article.card.page")
    expect(card).to_be_visible(timeout=30_000)
    answer = graph.query(
        "query ($url: String!) { preview(url: $url) { ... on LinkPreview { title domain } } }",
        url=url,
    )["preview"]
    assert answer["title"], "the article has a title"
    expect(card.get_by_role("heading")).to_have_text(answer["title"])
    expect(card.locator(".site")).to_contain_text(answer["domain"])
    assert loaded_width(page, "article.card img.page-image") > 0
    assert loaded_width(page, "article.card img.icon") > 0
    assert watched.foreign_requests(app_url) == []


@pytest.mark.parametrize("bad", ["not a link", "https://www.tiktok.com/@no-such-page-here"])
def test_a_bad_link_shows_the_error_message(
    watched: Watched, app_url: str, graph: GraphClient, bad: str
) -> None:
    answer = graph.query(
        "query ($url: String!) { preview(url: $url) { ... on PreviewError { code message } } }",
        url=bad,
    )["preview"]
    assert answer.get("code"), "the link has no preview"
    page = watched.page

    look_up(page, app_url, bad)

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text("No preview for this link")
    expect(alert.locator(".code")).to_have_text(answer["code"])
    expect(alert.locator(".message")).to_have_text(answer["message"])
