"""The card page's requests: the latest link wins, and a problem that is not the link's own
(server stopped, a key needed, a budget spent, a site that did not answer) says so and offers
what to do, in a real browser against the real app."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, Request, expect
from pydantic import SecretStr

from settings import Settings
from tests.browser.conftest import Watched
from tests.browser.test_card import ARTICLE, look_up
from tests.conftest import GraphClient
from tests.support.origin import CORPUS_DIR, CorpusOrigin
from tests.support.peekalink_standin import error_reply, serve_standin
from tests.support.server import serve_app

# A link the origin answers 404 for: its card is an error, the one that used to win the race.
MISSING = "https://www.tiktok.com/@no-such-page-here"


def graph_posts(page: Page) -> list[Request]:
    """Every POST /graphql the page sends, in order (filled as they go out)."""
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" else None)
    return sent


def settle(page: Page) -> None:
    """One round trip through the page's event loop: whatever an answer that already arrived
    would draw has been drawn after this."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")


def test_a_superseded_link_never_replaces_the_latest_card(
    watched: Watched, app_url: str, origin: CorpusOrigin, graph: GraphClient
) -> None:
    page = watched.page
    gate = origin.hold(MISSING)
    ended: list[str] = []
    page.on("requestfailed", lambda r: ended.append("failed " + (r.post_data or "")))
    page.on("requestfinished", lambda r: ended.append("finished " + (r.post_data or "")))
    try:
        look_up(page, app_url, MISSING)
        assert gate.arrived.wait(30), "the slow link reached the origin"
        button = page.get_by_role("button", name="Preview")
        expect(button).to_be_disabled()
        expect(page.locator("#result .skeleton")).to_be_visible()
        expect(page.locator("#result")).to_have_attribute("aria-busy", "true")

        page.get_by_label("Link").fill(ARTICLE[0])
        expect(button).to_be_enabled()
        button.click()
        card = page.locator("article.card.page")
        expect(card).to_be_visible(timeout=30_000)
        expect(page.locator("#result .skeleton")).to_have_count(0)
        expect(button).to_be_enabled()
    finally:
        gate.opened.set()
    # The slow link's answer now exists on the server; the page must have dropped its request.
    assert graph.query(
        "query ($url: String!) { preview(url: $url) { ... on PreviewError { code } } }",
        url=MISSING,
    )["preview"]["code"]
    settle(page)
    slow = [line for line in ended if "no-such-page-here" in line]
    assert slow, ended
    assert slow[0].startswith("failed"), ended  # cancelled, never read
    expect(page.locator("#result > *")).to_have_count(1)
    expect(card).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#status")).to_have_text("")


def test_a_stopped_server_is_not_the_links_fault(watched: Watched, settings: Settings) -> None:
    page = watched.page
    with serve_app(settings) as url:
        page.goto(f"{url}/")
    page.get_by_label("Link").fill(ARTICLE[0])
    page.get_by_role("button", name="Preview").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_have_attribute("data-problem", "unreachable")
    expect(alert.get_by_role("heading")).to_have_text("Can't reach the Linkgraph server")
    expect(alert).not_to_contain_text("No preview for this link")
    expect(alert.get_by_role("button", name="Try again")).to_be_visible()


def test_a_server_with_keys_asks_for_one_and_uses_it(
    watched: Watched, settings: Settings, origin: CorpusOrigin
) -> None:
    page = watched.page
    with serve_app(settings.model_copy(update={"api_keys": ("card-test-key",)})) as url:
        look_up(page, url, ARTICLE[0])
        alert = page.get_by_role("alert")
        expect(alert).to_have_attribute("data-problem", "unauthorized", timeout=30_000)
        expect(alert.get_by_role("heading")).to_have_text("This server needs an API key")
        expect(alert).not_to_contain_text("No preview for this link")

        sent = graph_posts(page)
        alert.get_by_label("API key").fill("card-test-key")
        alert.get_by_role("button", name="Use key").click()
        expect(page.locator("article.card.page")).to_be_visible(timeout=30_000)
        assert sent[-1].headers["authorization"] == "Bearer card-test-key"


