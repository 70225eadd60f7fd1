"""The reader's language: a BCP 47 tag from a client's argument or its Accept-Language header.

A preview in the reader's language is a different preview (another title, another
description), so the tag becomes part of the cache key; it is written in BCP 47's canonical
case (`pt-BR`, `zh-Hant-TW`, `en`) so that one language is one key however a client spells
it. Only the shape is checked (RFC 5646's `langtag` without extensions' meaning): whether a
site knows the language is the site's business, as it is a browser's.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

# Language (2-3 letters, or 4-8 registered), then script, region, variants and extensions:
# subtags of 1-8 letters or digits. 35 characters is what RFC 5646 §4.4.1 asks to keep.
_TAG: Final = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
MAX_TAG_CHARS: Final = 35
# An Accept-Language longer than this is not read (a browser sends well under 200).
MAX_HEADER_CHARS: Final = 1024


def language_tag(text: str) -> str | None:
    """`text` as a canonical BCP 47 tag (`PT-br` is `pt-BR`), or None when it is not one."""
    text = text.strip()
    if len(text) > MAX_TAG_CHARS or not _TAG.fullmatch(text):
        return None
    subtags = text.split("-")
    canonical = [subtags[0].lower()]
    for previous, subtag in itertools.pairwise(subtags):
        if len(previous) == 1:  # after a singleton (an extension, "x-"): lower case
            canonical.append(subtag.lower())
        elif len(subtag) == 2 and subtag.isalpha():
            canonical.append(subtag.upper())  # region: BR
        elif len(subtag) == 4 and subtag.isalpha():
            canonical.append(subtag.title())  # script: Hant
        else:
            canonical.append(subtag.lower())
    return "-".join(canonical)


def preferred_language(accept_language: str | None) -> str | None:
    """The tag an Accept-Language header prefers most (highest q, first on ties), or None
    when it names none (absent, `*` only, all q=0, or not the header's syntax)."""
    if not accept_language or len(accept_language) > MAX_HEADER_CHARS:
        return None
    best: tuple[float, str] | None = None
    for item in accept_language.split(","):
        tag_text, _, params = item.partition(";")
        tag = language_tag(tag_text)
        quality = _quality(params)
        if tag is None or quality is None or quality <= 0:
            continue
        if best is None or quality > best[0]:
            best = (quality, tag)
    return best[1] if best else None


def _quality(params: str) -> float | None:
    """The `q=` weight of one Accept-Language item (1 when absent), None when malformed."""
    params = params.strip()
    if not params:
        return 1.0
    name, _, value = params.partition("=")
    if name.strip().lower() != "q":
        return None
    try:
        quality = float(value.strip())
    except ValueError:
        return None
    return quality if 0 <= quality <= 1 else None
