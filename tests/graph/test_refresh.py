"""refreshPreview fetches a link again at once and replaces what the cache held."""

from __future__ import annotations

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

URL = "https://github.com/steventroughtonsmith/marzipanify"
READ = f'query {{ preview(url: "{URL}") {{ ... on LinkPreview {{ title updatedAt }} }} }}'
REFRESH = """mutation ($url: String!) {
  refreshPreview(url: $url) {
    __typename
    ... on LinkPreview { title updatedAt }
    ... on PreviewError { code }
  }
}"""


def test_refresh_refetches_and_the_cache_serves_the_new_preview(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    first = graph.query(READ)["preview"]
    assert graph.query(READ)["preview"] == first
    assert origin.count(URL) == 1

    refreshed = graph.query(REFRESH, url=URL)["refreshPreview"]
    assert origin.count(URL) == 2
    assert refreshed["title"] == first["title"]
    assert refreshed["updatedAt"] > first["updatedAt"]
    assert refreshed.pop("__typename") == "GithubRepositoryPreview"
    assert graph.query(READ)["preview"] == refreshed
    assert origin.count(URL) == 2


def test_refresh_of_a_bad_link_is_an_error_as_data(graph: GraphClient) -> None:
    answer = graph.query(REFRESH, url="http://169.254.169.254/")["refreshPreview"]
    assert answer == {"__typename": "PreviewError", "code": "LINK_BLOCKED"}
