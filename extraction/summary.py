"""A description for pages that declare none: the first paragraphs of their text.

Only `<p>` text counts, as Synapse's previewer does in spirit: navigation, scripts, styles,
comments and SVG never reach it (the flattening pass drops them with their content).
"""

from __future__ import annotations

from typing import Final

from selectolax.lexbor import LexborHTMLParser

from extraction.flatten import paragraph_markup
from extraction.text import collapse_whitespace, truncate

MAX_PARAGRAPHS: Final = 50
# Shorter paragraphs are usually chrome ("Advertisement", "Share this").
MIN_PARAGRAPH_CHARS: Final = 20
# Enough text for a preview; reading stops here.
ENOUGH_CHARS: Final = 200
MAX_SUMMARY_CHARS: Final = 500


def summarize_paragraphs(html: str) -> str | None:
    """The leading paragraphs of `html`, joined and cut to `MAX_SUMMARY_CHARS`."""
    tree = LexborHTMLParser(paragraph_markup(html))
    pieces: list[str] = []
    total = 0
    for count, paragraph in enumerate(tree.css("p")):
        if count >= MAX_PARAGRAPHS or total >= ENOUGH_CHARS:
            break
        text = collapse_whitespace(paragraph.text(deep=True, separator=" "))
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        pieces.append(text)
        total += len(text) + 1
    return truncate(" ".join(pieces), MAX_SUMMARY_CHARS) if pieces else None
