"""RFC 3986 resolution and path normalisation: the RFC's own examples (§5.4), and the `//`
paths that `urljoin` loses."""

from __future__ import annotations

import pytest

from common.uri import remove_dot_segments, resolve_reference, upper_percent_encodings

BASE = "http://a/b/c/d;p?q"
# RFC 3986 §5.4.1 and §5.4.2, verbatim.
RFC_EXAMPLES = {
    "g:h": "g:h", "g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/",
    "/g": "http://a/g", "//g": "http://g", "?y": "http://a/b/c/d;p?y",
    "g?y": "http://a/b/c/g?y", "#s": "http://a/b/c/d;p?q#s", "g#s": "http://a/b/c/g#s",
    "g?y#s": "http://a/b/c/g?y#s", ";x": "http://a/b/c/;x", "g;x": "http://a/b/c/g;x",
    "g;x?y#s": "http://a/b/c/g;x?y#s", "": "http://a/b/c/d;p?q", ".": "http://a/b/c/",
    "./": "http://a/b/c/", "..": "http://a/b/", "../": "http://a/b/", "../g": "http://a/b/g",
    "../..": "http://a/", "../../": "http://a/", "../../g": "http://a/g",
    "../../../g": "http://a/g", "../../../../g": "http://a/g", "/./g": "http://a/g",
    "/../g": "http://a/g", "g.": "http://a/b/c/g.", ".g": "http://a/b/c/.g",
    "g..": "http://a/b/c/g..", "..g": "http://a/b/c/..g", "./../g": "http://a/b/g",
    "./g/.": "http://a/b/c/g/", "g/./h": "http://a/b/c/g/h", "g/../h": "http://a/b/c/h",
    "g;x=1/./y": "http://a/b/c/g;x=1/y", "g;x=1/../y": "http://a/b/c/y",
    "g?y/./x": "http://a/b/c/g?y/./x", "g?y/../x": "http://a/b/c/g?y/../x",
    "g#s/./x": "http://a/b/c/g#s/./x", "g#s/../x": "http://a/b/c/g#s/../x",
}  # fmt: skip


@pytest.mark.parametrize(("reference", "expected"), RFC_EXAMPLES.items())
def test_resolves_the_rfc_examples(reference: str, expected: str) -> None:
    assert resolve_reference(BASE, reference) == expected


@pytest.mark.parametrize(
    ("base", "reference", "expected"),
    [
        ("https://h/x", "z//w", "https://h/z//w"),  # urljoin gives https://h/z/w
        ("https://h/a//b/c", "../d", "https://h/a//d"),  # `..` climbs one segment, an empty one
        ("https://h/a", "//other.test//p", "https://other.test//p"),
        ("https://h/a", "/p//q", "https://h/p//q"),
    ],
)
def test_keeps_empty_segments(base: str, reference: str, expected: str) -> None:
    assert resolve_reference(base, reference) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/a/b/c/./../../g", "/a/g"), ("mid/content=5/../6", "mid/6"), ("//a//./b", "//a//b")],
)
def test_removes_dot_segments_only(path: str, expected: str) -> None:
    assert remove_dot_segments(path) == expected


def test_upper_cases_percent_encodings_only() -> None:
    assert upper_percent_encodings("/%7efoo/%2f%zz%") == "/%7Efoo/%2F%zz%"
