"""Language tags and Accept-Language, as the `language` argument and the header are read."""

from __future__ import annotations

import pytest

from common.language import language_tag, preferred_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fr", "fr"),
        (" PT-br ", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("sr-LATN", "sr-Latn"),
        ("es-419", "es-419"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-US-x-TWAIN", "en-US-x-twain"),
        ("", None),
        ("f", None),
        ("fr_FR", None),
        ("en-", None),
        ("-en", None),
        ("*", None),
        ("fr;q=1", None),
        ("a" * 9, None),
        ("en-" + "-".join(["abc"] * 10), None),  # over 35 characters
    ],
)
def test_language_tag(text: str, expected: str | None) -> None:
    assert language_tag(text) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr-CH"),
        ("de;q=0.5, fr;q=0.9", "fr"),
        ("en;q=0.8, es;q=0.8", "en"),  # ties: the first
        ("*", None),
        ("fr;q=0, de;q=0", None),
        ("fr;q=abc, de", "de"),
        ("fr;q=2, de;q=0.1", "de"),
        ("fr;level=1, it", "it"),
        ("x" * 2000, None),
    ],
)
def test_preferred_language(header: str | None, expected: str | None) -> None:
    assert preferred_language(header) == expected
