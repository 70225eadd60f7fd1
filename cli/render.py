"""The table a person reads: one row per link, the fields an app's card would show."""

from __future__ import annotations

import re
from typing import Any

from rich.table import Table
from rich.text import Text

# The LinkPreview fields the CLI asks for; any other field is the kind's typed object.
COMMON = frozenset(
    {"__typename", "id", "ok", "url", "finalUrl", "domain", "type", "status", "title"}
    | {"description", "code", "message"}
)


def count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "–"


def summary(preview: dict[str, Any]) -> tuple[Text, Text]:
    """The title column and the details column for one preview."""
    kind = preview.get("__typename")
    if kind == "PreviewError":
        return Text(str(preview.get("code")), style="red"), Text(str(preview.get("message")))
    user = preview.get("tiktokUser")
    if isinstance(user, dict):
        title = Text(str(user.get("name") or user.get("username")), style="bold")
        if user.get("verified"):
            title.append(" ✓", style="cyan")
        details = Text(f"@{user.get('username')}  ")
        details.append(
            f"{count(user.get('followersCount'))} followers · "
            f"{count(user.get('likesCount'))} likes · "
            f"{count(user.get('videosCount'))} videos"
        )
        return title, details
    title = Text(str(preview.get("title") or "–"), style="bold")
    typed = next((value for key, value in preview.items() if key not in COMMON and value), None)
    if isinstance(typed, dict):
        return title, Text(facts(typed))
    return title, Text(str(preview.get("description") or ""))


# Labels the field name does not give by itself ("user" is whoever made the post or video).
_LABELS = {"user": "By", "pageCount": "Pages"}


def label(field: str) -> str:
    """A person's word for a field: `viewsCount` is "Views", `pageCount` "Pages"."""
    if field in _LABELS:
        return _LABELS[field]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", field).lower().removesuffix(" count")
    return words[:1].upper() + words[1:]


def duration(seconds: float) -> str:
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


def facts(typed: dict[str, Any]) -> str:
    """A kind's typed object as labelled values, nested objects by their first value
    ("By ilvy"): enough to tell kinds apart in a terminal without a layout per kind."""
    parts = []
    for key, value in typed.items():
        if isinstance(value, dict):
            value = next((inner for inner in value.values() if inner is not None), None)
        if value is None or isinstance(value, list):
            continue
        if key == "duration" and isinstance(value, int | float):
            shown = duration(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            shown = count(value)
        else:
            shown = str(value)
        parts.append(f"{label(key)} {shown}")
    return " · ".join(parts)


def table(previews: list[dict[str, Any]]) -> Table:
    grid = Table(show_lines=False, expand=False)
    grid.add_column("Link", overflow="fold")
    grid.add_column("Type")
    grid.add_column("Title", overflow="fold")
    grid.add_column("Details", overflow="fold", max_width=60)
    for preview in previews:
        title, details = summary(preview)
        kind = str(preview.get("type") or preview.get("__typename"))
        grid.add_row(str(preview.get("url")), kind, title, details)
    return grid
