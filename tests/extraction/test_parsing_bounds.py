"""Parsing bounds (SECURITY-CASES D1-D5): hostile pages parse in bounded time and memory,
caps hold, and hidden text never reaches the preview.

Lexbor alone is quadratic on several of these shapes (40 000 nested divs take seconds; see
extraction/flatten.py), so the time limits below are generous for the guarded path and far
below what the unguarded parse would need.
"""

from __future__ import annotations

import random
import time

import pytest

from extraction.flatten import (
    MAX_ATTRIBUTES,
    MAX_RAW_UNITS,
    MAX_VOID_UNITS,
    head_markup,
    paragraph_markup,
)
from extraction.marks import MAX_MARKS_PER_KIND
from extraction.page import (
    MAX_META_TAGS,
    MAX_VALUES_PER_KEY,
    META_VALUE_LIMIT,
    ParsedPage,
    parse_page,
)

URL = "https://hostile.example/page"
# Seconds; the guarded parse of each page below takes well under a second.
LIMIT = 5.0


def parse_within_limit(body: bytes | str) -> ParsedPage:
    data = body.encode() if isinstance(body, str) else body
    started = time.perf_counter()
    page = parse_page(data, url=URL, marks=True)  # every reading, the body's marks too
    elapsed = time.perf_counter() - started
    assert elapsed < LIMIT, f"took {elapsed:.1f}s"
    return page


def test_200000_nested_divs() -> None:
    depth = 200_000
    page = parse_within_limit(
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + "<p>bottom text that is long enough to summarize</p>"
        + "</div>" * depth
    )
    assert page.title == "Deep"
    assert page.summary == "bottom text that is long enough to summarize"


def test_nesting_hidden_behind_fake_end_tags() -> None:
    """`</div>` inside attribute values, comments and scripts is not a real end tag; a
    counter fooled by them would let the real nesting through."""
    unit = "<div><i title='</div>'><!-- </div> --><script>'</div>'</script>"
    page = parse_within_limit("<title>t</title>" + unit * 50_000)
    assert page.title == "t"


def test_five_megabyte_document() -> None:
    body = "<title>Big</title><meta name=description content=d>" + "<p>hello world</p>" * 290_000
    assert len(body) > 5_000_000
    assert parse_within_limit(body).title == "Big"


def test_many_distinct_formatting_elements() -> None:
    body = "<title>t</title>" + "".join(f"<b id={n}>" for n in range(100_000)) + "x"
    assert parse_within_limit(body).title == "t"


def test_formatting_elements_reopened_in_every_paragraph() -> None:
    opened = "".join(f"<b id={n}>" for n in range(5_000))
    body = f"<title>t</title><p>{opened}</p>" + "<p>x</p>" * 50_000
    assert parse_within_limit(body).title == "t"


def test_one_tag_with_300000_attributes() -> None:
    attributes = " ".join(f"a{n}=1" for n in range(300_000))
    page = parse_within_limit(f"<title>t</title><meta {attributes} property=og:title content=x>")
    assert page.title == "t"
    assert "og:title" not in page.meta  # the tag was too big to keep


def test_kept_tags_carry_at_most_max_attributes() -> None:
    extra = " ".join(f"data-{n}=1" for n in range(MAX_ATTRIBUTES - 2))
    fits = f'<meta {extra} property="og:title" content="fits">'
    too_many = f'<meta {extra} a=1 property="og:description" content="dropped">'
    page = parse_within_limit(fits + too_many)
    assert page.first("og:title") == "fits"
    assert page.first("og:description") is None


def test_repeated_html_tags_are_not_merged() -> None:
    body = '<html lang="en">' + "".join(f"<html a{n}=1>" for n in range(100_000))
    assert parse_within_limit(body).lang == "en"


def test_10000_og_tags() -> None:
    page = parse_within_limit("<head>" + '<meta property="og:title" content="x">' * 10_000)
    assert len(page.meta["og:title"]) == MAX_VALUES_PER_KEY


def test_units_handed_to_the_parser_are_capped() -> None:
    metas = '<meta name="k" content="v">' * (MAX_VOID_UNITS + 10)
    scripts = '<script type="application/json" id="s">{}</script>' * (MAX_RAW_UNITS + 10)
    flat = head_markup(metas + scripts + '<script id="SIGI_STATE">{}</script>')
    assert flat.count("<meta") == MAX_VOID_UNITS
    assert flat.count("<script") == MAX_RAW_UNITS
    page = parse_within_limit("<meta name=k content=v>" * 200_000)
    assert page.meta == {"k": ("v",) * MAX_VALUES_PER_KEY}


def test_meta_tags_read_are_capped() -> None:
    body = "".join(f'<meta name="k{n}" content="v">' for n in range(2 * MAX_META_TAGS))
    page = parse_within_limit(body)
    assert len(page.meta) == MAX_META_TAGS


