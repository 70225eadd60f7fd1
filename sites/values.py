"""Small readers of the values platforms embed: counts, JSON paths, ids.

Every site rule reads platform JSON whose shape changes without notice, so each reader takes
`object`, checks the type it finds and answers None instead of raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extraction.jsondata import loads_lenient
from extraction.jsonld import types_of
from extraction.page import ParsedPage


def whole_number(value: object) -> int | None:
    """A non-negative whole number from an int or a digit string ("2500000000")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 20:
            return int(digits)
    return None


def interaction_counts(statistics: object) -> dict[str, int]:
    """JSON-LD InteractionCounters by action name ("LikeAction": 3922256, …)."""
    counts: dict[str, int] = {}
    items = statistics if isinstance(statistics, list) else [statistics]
    for item in items:
        if not isinstance(item, dict):
            continue
        action = item.get("interactionType")
        name = next(iter(types_of(action)), None) if isinstance(action, dict) else action
        count = whole_number(item.get("userInteractionCount"))
        if isinstance(name, str) and count is not None:
            counts.setdefault(name.rsplit("/", 1)[-1], count)
    return counts


def json_script(page: ParsedPage, script_id: str) -> object:
    """The parsed JSON of the page's data script with this id (see ParsedPage.json_scripts)."""
    raw = page.json_scripts.get(script_id)
    return loads_lenient(raw) if raw else None


def json_path(value: object, *keys: str) -> object:
    """`value[k1][k2]…`, or None as soon as a step is not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def text_value(value: object) -> str | None:
    """A non-empty string, or a number as its digits (platforms write ids both ways)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


def first_count(stats: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    """The first key's count that is a whole number; platforms rename counters over time."""
    return next(
        (count for key in keys if (count := whole_number(stats.get(key))) is not None), None
    )
