"""JSON-LD: the schema.org objects a page embeds, flattened, and small readers for them.

Pages put one object per script, a list of objects, or an `@graph` of them; readers want a
flat sequence of objects to search, so `@graph` members and list items are lifted to the top.
Values in the wild are loosely typed (`"image": "…"`, `{"url": …}`, `["…", …]`), and the
readers here absorb that so that callers can ask plain questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from extraction.jsondata import loads_lenient

MAX_SCRIPTS: Final = 20
MAX_OBJECTS: Final = 100

JsonObject = Mapping[str, Any]

# Objects about the site or the page's chrome rather than its subject; readers looking for
# what a page is about skip them.
CONTEXT_TYPES: Final = frozenset(
    {
        "BreadcrumbList",
        "ListItem",
        "WebSite",
        "SearchAction",
        "Organization",
        "NewsMediaOrganization",
        "Corporation",
        "Brand",
        "SiteNavigationElement",
        "WPHeader",
        "WPFooter",
        "WPSideBar",
    }
)
_SCHEMA_PREFIXES: Final = ("http://schema.org/", "https://schema.org/", "schema:")


def read_json_ld(bodies: Iterable[str]) -> tuple[JsonObject, ...]:
    """Every object in the page's JSON-LD scripts, `@graph` members lifted, capped."""
    objects: list[JsonObject] = []
    for count, body in enumerate(bodies):
        if count >= MAX_SCRIPTS or len(objects) >= MAX_OBJECTS:
            break
        for item in _top_level(loads_lenient(body)):
            objects.append(item)
            if len(objects) >= MAX_OBJECTS:
                break
    return tuple(objects)


def _top_level(value: object) -> Iterator[JsonObject]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if isinstance(graph, list):
            if "@type" in item:
                yield item
            yield from (member for member in graph if isinstance(member, dict))
        else:
            yield item


def types_of(obj: JsonObject) -> frozenset[str]:
    """The object's `@type`s without a schema.org prefix (`"schema:Person"` → `"Person"`)."""
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    found = set()
    for name in names:
        if isinstance(name, str):
            for prefix in _SCHEMA_PREFIXES:
                if name.startswith(prefix):
                    name = name[len(prefix) :]
                    break
            found.add(name)
    return frozenset(found)


def subjects(objects: Iterable[JsonObject]) -> Iterator[JsonObject]:
    """The objects describing what the page is about, in page order.

    Site-wide objects (the publisher, the breadcrumb trail) are left out; a page object's
    `mainEntity` comes right after the page itself (a ProfilePage's Person, say).
    """
    for obj in objects:
        if types_of(obj) & CONTEXT_TYPES:
            continue
        yield obj
        entity = obj.get("mainEntity")
        if isinstance(entity, dict) and not types_of(entity) & CONTEXT_TYPES:
            yield entity


def first_text(obj: JsonObject, *keys: str) -> str | None:
    """The first non-empty string among `keys`, looking into lists and `@value` objects."""
    for key in keys:
        for value in _values(obj.get(key)):
            if isinstance(value, dict):
                value = value.get("@value")
            if isinstance(value, str) and value.strip():
                return value
    return None


def first_url(obj: JsonObject, key: str) -> str | None:
    """The first URL under `key`: a string, or an object's `url`/`contentUrl`/`@id`."""
    for value in _values(obj.get(key)):
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl") or value.get("@id")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _values(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]