def test_one_megabyte_og_title_is_cut() -> None:
    page = parse_within_limit(f'<meta property="og:title" content="{"x" * 1_000_000}">')
    assert page.meta["og:title"] == ("x" * META_VALUE_LIMIT,)


def test_overlong_keys_are_skipped() -> None:
    page = parse_within_limit(f'<meta property="og:{"k" * 10_000}" content="x">')
    assert page.meta == {}


def test_megabyte_title_element_is_cut() -> None:
    page = parse_within_limit(f"<title>{'word ' * 200_000}</title>")
    assert page.title is not None
    assert len(page.title) <= 1000


@pytest.mark.parametrize(
    "body",
    [
        "<!--" * 300_000,
        "<script>" * 300_000,
        '<div a="' * 300_000,
        "<" * 2_000_000 + "div>",
        "</" * 1_000_000,
        "<svg><title>" + "<div>" * 100_000,
        "<table>" + "<tr><td>" * 100_000,
        "<ul><li>" * 100_000,
        "<object>" * 100_000 + "<div>" * 100_000,
        "&" * 1_000_000 + "amp;",
        '<meta a="' + "<meta x " * 200_000,
        '<meta a="' + ("<meta b='" + "<meta " * 100 + "'") * 2_000,
        "<script " * 200_000 + "json",
        ("<meta" + " a" * 40 + ">") * 20_000,
        "<title>x" + "</title " * 200_000,
        "<script>var ytInitialData = {" + '"k": "</scrip", ' * 300_000,
        '<script nonce="n">var ytInitialData = {"a": ' * 100_000,
        "<script>var ytInitialPlayerResponse = " + "[" * 1_000_000 + "</script>",
        ("<script>window['ytInitialData'] = {\"a\": 1};</script>") * 50_000,
        "<script>" + " " * 64 + "var " * 500_000,
        # Body marks (extraction/marks.py): each pattern's literal, then nothing that ends it.
        'aria-label="1' * 400_000,
        ('<span id="repo-stars-counter"' + ' data-a="b"' * 8 + ">") * 50_000,
        '<span id="repo-' * 300_000,
        ('class="octicon octicon-law">' + "<path " + "d " * 2_000) * 500,
        'itemprop="keywords" aria-label="' * 200_000,
        'title="Topic: ' * 300_000,
    ],
    ids=[
        "comments",
        "scripts",
        "quotes",
        "lt-run",
        "end-opens",
        "svg-title",
        "tables",
        "lists",
        "objects",
        "ampersands",
        "unclosed-quote-then-metas",
        "nested-quotes",
        "script-starts-without-end",
        "metas-with-too-many-attributes",
        "title-end-tags",
        "inline-state-unterminated",
        "inline-state-many-unterminated",
        "inline-state-deep-nesting",
        "inline-state-many-closed",
        "inline-state-prefix-run",
        "marks-unclosed-labels",
        "marks-counters-without-title",
        "marks-counter-prefixes",
        "marks-law-icons-without-text",
        "marks-keywords-labels",
        "marks-topic-titles",
    ],
)
def test_pathological_shapes_stay_bounded(body: str) -> None:
    parse_within_limit(body)


def test_body_marks_are_capped() -> None:
    page = parse_within_limit('<span aria-label="1 user starred this repository"></span>' * 50_000)
    assert len(page.marks) == MAX_MARKS_PER_KIND


@pytest.mark.parametrize("body", [b"", b"\x00", b"\x00" * 10_000, b" \n\t ", b"\xff\xfe"])
def test_empty_and_nul_bodies_give_an_empty_page(body: bytes) -> None:
    page = parse_page(body, url=URL)
    assert page == ParsedPage(url=URL, encoding=page.encoding)
    assert page.title is None


def test_random_bytes_never_raise() -> None:
    generator = random.Random(1234)
    for size in (1, 7, 100, 4096, 100_000):
        for _ in range(20):
            parse_page(generator.randbytes(size), url=URL)


def test_random_markup_soup_never_raises() -> None:
    pieces = [
        "<",
        ">",
        "</",
        "<!--",
        "-->",
        '"',
        "'",
        "=",
        "<meta ",
        "<script>",
        "</script>",
        "<title>",
        "<svg>",
        "<p>",
        "<b>",
        "&amp",
        "\x00",
        "x",
        " ",
        "<![CDATA[",
        "]]>",
        "<html lang=",
        "content=",
        "property=og:title",
    ]
    generator = random.Random(99)
    for _ in range(300):
        soup = "".join(generator.choice(pieces) for _ in range(generator.randrange(1, 400)))
        parse_page(soup.encode(), url=URL)


def test_xml_declared_xhtml_goes_through_the_html_parser() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ja">
<head>
  <meta http-equiv="Content-Type" content="text/html;charset=UTF-8" />
  <meta property="og:title" content="XHTML &amp; friends" />
  <title>An XHTML page</title>
  <script type="application/ld+json"><![CDATA[ {"@type": "Article", "headline": "H"} ]]></script>
