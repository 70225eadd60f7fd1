"""GraphiQL in a real browser: served from the app's own files, running a real preview."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Watched
from tests.graph.test_tiktok_profiles import PROFILES, page_user
from tests.support.origin import CorpusOrigin
from web.graphiql import EXAMPLES

URL = "https://www.tiktok.com/@illojuan"
QUERY = """query Creator($url: String!) {
  preview(url: $url) {
    ... on TiktokUserPreview { tiktokUser { username name followersCount } }
    ... on PreviewError { code message }
  }
}"""


def test_graphiql_runs_a_preview_with_no_request_leaving_the_app(
    watched: Watched, app_url: str, origin: CorpusOrigin
) -> None:
    username = page_user(PROFILES[URL])["user"]["uniqueId"]
    page = watched.page
    variables = json.dumps({"url": URL})
    page.goto(f"{app_url}/graphql?{urlencode({'q': QUERY, 'variables': variables})}")

    page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    expect(response).to_contain_text(f'"username": "{username}"', timeout=30_000)
    expect(response).to_contain_text('"followersCount":')

    assert watched.foreign_requests(app_url) == []
    assert watched.failures == []
    assert watched.console_errors == []


def test_graphiql_opens_the_readme_examples_as_tabs(watched: Watched, app_url: str) -> None:
    page = watched.page
    page.goto(f"{app_url}/graphql")
    tabs = page.locator(".graphiql-tab")
    expect(tabs).to_have_count(len(EXAMPLES), timeout=30_000)
    # GraphiQL names a tab after its operation; the first example's query is in the editor.
    expect(tabs.first).to_contain_text("CreatorCard")
    expect(page.locator(".graphiql-query-editor")).to_contain_text("tiktokUser")
    assert watched.foreign_requests(app_url) == []


def test_graphiql_first_example_runs_with_its_variables(
    browser_context: BrowserContext, app_url: str, origin: CorpusOrigin
) -> None:
    page = browser_context.new_page()
    try:
        page.goto(f"{app_url}/graphql")
        expect(page.locator(".graphiql-tab").first).to_contain_text("CreatorCard", timeout=30_000)
        variables = json.loads(EXAMPLES[0]["variables"])
        with page.expect_request(lambda r: r.method == "POST") as sent:
            page.locator(".graphiql-execute-button").click()
        assert (sent.value.post_data_json or {}).get("variables") == variables
        response = page.locator(".graphiql-response")
        expect(response).to_contain_text('"preview"', timeout=30_000)
        expect(response).not_to_contain_text('"errors"')
    finally:
        page.close()


def tab_names(page: Page, count: int) -> list[str]:
    tabs = page.locator(".graphiql-tab")
    expect(tabs).to_have_count(count, timeout=30_000)
    return [name.strip() for name in tabs.all_inner_texts()]


def test_graphiql_tabs_do_not_pile_up_across_visits(
    browser_context: BrowserContext, app_url: str
) -> None:
    # The operations EXAMPLES name, in order.
    examples = [e["query"].split("\nquery ", 1)[1].split("(")[0] for e in EXAMPLES]
    given = {"q": "query Given { __typename }"}
    for address in ("/graphql", f"/graphql?{urlencode(given)}", f"/graphql?{urlencode(given)}"):
        visit = browser_context.new_page()  # a new visit, sharing the browser's storage
        try:
            visit.goto(app_url + address)
            expected = ["Given", *examples] if "?" in address else examples
            assert tab_names(visit, len(expected)) == expected
        finally:
            visit.close()
    # and a plain visit afterwards is the examples again, not what the last visit left
    visit = browser_context.new_page()
    try:
        visit.goto(f"{app_url}/graphql")
        assert tab_names(visit, len(examples)) == examples
    finally:
        visit.close()
