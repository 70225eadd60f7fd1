"""GraphiQL in a real browser: served from the app's own files, running a real preview."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from playwright.sync_api import expect

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