</head>
<body><p>Some paragraph text that is long enough.</p></body>
</html>"""
    page = parse_page(body, url=URL)
    assert page.title == "An XHTML page"
    assert page.first("og:title") == "XHTML & friends"
    assert page.lang == "ja"
    assert page.json_ld == ({"@type": "Article", "headline": "H"},)


def test_entity_bombs_do_not_apply() -> None:
    """There is no DTD processing: an XML entity declaration is just a bogus comment."""
    body = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<html><head><title>&lol2;</title></head></html>"""
    assert parse_within_limit(body).title == "&lol2;"


HIDDEN = "HIDDEN-TEXT-MUST-NOT-SHOW"


@pytest.mark.parametrize(
    "hiding_place",
    [
        f"<script>var x = '{HIDDEN} long enough';</script>",
        f"<!-- <p>{HIDDEN} long enough</p> -->",
        f"<svg><text>{HIDDEN} long enough</text><title>{HIDDEN}</title></svg>",
        f"<style>p::after {{ content: '{HIDDEN} long enough' }}</style>",
        f"<template><p>{HIDDEN} long enough</p></template>",
        f"<textarea><p>{HIDDEN} long enough</p></textarea>",
        f"<noscript><p>{HIDDEN} long enough</p></noscript>",
    ],
)
def test_hidden_text_never_reaches_the_summary(hiding_place: str) -> None:
    body = f"<title>t</title><body><p>Visible paragraph {hiding_place} text here.</p>"
    page = parse_page(body.encode(), url=URL)
    assert page.summary is not None
    assert "Visible paragraph" in page.summary
    assert HIDDEN not in page.summary


@pytest.mark.parametrize(
    "hiding_place",
    [
        "<div data-html=\"a>b <meta property='og:title' content='fake'>\"></div>",
        "<!-- <meta property='og:title' content='fake'> -->",
        "<script>document.write(\"<meta property='og:title' content='fake'>\")</script>",
        "<textarea><meta property='og:title' content='fake'></textarea>",
        "<svg><meta property='og:title' content='fake'></svg>",
        "<template><meta property='og:title' content='fake'></template>",
        "<style>/* <meta property='og:title' content='fake'> */</style>",
        "<title><meta property='og:title' content='fake'></title>",
    ],
)
def test_markup_inside_text_or_attributes_is_not_read_as_meta(hiding_place: str) -> None:
    page = parse_page(f"<head>{hiding_place}</head>".encode(), url=URL)
    assert page.first("og:title") is None


def test_title_keeps_markup_as_text() -> None:
    page = parse_page(b"<title>A <b>bold</b> &amp; plain title</title>", url=URL)
    assert page.title == "A <b>bold</b> & plain title"


def test_json_script_with_markup_inside_stays_whole() -> None:
    body = b'<script id="data" type="application/json">{"html": "<div></div><p>x</p>"}</script>'
    assert parse_page(body, url=URL).json_scripts == {"data": '{"html": "<div></div><p>x</p>"}'}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Hel<b>lo</b> w<br>orld</p>", "<p>Hello w<br>orld</p>"),
        ("<<b>script>alert(1)", "script>alert(1)"),
        ("a < b <<p>c", "a < b <p>c"),
        ("<p>x<!-- <p>y --></p>", "<p>x</p>"),
        ('<p title="</p><p>">z</p>', '<p title="</p><p>">z</p>'),
    ],
)
def test_paragraph_markup(html: str, expected: str) -> None:
    assert paragraph_markup(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<html lang=en><meta charset=utf-8><div><link rel=icon href="/i"></div><html lang=x>',
            '<html lang=en><meta charset=utf-8><link rel=icon href="/i">',
        ),
        ("<title x=1>a<b>c</TITLE >", "<title x=1>a<b>c</title>"),
        ("<script>js()</script><script type=application/json>{}</script>", ""),
        ("<script>js()</script><script type=application/json id=a>{}</script>", ""),
        ("<title>open", "<title>open</title>"),
        ('<meta content="a>b" name=x>', '<meta content="a>b" name=x>'),
        ('<meta a"b c="d>e" name=x>', '<meta a"b c="d>e" name=x>'),
        ('<meta a"=\'" name=x>', ""),  # the quoted value never ends: no tag at all
    ],
)
def test_head_markup(html: str, expected: str) -> None:
    if "application/json" in html:
        expected = html[html.index("<script type") :]
    assert head_markup(html) == expected


def test_head_markup_is_linear_on_long_inputs() -> None:
    timings: list[float] = []
    for repeat in (20_000, 80_000):
        body = "<div class='a'><span>x</span><meta name=k content=v></div>" * repeat
        started = time.perf_counter()
        head_markup(body)
        timings.append(time.perf_counter() - started)
    # Four times the input should take about four times as long, nowhere near sixteen.
    assert timings[1] < timings[0] * 10 + 0.05
