"""Inline JavaScript state (`var ytInitialData = {...};`) kept and exposed by variable name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from extraction.flatten import MAX_RAW_UNITS, head_markup
from extraction.jsondata import (
    INLINE_STATE_NAMES,
    MAX_JSON_CHARS,
    JsonPath,
    inline_state,
    loads_lenient,
)
from extraction.page import MAX_JSON_SCRIPTS, parse_page
from sites.values import json_script

URL = "https://www.youtube.com/watch?v=abc"
STATE = {"videoDetails": {"videoId": "abc", "title": '</b> and "quotes" and };'}}


def page_with(*scripts: str) -> bytes:
    return ("<html><head><title>t</title></head><body>" + "".join(scripts)).encode()


@pytest.mark.parametrize(
    "script",
    [
        '<script nonce="x1">var ytInitialPlayerResponse = {state};</script>',
        "<script>var ytInitialPlayerResponse={state}</script>",
        '<script>\n  window["ytInitialPlayerResponse"] = {state};\n</script>',
        "<script>window.ytInitialPlayerResponse = {state};var meta = 1;</script>",
        '<script type="text/javascript">var ytInitialPlayerResponse = {state};</script>',
    ],
    ids=["var", "no-spaces", "window-index", "more-script-after", "typed"],
)
def test_assignment_forms_are_exposed_by_name(script: str) -> None:
    page = parse_page(page_with(script.replace("{state}", json.dumps(STATE))), url=URL)
    assert json_script(page, "ytInitialPlayerResponse") == STATE


def test_both_youtube_names_and_the_first_of_each() -> None:
    first = '<script>var ytInitialData = {"n": 1};</script>'
    second = '<script>var ytInitialData = {"n": 2};</script>'
    player = '<script>var ytInitialPlayerResponse = {"p": true};</script>'
    page = parse_page(page_with(first, player, second), url=URL)
    assert json_script(page, "ytInitialData") == {"n": 1}
    assert json_script(page, "ytInitialPlayerResponse") == {"p": True}
    assert set(page.json_scripts) <= set(INLINE_STATE_NAMES)


@pytest.mark.parametrize(
    "script",
    [
        '<script>var other = {"a": 1};</script>',
        '<script>var ytInitialDataX = {"a": 1};</script>',
        '<script>f(); var ytInitialData = {"a": 1};</script>',
        "<script>var ytInitialData = 5;</script>",
        '<script type="module">var ytInitialData = {"a": 1};</script>',
        "<div title='<script>var ytInitialData = {\"a\": 1};</script>'></div>",
        '<!-- <script>var ytInitialData = {"a": 1};</script> -->',
    ],
    ids=["other-name", "longer-name", "not-first", "not-object", "module", "attribute", "comment"],
)
def test_other_scripts_are_not_state(script: str) -> None:
    page = parse_page(page_with(script), url=URL)
    assert "ytInitialData" not in page.json_scripts


def test_inline_state_reader() -> None:
    assert inline_state('var ytInitialData = {"a": 1};') == ("ytInitialData", '{"a": 1}')
    assert inline_state("var ytInitialData = ") is None
    assert inline_state("var x = {}") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1};if (window.ytcsi) {ytcsi.tick("pdr", null, "");}', {"a": 1}),
        ('{"a": "};"} ; f()', {"a": "};"}),
        ('{"a": 1} f()', None),  # not a statement boundary: not ours to guess
        ('{"a": ', None),
        ("[" * 100_000 + "]" * 100_000, None),  # deeper than the recursion limit
    ],
)
def test_lenient_reading_of_a_json_prefix(text: str, expected: object) -> None:
    assert loads_lenient(text) == expected


def test_oversized_state_is_dropped() -> None:
    big = json.dumps({"pad": "x" * MAX_JSON_CHARS})
    page = parse_page(page_with(f"<script>var ytInitialData = {big};</script>"), url=URL)
    assert "ytInitialData" not in page.json_scripts


def test_state_scripts_share_the_raw_unit_budget() -> None:
    scripts = "<script>var ytInitialData = {}</script>" * (MAX_RAW_UNITS + 50)
    assert head_markup(scripts).count("<script") == MAX_RAW_UNITS


def test_state_does_not_crowd_out_data_scripts() -> None:
    data = "".join(
        f'<script id="d{n}" type="application/json">{{}}</script>' for n in range(MAX_JSON_SCRIPTS)
    )
    page = parse_page(page_with(data, "<script>var ytInitialData = {};</script>"), url=URL)
    assert len(page.json_scripts) == MAX_JSON_SCRIPTS
    assert "ytInitialData" not in page.json_scripts


def test_deeply_nested_state_reads_as_nothing() -> None:
    body = page_with('<script>var ytInitialData = {"a": ' + "[" * 500_000 + "</script>")
    page = parse_page(body, url=URL)
    assert page.json_scripts["ytInitialData"].startswith('{"a": [[')
    assert json_script(page, "ytInitialData") is None


@pytest.mark.parametrize(
    ("steps", "text", "expected"),
    [
        (("a", "b"), '{"a": {"b": [1, 2], "c": 3}, "d": 4}', [1, 2]),
        (("a", "[]", "b"), '{"a": [{"b": 1}, {"c": 2}, {"b": {"x": null}}]}', [1, {"x": None}]),
        (("a", "[]", "b"), '{"a": [{"b": 1}]};window.x = 2', [1]),  # read leniently
        (("a",), '{"z": 1}', None),
        (("a", "b"), '{"a": [1]}', None),  # the wrong type on the path
        (("a", "[]", "b"), '{"a": {"b": 1}}', None),
        (("a",), '{"a": ', None),
        (("a",), "[" * 100_000 + "]" * 100_000, None),
        (("a",), "", None),
    ],
)
def test_json_path_reads_one_path(steps: tuple[str, ...], text: str, expected: object) -> None:
    assert JsonPath(*steps).read(text) == expected


def test_json_path_agrees_with_a_full_decode() -> None:
    owners: list[dict[str, Any]] = [{"name": f"n{n}", "pad": list(range(50))} for n in range(200)]
    other = {"big": ["y" * 100] * 500}
    text = json.dumps({"contents": [{"x": {"owner": owner}} for owner in owners], "other": other})
    assert JsonPath("contents", "[]", "x", "owner").read(text) == owners
    assert JsonPath("other").read(text) == other