def test_a_spent_budget_says_when_to_retry(
    watched: Watched, settings: Settings, origin: CorpusOrigin
) -> None:
    page = watched.page
    # One request empties the bucket, which refills slowly.
    tight = settings.model_copy(update={"rate_capacity": 1, "rate_refill": 0.01})
    with serve_app(tight) as url:
        look_up(page, url, ARTICLE[0])
        expect(page.locator("article.card.page")).to_be_visible(timeout=30_000)

        with page.expect_response(lambda r: r.url.endswith("/graphql")) as answer:
            page.get_by_label("Link").fill(MISSING)
            page.get_by_role("button", name="Preview").click()
        assert answer.value.status == 429
        retry = answer.value.headers["retry-after"]
        alert = page.get_by_role("alert")
        expect(alert).to_have_attribute("data-problem", "rate-limited", timeout=30_000)
        expect(alert.get_by_role("heading")).to_have_text("Too many requests")
        expect(alert.locator(".message")).to_have_text(f"Try again in {retry} s.")
        expect(alert).not_to_contain_text("No preview for this link")


def test_try_again_fetches_a_link_whose_site_failed_with_refresh_preview(
    watched: Watched, app_url: str, origin: CorpusOrigin
) -> None:
    page = watched.page
    flaky = "https://www.npr.org/2020/12/23/flaky-for-a-moment"
    article = (CORPUS_DIR / ARTICLE[1]).read_bytes()
    origin.add(flaky, b"upstream is restarting", "text/plain", status=503)

    look_up(page, app_url, flaky)
    alert = page.get_by_role("alert")
    expect(alert).to_have_attribute("data-problem", "passing", timeout=30_000)
    expect(alert.locator(".code")).to_have_text("LINK_SERVER_ERROR")
    expect(alert).not_to_contain_text("No preview for this link")

    # The site is back; the failure is still cached for a minute, so only a refresh sees it.
    origin.add(flaky, article)
    sent = graph_posts(page)
    alert.get_by_role("button", name="Try again").click()
    card = page.locator("article.card.page")
    expect(card).to_be_visible(timeout=30_000)
    assert "refreshPreview" in (sent[-1].post_data or "")
    assert origin.count(flaky) == 2
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_card_page_without_graphiql_offers_no_link_to_it(
    watched: Watched, settings: Settings, origin: CorpusOrigin, tmp_path: Path
) -> None:
    page = watched.page
    with serve_app(settings.model_copy(update={"graphiql": False})) as url:
        look_up(page, url, ARTICLE[0])
        expect(page.locator("article.card.page")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("link", name="Open the query in GraphiQL")).to_have_count(0)
        assert page.request.get(f"{url}/graphql").status != 200  # there is nothing to open
    with serve_app(settings) as url:
        look_up(page, url, ARTICLE[0])
        link = page.get_by_role("link", name="Open the query in GraphiQL")
        expect(link).to_be_visible()
        assert page.request.get(url + (link.get_attribute("href") or "")).status == 200


def test_an_upstream_quota_is_not_the_links_fault(watched: Watched, tmp_path: Path) -> None:
    folder = tmp_path / "standin"
    folder.mkdir()
    url = "https://www.example.org/any-link"
    with serve_standin("pk-card", folder) as standin:
        standin.script(url, error_reply("RATE_LIMIT_EXCEEDED", 429))
        settings = Settings(
            data_dir=tmp_path / "data",
            backend="peekalink",
            peekalink_api_key=SecretStr("pk-card"),
            peekalink_url=standin.url,
            peekalink_retries=0,
            ca_bundle=standin.ca_path,
        )
        with serve_app(settings) as app_url:
            look_up(watched.page, app_url, url)
            alert = watched.page.get_by_role("alert")
            expect(alert).to_have_attribute("data-problem", "upstream", timeout=30_000)
            expect(alert.locator(".code")).to_have_text("UPSTREAM_QUOTA_EXCEEDED")
            expect(alert).not_to_contain_text("No preview for this link")
            expect(alert.get_by_role("button", name="Try again")).to_be_visible()
