"""Reading a page only as far as its data needs (extraction/flatten.py `head_markup`).

Tokenizing stops at the end of the last unit that could be kept; these tests hold that
shortcut to the reading of the whole page: data that comes late (JSON-LD and state scripts
after a large body) is still read, whatever hides the last candidate (an SVG `<title>`, a
`<link>` inside a script's JSON, an attribute value, a comment) gives what the whole reading
gives, and hostile shapes aimed at the shortcut stay bounded. Data scripts' texts are taken
from the same pass rather than from the parsed tree; they must read as the parser reads them.
"""

from __future__ import annotations

import json
import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from extraction.charset import decode_html
from extraction.flatten import (
    _last_candidate,
    _units_until_last_candidate,
    head_markup,
    whole_head_markup,
)
from extraction.page import parse_page
from tests.support.origin import CORPUS_DIR, load_corpus

URL = "https://late.example/page"
LIMIT = 5.0  # seconds; generous, as in test_parsing_bounds.py
ROW = "<div class='row'><a href='/x'>link</a><span>text &amp; more</span></div>\n"
BODY = ROW * 30_000
TAIL = "<script src='/analytics.js'></script><footer><p>© someone</p></footer>\n" * 50


def test_json_ld_and_state_scripts_after_a_large_body_are_read() -> None:
    thing = {"@type": "Article", "headline": "Late headline", "image": "/late.png"}
    state = {"user": {"uniqueId": "late"}}
    page = parse_page(
        (
            "<html><head><title>t</title></head><body>"
            + BODY
            + f'<script type="application/ld+json">{json.dumps(thing)}</script>'
            + f'<script id="SIGI_STATE" type="application/json">{json.dumps(state)}</script>'
            + TAIL
            + "</body></html>"
        ).encode(),
        url=URL,
    )
    assert len(BODY) > 2_000_000
    assert page.json_ld == (thing,)
    assert json.loads(page.json_scripts["SIGI_STATE"]) == state


def test_reading_stops_after_the_last_candidate() -> None:
    html = "<title>t</title>" + BODY + '<script id="d" type="application/json">{}</script>' + TAIL
    last = _last_candidate(html)
    assert last == html.index('<script id="d"')
    # The shortened reading is taken (not the whole-page fallback) and finds the script.
    units = _units_until_last_candidate(html, last)
    assert units is not None
    tag = '<script id="d" type="application/json">'
    assert units[-1] == (None, tag + "{}", len(tag))
    assert _last_candidate(BODY + TAIL) is None
    assert head_markup(BODY + TAIL) == ""


def test_a_late_meta_in_capitals_is_read() -> None:
    page = parse_page(
        ("<title>t</title>" + BODY + "<META NAME=Description CONTENT=late>" + TAIL).encode(),
        url=URL,
    )
    assert page.first("description") == "late"


@pytest.mark.parametrize(
    "hiding_place",
    [
        "<svg><title>Icon</title><path d='M0 0'/></svg>",
        '<script type="application/json" id="d">{"h": "<link rel=icon href=/j>"}</script>',
        '<script type="application/json" id="d">{"h": "<meta name=x content=y>"',  # unclosed
        "<div data-html=\"<meta property='og:title' content='fake'>\"></div>",
        "<!-- <meta property='og:title' content='fake'> -->",
        "<!-- <meta property='og:title' content='fake'>",  # a comment that never ends
        "<textarea><meta property='og:title' content='fake'></textarea>",
        '<meta x"y="<link rel=icon href=/i>" name=k content=v>',  # quote in a name
        '<meta a="<link rel=icon href=/i>',  # a kept-looking tag that never closes
        "<title>second</title>",
        "<title>never closed <meta name=x content=y>",
        "<html lang=de><html lang=fr>",
    ],
)
def test_the_shortcut_agrees_with_the_whole_reading(hiding_place: str) -> None:
    html = (
        "<html lang=en><head><title>Real</title><meta property='og:title' content='real'>"
        '<script type="application/ld+json">{"name": "n"}</script></head><body>'
        + ROW * 250
        + hiding_place
        + TAIL
    )
    assert head_markup(html) == whole_head_markup(html)
    assert "Real" in head_markup(html)


def test_a_data_script_holding_the_last_candidate_stays_whole() -> None:
    data = {"html": "<link rel=icon href=/in-json><meta name=k content=v>"}
    body = ROW * 120 + f'<script id="d" type="application/json">{json.dumps(data)}</script>' + TAIL
    page = parse_page(body.encode(), url=URL)
    assert json.loads(page.json_scripts["d"]) == data
    assert page.first("k") is None
    assert not page.links


@pytest.mark.parametrize(
    "body",
    [
        '<div a="' + "<meta x>" * 200_000,
        "<svg>" + "<title>x</title>" * 100_000,
        "<!--" + "<link rel=icon href=/i>" * 100_000,
        '<script type="application/json">' + "<script type=json>" * 100_000,
        "<meta name=a content=b>" + "<div>" * 300_000 + "<svg><title>x</title></svg>",
        ("<div>" * 1000 + '<meta a="') * 1000 + "<link rel=icon href=/i>",
        "<script type=json>" + "x" * 2_000_000 + "<meta a=b>",
    ],
    ids=[
        "candidates-in-an-attribute",
        "svg-titles",
        "candidates-in-a-comment",
        "candidates-in-a-data-script",
        "deep-body-then-hidden-candidate",
        "unclosed-kept-looking-tags",
        "long-data-script-then-candidate",
    ],
)
def test_shapes_aimed_at_the_shortcut_stay_bounded(body: str) -> None:
    started = time.perf_counter()
    flat = head_markup(body)
    assert time.perf_counter() - started < LIMIT
    assert flat == whole_head_markup(body)


def test_every_corpus_page_reads_the_same_as_the_whole_reading() -> None:
    pages = load_corpus()
    assert pages, f"no corpus pages in {CORPUS_DIR}"
    for page in pages:
        charset = page.content_type.partition("charset=")[2].strip().strip('"') or None
        text = decode_html(page.body, charset).text
        assert head_markup(text) == whole_head_markup(text), page.url


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x"}\r\n',
        '{\r"a":\r\n"b"}',
        '{"a": "x\x00y"}',
        "\r\n\r\r\n\x00",
        '{"html": "<p>a</p><!-- c -->"}',
    ],
)
def test_script_texts_read_apart_match_the_parser(text: str) -> None:
    """Data scripts' texts are taken from the flattening pass, not from the tree; they must
    be what Lexbor itself makes of the same element (CR LF and CR as LF, NUL as U+FFFD)."""
    element = f'<script id="d" type="application/json">{text}</script>'
    node = LexborHTMLParser(element).css_first("script")
    assert node is not None
    page = parse_page(element.encode(), url=URL)
    assert page.json_scripts["d"] == node.text(deep=True)


def test_each_script_element_gets_its_own_text() -> None:
    scripts = (
        '<script type="application/ld+json">{"name": "first"}</script>'
        '<script>var ytInitialData = {"k": 1};</script>'
        '<script id="s" type="application/json">{"s": 2}</script>'
        '<script type="application/ld+json">{"name": "second"}</script>'
    )
    page = parse_page(f"<title>t</title>{scripts}<title>u</title>".encode(), url=URL)
    assert page.json_ld == ({"name": "first"}, {"name": "second"})
    assert json.loads(page.json_scripts["ytInitialData"]) == {"k": 1}
    assert json.loads(page.json_scripts["s"]) == {"s": 2}
    assert page.title == "t"
