"""Untrusted HTML reduced, in linear time, to the few elements previews are read from.

Why this exists: Lexbor builds the tree the way the HTML standard says, and several of the
standard's algorithms are quadratic on hostile input. Measured with selectolax 1.0.2: 40 000
nested `<div>`s take 6 s (each start tag walks the open-element stack looking for a `<p>`),
20 000 distinct `<b id=N>` take 4 s (the "Noah's Ark" scan of formatting elements), 1 000
unclosed formatting elements followed by 1 000 `<p>x</p>` take 1 s from an 18 KB page
(formatting elements are cloned into every paragraph), one tag with 20 000 attributes takes
1 s. A 200 000-deep document would keep a worker busy for minutes. Counting tags before
parsing does not help: a `</div>` hidden in an attribute value, a comment or a script looks
like a real one to a counter but not to the parser.

So instead of handing the page to Lexbor as it is, we tokenize it once with a regular
expression that follows the standard's tokenizer (tag and attribute syntax with its quoting
rules, comments, bogus comments, raw-text elements) and keep only self-contained units:
`<meta>`, `<link>` and `<base>` tags, the first `<html>` start tag (for `lang`), `<title>`
elements and data `<script>` elements (JSON, JSON-LD, and inline scripts that assign a known
state variable such as YouTube's `ytInitialData`) with their raw text. Everything
else (every other tag, all text, comments, styles, SVG) is dropped. The document Lexbor then
parses is flat: nothing nests, there are no formatting elements, no tag carries more than
`MAX_ATTRIBUTES` attributes, and no attribute lists are merged. Its parse is linear.

Safety rests on one property, not on our tokenizer matching the browser's on every page:
the *output* is a concatenation of complete tags and raw-text elements that the parser
necessarily reads back exactly as we wrote them. Where our reading of the input differs from
a browser's (exotic script escapes, a `<title>` inside SVG), we lose content, never bounds.

The page is read only as far as its data needs: tokenizing stops after the last place a kept
unit could start, found by a cheap search from the end (on real pages about half the tags
come after it: footers, analytics scripts, templates). `head_markup` uses that shortened
reading only when it agrees with the whole one, and tests/extraction/test_reading_extent.py
holds the two to be equal on hostile shapes and on every corpus page.

A second pattern keeps paragraph text (`<p>`, `</p>`, `<br>` and the text between tags) for
pages that declare no description; it follows the same rules.

The patterns themselves must stay linear too (a regex can be its own denial of service).
They use possessive quantifiers only; every look-ahead reads a bounded number of characters;
and a tag that looks like a kept one but fails to parse as one is dropped whole, so the
tags inside its text are not each tried again (`<meta a="` followed by a megabyte of
`<meta x ` would otherwise re-scan the same text at every one of them). The tests in
tests/extraction/test_parsing_bounds.py hold these shapes, with others, to a time limit.
"""

from __future__ import annotations

import re
from typing import Final

from extraction.jsondata import INLINE_STATE_NAMES

# More attributes than this and a kept tag is dropped instead: Lexbor checks each attribute
# against every earlier one, and a failed attempt re-reads at most this many attributes.
# Real `<meta>` and `<link>` tags carry two to six.
MAX_ATTRIBUTES: Final = 16

# At most this many `<meta>`/`<link>`/`<base>` tags, and separately this many titles and data
# scripts, are handed on (a page of a million `<meta>`s would otherwise still be a million
# elements to build and visit). Data scripts have their own budget because they tend to come
# last, after every tag in the head.
MAX_VOID_UNITS: Final = 2000
MAX_RAW_UNITS: Final = 200

_END = r"(?=[\t\n\f\r />])"  # what may follow a tag name
# One attribute, as the tokenizer reads it: a name (which may start with "=" and may contain
# quotes), then optionally "=" and a value. Quotes open a value only right after "=".
_ATTRIBUTE = (
    r"[^\t\n\f\r />][^\t\n\f\r />=]*+"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    r"(?:\"[^\"]*+\"?+|'[^']*+'?+|[^\t\n\f\r >\"'][^\t\n\f\r >]*+)?+)?+"
)
_SEPARATORS = r"[\t\n\f\r /]*+"
# The rest of a tag we keep: at most MAX_ATTRIBUTES attributes, then ">" (no EOF).
_EXACT_TAIL = rf"(?:{_SEPARATORS}{_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+{_SEPARATORS}>"
# The rest of a tag we drop: quotes are honoured so that a ">" inside an attribute value does
# not end the tag early (which would let the value's text look like markup to us); running
# into the end of the document ends it too. Exactness does not matter here, only fidelity.
_LOOSE_TAIL = r"[^>\"']*+(?:(?:\"[^\"]*+\"?+|'[^']*+'?+)[^>\"']*+)*+>?+"


def _raw_text(name: str) -> str:
    """Everything up to the end tag that closes a raw-text element (or up to EOF)."""
    return rf"[^<]*+(?:<(?!/(?i:{name}){_END})[^<]*+)*+"


def _whole_element(name: str) -> str:
    """A raw-text-like element from its start tag to its end tag, both included."""
    return (
        rf"(?i:{name}){_END}{_LOOSE_TAIL}"
        rf"(?:(?<=>){_raw_text(name)}(?:</(?i:{name}){_END}{_LOOSE_TAIL})?+)?+"
    )


# Scripts worth keeping: JSON data (type application/json, application/ld+json), the ids
# platforms store state under even when the type says JavaScript, and inline scripts that
# open by assigning a known state variable (`<script nonce=…>var ytInitialData = {`; the
# names are extraction/jsondata.py's INLINE_STATE_NAMES).
# The look-ahead reads at most 256 characters of tag and 100 of script, so that a run of
# `<script ` without a ">" cannot make every position scan to the end of the document.
_INLINE_STATE = (
    r">[\t\n\f\r ]{0,64}(?:var[\t\n\f\r ]{1,8}|window\.|window\[[\"'])"
    rf"(?:{'|'.join(INLINE_STATE_NAMES)})[\"'\]\t\n\f\r =]"
)
_DATA_SCRIPT = (
    rf"(?=[^>]{{0,256}}?(?:(?i:json|SIGI_STATE|__NEXT_DATA__|__UNIVERSAL_DATA)|{_INLINE_STATE}))"
)
_KEPT_NAMES = ("meta", "link", "base", "html", "title", "script")
_KEPT_START = rf"(?:(?i:{'|'.join(_KEPT_NAMES[:-1])}){_END}|(?i:script){_END}{_DATA_SCRIPT})"
# Elements dropped with everything inside them: their content is not markup to the parser
# (script, style, textarea…) or is not page text we want (SVG, MathML, templates).
_DROPPED_ELEMENTS = (
    "script",
    "style",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "template",
    "svg",
    "math",
)


def _plain_initials(*names: str) -> str:
    """A character class of the letters no name in `names` starts with (either case)."""
    initials = {name[0] for name in names}
    letters = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in initials)
    return f"[{letters}{letters.upper()}]"


def _skip(kept_start: str, dropped_elements: tuple[str, ...]) -> str:
    """A possessive run of everything that is not the start of a kept unit."""
    # Most tags (div, a, ul, footer…) start with a letter no special name starts with; they
    # are dropped without the look-ahead for kept names (a measurable share of the time).
    plain = _plain_initials(*_KEPT_NAMES, *dropped_elements, "plaintext")
    alternatives = "|".join(
        [
            r"(?![A-Za-z/!?])",  # a "<" that starts no tag is text
            rf"{plain}{_LOOSE_TAIL}",
            rf"/(?:[A-Za-z]{_LOOSE_TAIL}|>|[^A-Za-z>][^>]*+>?+)",  # end tag, `</>`, bogus
            r"!--(?:-?>|.*?--!?>|.*\Z)",  # comment, including `<!-->` and an unclosed one
            r"[!?][^>]*+>?+",  # doctype, CDATA outside SVG, processing instruction
            rf"(?!{kept_start})(?:"
            + "|".join(
                [
                    *(_whole_element(name) for name in dropped_elements),
                    rf"(?i:plaintext){_END}.*\Z",
                    rf"[A-Za-z]{_LOOSE_TAIL}",
                ]
            )
            + ")",
        ]
    )
    return rf"(?:[^<]++|<(?:{alternatives}))*+"


