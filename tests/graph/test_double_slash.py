"""A link whose path holds `//` is fetched with that path, end to end, and so is a redirect's
relative Location: the origin answers only on the `//` path (the one-slash path is a 404),
so a preview with the page's own title proves the path reached the origin unchanged. RFC
3986's normalisation still applies (dot segments, percent-encoding case)."""

from __future__ import annotations

import pytest

from tests.conftest import GraphClient
from tests.support.origin import CorpusOrigin

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { code message }
  }
}
"""
HOST = "https://www.nytimes.com"


def _page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body></body></html>".encode()


@pytest.mark.parametrize(
    ("written", "fetched"),
    [
        ("/archive//2017/07/page", "/archive//2017/07/page"),
        ("/archive//2017/./07/x/../page-%7e", "/archive//2017/07/page-%7E"),
        ("//lead//double", "//lead//double"),
    ],
)
def test_a_double_slash_path_reaches_the_origin_as_written(
    graph: GraphClient, origin: CorpusOrigin, written: str, fetched: str
) -> None:
    title = f"Only at {fetched}"
    origin.add(HOST + fetched, _page(title))
    answer = graph.query(QUERY, url=HOST + written)["preview"]
    assert answer["title"] == title, answer
    assert answer["url"] == HOST + fetched
    assert origin.count(HOST + fetched) == 1
    assert origin.count(HOST + fetched.replace("//", "/")) == 0


def test_a_relative_redirect_keeps_its_double_slash(
    graph: GraphClient, origin: CorpusOrigin
) -> None:
    origin.add_redirect(f"{HOST}/moved/here", "next//step/../page")
    target = f"{HOST}/moved/next//page"
    origin.add(target, _page("Reached through the redirect"))
    answer = graph.query(QUERY, url=f"{HOST}/moved/here")["preview"]
    assert answer["title"] == "Reached through the redirect", answer
    assert origin.count(target) == 1
    assert origin.count(f"{HOST}/moved/next/page") == 0
