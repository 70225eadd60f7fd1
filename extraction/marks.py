"""Facts a page states only in its body markup, as a few bounded patterns read them.

The flattened page (extraction/flatten.py) keeps no body element, which is what keeps parsing
linear; but some platforms write their figures nowhere else. GitHub's repository page is the
case: its star, fork and watcher counts are accessible labels (`aria-label="964 users starred
this repository"`) or counters' titles (`<span id="repo-network-counter" title="50">`), its
languages are labels of the language bar (`aria-label="JavaScript 95.8"`), its topics are
links titled "Topic: nodejs", and its licence is the text of the link that carries the law
icon. So these shapes, and only these, are read here from the decoded text the reader already
holds (the fetch's byte cap bounds it), and handed to site rules as `(kind, value)` marks; what
they mean is the rule's business (sites/github.py).

The reader runs them only when asked (`parse_page(..., marks=True)`): the backend asks for a
page whose site rule reads marks (`SiteRule.reads_body_marks`), so other pages pay nothing
for these scans (on the corpus they would add a fifth to every page's parse).

Every pattern starts with a literal (found by the regex engine's fast search), then reads a
bounded number of characters with possessive quantifiers, so a hostile page costs at most a
constant per occurrence of that literal; values are capped in length and in number.
"""

from __future__ import annotations

import html
import re
from typing import Final

from extraction.text import collapse_whitespace

# At most this many marks of each kind are kept (a repository page has a dozen labels).
MAX_MARKS_PER_KIND: Final = 100
MAX_VALUE_CHARS: Final = 200

# kind -> pattern whose group 1 is the value (attribute values are read quoted with `"`, as
# GitHub writes them).
_PATTERNS: Final = (
    # Labels that hold a figure; the others (most of them: "Toggle navigation") are not kept.
    ("label", re.compile(r'aria-label="([^"<>0-9]{0,100}+[0-9][^"<>]{0,100}+)"', re.ASCII)),
    (
        "counter",
        # The counter's id, then within its tag its title: "repo-network-counter=50".
        re.compile(
            r'<span\s++id="(repo-[a-z]{1,20}+-counter(?:-[a-z]{1,10}+)?+)"'
            r'(?:\s++[a-z-]{1,40}+="[^"<>]{0,200}+"){0,8}?\s++title="([0-9.,kKmM]{1,15}+)"',
            re.ASCII,
        ),
    ),
    # The labels of `itemprop="keywords"` elements: GitHub's language bar ("JavaScript 95.8").
    (
        "keywords-label",
        re.compile(r'itemprop="keywords"\s++aria-label="([^"<>]{1,100}+)"', re.ASCII),
    ),
    ("topic", re.compile(r'title="Topic: ([^"<>]{1,100}+)"', re.ASCII)),
    (
        "license",
        # The law icon's link: its svg (a path or two), then the licence's name as text.
        re.compile(
            r'class="octicon octicon-law[^"<>]{0,40}+"[^<>]{0,200}+>'
            r"(?:\s*+</?(?:path|svg)\b[^<>]{0,4000}+>){0,6}+"
            r"\s*+([^<>]{1,100}+)</a>",
            re.ASCII,
        ),
    ),
)


def body_marks(text: str) -> tuple[tuple[str, str], ...]:
    """The marks of `text` (a decoded page), by kind in the order above, then document order;
    a counter's value is `<id>=<title>`."""
    found: list[tuple[str, str]] = []
    for kind, pattern in _PATTERNS:
        kept = 0
        for match in pattern.finditer(text):
            value = "=".join(collapse_whitespace(html.unescape(group)) for group in match.groups())
            if value and len(value) <= MAX_VALUE_CHARS:
                found.append((kind, value))
                kept += 1
                if kept >= MAX_MARKS_PER_KIND:
                    break
    return tuple(found)