_HEAD_UNITS: Final = re.compile(
    _skip(_KEPT_START, _DROPPED_ELEMENTS)
    + r"(?:"
    + rf"(?P<void><(?i:meta|link|base|html){_END}{_EXACT_TAIL})"
    + rf"|(?P<raw><(?:(?i:title){_END}{_EXACT_TAIL}{_raw_text('title')}"
    + rf"|(?i:script){_END}{_DATA_SCRIPT}{_EXACT_TAIL}(?P<script_text>{_raw_text('script')})))"
    + rf"(?:</(?i:title|script){_END}{_LOOSE_TAIL})?+"
    # A kept tag that is not one after all (too many attributes, no ">") is dropped whole,
    # so that the tags inside its text are not tried again one by one.
    + rf"|(?P<dropped><(?:{_whole_element('title')}|{_whole_element('script')}"
    + rf"|[A-Za-z]{_LOOSE_TAIL}))"
    + r")?",
    re.ASCII | re.DOTALL,
)


# Where a kept unit can start: a superset to search for cheaply, and the exact start.
# (The look-ahead on the first letters lets most "<"s be passed over without trying names.)
_CANDIDATE: Final = re.compile(
    r"<(?=[bhlmstBHLMST][A-Za-z]{3})(?i:meta|link|base|html|title|script)[\t\n\f\r />]",
    re.ASCII,
)
_KEPT_UNIT_START: Final = re.compile(rf"<{_KEPT_START}", re.ASCII | re.DOTALL)
# The last kept unit is looked for from the end of the page in windows this long.
_TAIL_WINDOW: Final = 1 << 16
_CANDIDATE_CHARS: Final = len("<script ")


def head_markup(html: str) -> str:
    """The page's `<meta>`, `<link>`, `<base>`, first `<html>`, `<title>` and data scripts.

    Raw-text elements are re-closed with a plain end tag of ours, so that an end tag carrying
    thousands of attributes is not copied either.

    The page is read only as far as its data needs: nothing can be kept after the last place
    a kept unit could start, and on most pages that is well before the end (the tail is
    analytics scripts, footers, templates), so tokenizing stops at the end of that unit. The
    shortened reading is used only when it agrees with the whole one (see
    `_units_until_last_candidate`); otherwise the whole page is read, so the result is always
    that of the whole page, for at most twice the work.
    """
    last = _last_candidate(html)
    if last is None:
        return ""  # every kept unit starts at a candidate: there is nothing to keep
    return _join_units(_units(html, last))[0]


def head_parts(html: str) -> tuple[str, list[str]]:
    """`head_markup` with every data script left empty, and the scripts' texts in order.

    The texts are what the parser would have made of them (its input preprocessing turns
    CR LF and CR into LF and NUL into U+FFFD), so a caller reads them instead of asking the
    parsed tree: Lexbor then never copies megabytes of page state (YouTube's ytInitialData,
    TikTok's rehydration data), and a script's end is ours, never a script-escape reading.
    """
    last = _last_candidate(html)
    if last is None:
        return "", []
    return _join_units(_units(html, last), split_scripts=True)


def whole_head_markup(html: str) -> str:
    """`head_markup` reading every token of the page: the reference it must always equal."""
    return _join_units(_all_units(html))[0]


# A kept unit: the void tag, or the raw-text element without its end tag and where its text
# starts in it (a script's; -1 for a title).
_Unit = tuple[str | None, str | None, int]


def _unit(match: re.Match[str]) -> _Unit:
    raw_start, text_start = match.start("raw"), match.start("script_text")
    return match["void"], match["raw"], text_start - raw_start if text_start >= 0 else -1


def _units(html: str, last: int) -> list[_Unit]:
    units = _units_until_last_candidate(html, last)
    return _all_units(html) if units is None else units


def _all_units(html: str) -> list[_Unit]:
    return [_unit(match) for match in _HEAD_UNITS.finditer(html)]


def _last_candidate(html: str) -> int | None:
    """Where the last `<meta`/`<link`/`<base`/`<html`/`<title`/data `<script` starts.

    Searched window by window from the end, so that only the tail after it is read. The
    cheap pattern finds every possible start; the exact one (the look-ahead kept units
    begin with) confirms it against the whole text.
    """
    end = len(html)
    while end > 0:
        start = max(0, end - _TAIL_WINDOW)
        found = None
        for match in _CANDIDATE.finditer(html, start, end + _CANDIDATE_CHARS):
            position = match.start()
            if position >= end:
                break
            if _KEPT_UNIT_START.match(html, position):
                found = position
        if found is not None:
            return found
        end = start
    return None


