"""A page's language as its primary BCP 47 subtag ("en" for "en-GB", "pt" for "pt_BR").

Declared values come first (the page knows its language better than any guess); the
detector (py3langid, a maintained fork of langid.py whose model ships inside the package)
is the last resort, used only on enough text to be right and only when nothing is declared.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Final

# Less text than this and a detector guesses; a missing language is better than a wrong one.
MIN_DETECTION_CHARS: Final = 200
# Detection reads at most this much of the text: more changes nothing but the time.
MAX_DETECTION_CHARS: Final = 5000
# Below this probability (py3langid's normalised score) the detection is not reported.
MIN_CONFIDENCE: Final = 0.8
_PRIMARY: Final = re.compile(r"[a-z]{2,3}")
# Declared values that say nothing about a language.
_NOT_LANGUAGES: Final = frozenset({"und", "mul", "zxx", "mis", "xx"})

_identifier: Any = None
_identifier_lock = threading.Lock()


def primary_language(value: object) -> str | None:
    """The primary subtag of a declared language ("en-US, fr" → "en"), or None."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    first = value.split(",")[0].strip().lower().replace("_", "-")
    primary = first.split("-")[0].split(";")[0].strip()
    if not _PRIMARY.fullmatch(primary) or primary in _NOT_LANGUAGES:
        return None
    return primary


def detect_language(text: str | None) -> str | None:
    """The language of `text` by py3langid, when the text is long enough and the guess sure."""
    if not text or len(text) < MIN_DETECTION_CHARS:
        return None
    language, confidence = _model().classify(text[:MAX_DETECTION_CHARS])
    return str(language) if confidence >= MIN_CONFIDENCE else None


def _model() -> Any:
    """The identifier with normalised probabilities, loaded once on first use (it takes a
    moment and some memory that pages which declare their language never need)."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier
