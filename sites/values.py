"""Small readers of the values platforms embed: counts, JSON paths, ids.

Every site rule reads platform JSON whose shape changes without notice, so each reader takes
`object`, checks the type it finds and answers None instead of raising.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from extraction.jsondata import loads_lenient
from extraction.jsonld import types_of
from extraction.page import ParsedPage
from model.record import ImageRef


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


_GROUPED_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,20}")


def written_count(text: str | None) -> int | None:
    """An exact count as pages write it in prose: "2,362" or "136", never "298K" or "1.2m"."""
    digits = (text or "").strip()
    if not _GROUPED_DIGITS.fullmatch(digits):
        return None
    return int(digits.replace(",", ""))


def url_parts(url: str) -> tuple[str, str, str] | None:
    """The lower-cased host (no trailing dot), the path and the query of an http(s) URL, else
    None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host, parts.path, parts.query


def url_host_path(url: str) -> tuple[str, str] | None:
    """The lower-cased host (no trailing dot) and the path of an http(s) URL, else None."""
    parts = url_parts(url)
    return None if parts is None else parts[:2]


def page_image(
    page: ParsedPage, value: str | None, width: object = None, height: object = None
) -> ImageRef | None:
    """An image the page points at, absolute, with the size it declares when that is sane."""
    source = page.resolve(value.strip()) if isinstance(value, str) and value.strip() else None
    if source is None:
        return None
    return ImageRef(source_url=source, width=whole_number(width), height=whole_number(height))


def iso_datetime(value: object) -> datetime | None:
    """A timezone-aware time from ISO 8601 text ("2010-01-02T11:14:31.000Z"); a time without
    a zone is None, because guessing the zone would invent the instant."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def as_list(value: object) -> list[object]:
    """JSON-LD writes one value or a list of them; always a list."""
    return value if isinstance(value, list) else [value]


def unix_time(value: object) -> datetime | None:
    """A UTC time from Unix seconds, as an int or digit string (TikTok's "1762961788")."""
    seconds = whole_number(value)
    if seconds is None or not 0 < seconds < 32_503_680_000:  # before the year 3000
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


_ISO_DURATION = re.compile(
    r"P(?:(?P<d>\d{1,6})D)?(?:T(?:(?P<h>\d{1,6})H)?(?:(?P<m>\d{1,6})M)?"
    r"(?:(?P<s>\d{1,6}(?:\.\d{1,6})?)S)?)?",
    re.IGNORECASE,
)


def iso_duration(value: object) -> float | None:
    """Seconds in an ISO 8601 duration as schema.org writes it ("PT4M13S", "PT1H2M"); None
    for anything else, including a bare "P" or "PT" that states no length at all."""
    text = value.strip() if isinstance(value, str) else ""
    match = _ISO_DURATION.fullmatch(text)
    if match is None or not any(match.groupdict().values()):
        return None
    days, hours, minutes = (int(match.group(key) or 0) for key in "dhm")
    return days * 86400 + hours * 3600 + minutes * 60 + float(match.group("s") or 0)
