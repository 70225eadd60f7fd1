"""GitHub repositories end to end: every saved repository page, fetched from the corpus origin
and asked for through GraphQL, carries the stars, forks, watchers, languages, topics and
licence its page shows, each checked against the page read independently (the links a reader
sees, tests/sites/github_facts.py), never against a written-down answer."""

from __future__ import annotations

import pytest

from tests.conftest import GraphClient
from tests.sites.corpus_pages import corpus, page_text
from tests.sites.github_facts import github_facts, shows
from tests.support.origin import CorpusOrigin

PAGES = [
    "integration/github/input.html",
    "postlight-parser/github.com.html",
    "onebox/githubfolder.response",
]
QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on GithubRepositoryPreview {
      githubRepository {
        name starsCount forksCount watchersCount
        languages { name percentage }
        topics license
      }
    }
    ... on PreviewError { code message }
  }
}
"""


@pytest.mark.parametrize("name", PAGES)
def test_repository_figures_come_back_as_the_page_shows_them(
    graph: GraphClient, origin: CorpusOrigin, name: str
) -> None:
    url, _, head = corpus(name)
    nwo = head.meta["octolytics-dimension-repository_nwo"]
    facts = github_facts(page_text(name), nwo)
    preview = graph.query(QUERY, url=url)["preview"]
    assert preview["__typename"] == "GithubRepositoryPreview", preview
    repository = preview["githubRepository"]
    assert repository["name"] == nwo
    for field, shown in (
        ("starsCount", facts.stars),
        ("forksCount", facts.forks),
        ("watchersCount", facts.watchers),
    ):
        assert shown is not None, f"{name} shows its {field}"
        assert shows(repository[field], shown), (field, repository[field], shown)
    assert [(lang["name"], lang["percentage"]) for lang in repository["languages"]] == (
        facts.languages
    )
    assert repository["topics"] == facts.topics
    assert repository["license"] == facts.license
    # Every page has at least the counts; the repository pages also their languages.
    if "tree/" not in url:
        assert repository["languages"]
        assert repository["license"]
