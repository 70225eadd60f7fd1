"""Bad links answer with a PreviewError and never spoil their siblings."""

from __future__ import annotations

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

GOOD = "https://github.com/steventroughtonsmith/marzipanify"

QUERY = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { url code message status }
  }
}
"""


def test_bad_links_fail_alone(graph: GraphClient, origin: CorpusOrigin) -> None:
    urls = [
        "not a url at all",
        GOOD,
        "ftp://github.com/file",
        "http://127.0.0.1:8000/graphql",
        "https://github.com/no/such/page",
        "http://169.254.169.254/latest/meta-data/",
    ]
    results = graph.query(QUERY, urls=urls)["previews"]
    assert [r["__typename"] for r in results] == [
        "PreviewError",
        "GithubRepositoryPreview",
        "PreviewError",
        "PreviewError",
        "PreviewError",
        "PreviewError",
    ]
    assert results[0]["code"] == "LINK_INVALID_URL"
    assert results[1]["title"]
    assert results[2]["code"] in {"LINK_INVALID_URL", "LINK_BLOCKED"}
    assert results[3]["code"] == "LINK_BLOCKED"
    assert results[4]["code"] == "LINK_NOT_FOUND"
    assert results[4]["status"] == 404
    assert results[5]["code"] == "LINK_BLOCKED"
    assert all(r["message"] for r in results if r["__typename"] == "PreviewError")
    assert "169.254" not in results[5]["message"]
    assert origin.count("https://github.com/no/such/page") == 1


def test_a_failure_is_remembered_briefly(graph: GraphClient, origin: CorpusOrigin) -> None:
    missing = "https://github.com/still/missing"
    for _ in range(3):
        result = graph.query(QUERY, urls=[missing])["previews"][0]
        assert result["code"] == "LINK_NOT_FOUND"
    assert origin.count(missing) == 1
