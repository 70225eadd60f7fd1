"""The GitHub repository rule on real saved GitHub pages and on small pages."""

from __future__ import annotations

import json

import pytest

from extraction.page import ParsedPage, parse_page
from model.record import GithubRepository, LinkType
from sites import reads_body_marks
from sites.github import repository_path
from tests.sites.corpus_pages import corpus, page_text
from tests.sites.github_facts import github_facts, shows
from tests.sites.rules import read_rule, rule_matches


def repository_of(url: str, page: ParsedPage) -> GithubRepository:
    extract = read_rule("github-repository", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.GITHUB_REPOSITORY
    assert isinstance(extract.details, GithubRepository)
    return extract.details


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://github.com/microlinkhq/mql", ("microlinkhq", "mql")),
        ("https://www.github.com/a-b/c.d_e/", ("a-b", "c.d_e")),
        (
            "https://github.com/discourse/discourse/tree/master/spec/fixtures",
            ("discourse", "discourse"),
        ),
        ("https://github.com/orgs/discourse", None),
        ("https://github.com/settings/profile", None),
        ("https://github.com/marketplace/actions", None),
        ("https://github.com/topics/python", None),
        ("https://github.com/discourse", None),
        ("https://github.com/", None),
        ("https://github.com/a/..", None),
        ("https://github.com/a/b/issues/1", None),
        ("https://github.com.evil.example/a/b", None),
        ("https://gist.github.com/a/b", None),
        ("http://[::1/a/b", None),
    ],
)
def test_url_patterns(url: str, path: tuple[str, str] | None) -> None:
    assert repository_path(url) == path
    assert rule_matches("github-repository", url) is (path is not None)


@pytest.mark.parametrize(
    "name",
    [
        "integration/github/input.html",
        "postlight-parser/github.com.html",
        "onebox/githubfolder.response",
    ],
)
def test_repository_from_analytics_meta(name: str) -> None:
    url, page, head = corpus(name)
    nwo = head.meta["octolytics-dimension-repository_nwo"]
    repository = repository_of(url, page)
    assert repository.name == nwo
    assert repository.owner is not None
    assert repository.owner.username == head.meta["octolytics-dimension-user_login"]
    assert repository.owner.url == f"https://github.com/{repository.owner.username}"
    # The description: og:title after "owner/name: ", else the meta before " - owner/name".
    og_title = head.meta["og:title"]
    if og_title.startswith(f"{nwo}: "):
        expected = og_title.removeprefix(f"{nwo}: ")
    else:
        expected = head.meta["description"].split(f" - {nwo}")[0]
    assert repository.description == expected
    # Figures that live only in body markup, checked against what the page shows its reader.
    facts = github_facts(page_text(name), nwo)
    for exact, shown in (
        (repository.stars_count, facts.stars),
        (repository.forks_count, facts.forks),
        (repository.watchers_count, facts.watchers),
    ):
        assert shown is not None, "the saved page shows every count"
        assert shows(exact, shown), (exact, shown)
    assert [(lang.name, lang.percentage) for lang in repository.languages] == facts.languages
    assert list(repository.topics) == facts.topics
    assert repository.license == facts.license


def test_figures_are_none_where_the_page_has_none() -> None:
    page = parse_page(
        b'<meta name="octolytics-dimension-repository_nwo" content="a/b">'
        b'<a aria-label="Star this repository (12)">12</a>'
        b'<span aria-label="Version 2.0">v2</span>'
        b'<span itemprop="keywords" aria-label="Go 60.5"></span>'
        b'<span itemprop="keywords" aria-label="Rust 50.0"></span>'
        b'<span id="repo-stars-counter-star" title="1.2k">1.2k</span>',
        url="https://github.com/a/b",
        marks=True,
    )
    repository = repository_of("https://github.com/a/b", page)
    assert repository.stars_count is None  # only a rounded counter: not passed off as exact
    assert repository.forks_count is None
    assert repository.watchers_count is None
    assert repository.languages == ()  # shares that add up to over 100 %: no language bar
    assert repository.topics == ()
    assert repository.license is None


def test_redirected_repository_is_named_by_the_page() -> None:
    url, page, head = corpus("integration/github/input.html")
    assert head.meta["octolytics-dimension-repository_nwo"] not in url
    assert repository_of(url, page).name == head.meta["octolytics-dimension-repository_nwo"]


def test_owner_avatar_from_older_og_image() -> None:
    url, page, head = corpus("onebox/githubfolder.response")
    owner = repository_of(url, page).owner
    assert owner is not None
    assert owner.avatar is not None
    assert owner.avatar.source_url == head.meta["og:image"]
    url, page, head = corpus("postlight-parser/github.com.html")
    owner = repository_of(url, page).owner
    assert owner is not None
    assert owner.avatar is None  # a generated social card, not the owner's picture


URL = "https://github.com/owner/repo"


def small(head: str) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body></body></html>".encode(), url=URL)


def test_go_import_only() -> None:
    page = small(
        '<meta name="go-import" content="github.com/owner/repo git https://github.com/owner/repo.git">'
        '<meta name="description" content="A tool - owner/repo">'
    )
    repository = repository_of(URL, page)
    assert repository.name == "owner/repo"
    assert repository.description == "A tool"


def test_json_ld_only() -> None:
    data = {
        "@type": "SoftwareSourceCode",
        "codeRepository": "https://github.com/owner/repo",
        "description": "A tool",
        "license": "https://spdx.org/licenses/MIT",
        "keywords": ["cli", 3, ""],
    }
    repository = repository_of(
        URL, small(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    )
    assert repository.name == "owner/repo"
    assert repository.topics == ("cli",)
    assert repository.license == data["license"]


@pytest.mark.parametrize(
    "head",
    [
        "",
        '<meta name="octolytics-dimension-repository_nwo" content="not a name">',
        '<meta name="go-import" content="gitlab.com/owner/repo git x">',
        '<script type="application/ld+json">'
        '{"@type": "SoftwareSourceCode", "codeRepository": 5}</script>',
    ],
)
def test_unconfirmed_pages_give_none(head: str) -> None:
    assert read_rule("github-repository", URL, small(head)) is None


def test_odd_meta_gives_none_fields() -> None:
    page = small(
        '<meta name="octolytics-dimension-repository_nwo" content="owner/repo">'
        '<meta property="og:image" content="javascript:alert(1)">'
    )
    repository = repository_of(URL, page)
    assert repository.description is None
    assert repository.owner is not None
    assert repository.owner.avatar is None


def test_only_pages_whose_rule_reads_marks_have_them_read() -> None:
    assert reads_body_marks("https://github.com/a/b")
    assert reads_body_marks("https://github.com/discourse/discourse/tree/master/spec")
    assert not reads_body_marks("https://github.com/settings/profile")
    assert not reads_body_marks("https://www.tiktok.com/@someone")
    assert not reads_body_marks("not a link")
    body = b'<span aria-label="3 users starred this repository"></span>'
    assert parse_page(body, url="https://example.com/").marks == ()
    assert parse_page(body, url="https://example.com/", marks=True).marks == (
        ("label", "3 users starred this repository"),
    )