def _units_until_last_candidate(html: str, last: int) -> list[_Unit] | None:
    """The units of `html`, tokenizing only up to the end of the unit at `last`; None when
    that shortened reading cannot be shown to equal the whole one.

    The text is cut where the unit starting at `last` would end. Every token that ends
    before the cut is the same as in the whole text: the look-aheads that decide a token
    read no further than the token itself (a data-script test reads at most its tag and the
    start of its own text). A token that reaches the cut is read to the cut instead of to
    its end. If that is the unit at `last`, the cut is its end and nothing changed. If
    `last` was inside something (an SVG `<title>`, a `<link>` in a script's JSON, an
    attribute value), what holds it reaches the cut: a dropped element or comment is
    dropped either way, and a data script or title is read again from the whole text. After
    the cut no unit can start, as `last` is the last candidate. One token can change in kind:
    a kept-looking tag whose exact parse failed because its quoted value ran into the cut
    (its loose reading, which ends sooner, took over); such dropped tags are rare, so any
    of them sends the caller to the whole reading.
    """
    unit = _HEAD_UNITS.match(html, last)
    cut = unit.end() if unit is not None else len(html)
    units: list[_Unit] = []
    final: re.Match[str] | None = None
    for match in _HEAD_UNITS.finditer(html, 0, cut):
        if match["dropped"] is not None:
            return None
        if match["void"] is not None or match["raw"] is not None:
            units.append(_unit(match))
            final = match
    if final is not None and final.end() == cut and final.start("raw") not in (-1, last):
        # A data script or title holding `last` in its text, cut short: read it whole.
        whole = _HEAD_UNITS.match(html, final.start())
        if whole is None or whole["raw"] is None:
            return None
        units[-1] = _unit(whole)
    return units


def _join_units(units: list[_Unit], *, split_scripts: bool = False) -> tuple[str, list[str]]:
    """The kept units as the document Lexbor parses, within the caps; with `split_scripts`,
    data scripts are left empty and their texts returned apart, in document order."""
    kept: list[str] = []
    texts: list[str] = []
    seen_html = False
    voids = raws = 0
    for void, raw, text_start in units:
        if void:
            if void[1] in "hH":  # only the first <html>: Lexbor merges the others' attributes
                if seen_html:
                    continue
                seen_html = True
            voids += 1
            if voids <= MAX_VOID_UNITS:
                kept.append(void)
        elif raw:
            raws += 1
            if raws > MAX_RAW_UNITS:
                continue
            if text_start < 0:
                kept.append(raw)
                kept.append("</title>")
            elif split_scripts:
                kept.append(raw[:text_start])
                kept.append("</script>")
                texts.append(_as_parsed(raw[text_start:]))
            else:
                kept.append(raw)
                kept.append("</script>")
    return "".join(kept), texts


def _as_parsed(text: str) -> str:
    """Script text as the HTML parser's input preprocessing and script-data state leave it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text


_PARAGRAPH_START = rf"/?(?i:p|br){_END}"
_TEXT_UNITS: Final = re.compile(
    rf"<(?:<*(?=<)|(?P<kept>{_PARAGRAPH_START}{_EXACT_TAIL})"
    + r"|/(?:[A-Za-z]"
    + _LOOSE_TAIL
    + r"|>|[^A-Za-z>][^>]*+>?+)"
    + r"|!--(?:-?>|.*?--!?>|.*\Z)"
    + r"|[!?][^>]*+>?+"
    + "".join(f"|{_whole_element(name)}" for name in (*_DROPPED_ELEMENTS, "title", "noscript"))
    + rf"|(?i:plaintext){_END}.*\Z"
    + rf"|[A-Za-z]{_LOOSE_TAIL})",
    re.ASCII | re.DOTALL,
)


def paragraph_markup(html: str) -> str:
    """The page's text with only `<p>`, `</p>` and `<br>` tags left, for a text summary.

    Dropped tags leave nothing behind, so inline markup (`Hel<b>lo</b>`) does not split
    words. A "<" that is text and sits right before a dropped tag is dropped too, so that the
    removal cannot join it with the following text into a new tag (`<<b>script>`).
    """
    parts = _TEXT_UNITS.split(html)
    parts[1::2] = ["<" + kept if kept else "" for kept in parts[1::2]]
    return "".join(parts)
