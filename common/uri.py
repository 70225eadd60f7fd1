"""RFC 3986's path rules, which `urllib.parse` does not follow: reference resolution (§5.2)
and the path parts of syntax-based normalisation (§6.2.2).

Why not `urljoin`: it drops empty path segments while merging (`urljoin("https://h/a", "b//c")`
is `https://h/b/c`), and a server may answer only on `b//c`; `..` also climbs over empty
segments there. A path is a server's business beyond what RFC 3986 says is equivalent: case of
percent-encodings and dot segments, nothing else. Used by the fetcher (links and redirects) and
by extraction (the URLs a page mentions), so it sits at the bottom.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import SplitResult, urlsplit, urlunsplit

_PERCENT: Final = re.compile(r"%[0-9A-Fa-f]{2}")


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: `.` and `..` segments resolved, empty segments (`//`) kept."""
    if "." not in path:
        return path
    output: list[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith(("./", "/./")):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if output:
                output.pop()
        elif rest == "/..":
            rest = "/"
            if output:
                output.pop()
        elif rest in (".", ".."):
            rest = ""
        else:
            # The first segment, with its leading "/" if any, up to the next "/".
            cut = rest.find("/", 1)
            segment, rest = (rest, "") if cut < 0 else (rest[:cut], rest[cut:])
            output.append(segment)
    return "".join(output)


def upper_percent_encodings(text: str) -> str:
    """RFC 3986 §6.2.2.1: `%7e` and `%7E` are one octet; the upper-case form is canonical."""
    if "%" not in text:
        return text
    return _PERCENT.sub(lambda found: found.group(0).upper(), text)


def resolve_reference(base: str, reference: str) -> str:
    """RFC 3986 §5.2.2: `reference` resolved against the absolute URL `base`, path segments
    as written (empty ones included) but for dot segments."""
    ref = urlsplit(reference)
    if ref.scheme:
        return _joined(ref, ref.path)
    parent = urlsplit(base)
    if ref.netloc:
        return _joined(ref._replace(scheme=parent.scheme), ref.path)
    query = ref.query
    if not ref.path:
        path = parent.path
        if not reference.split("#", 1)[0].count("?"):
            query = parent.query
    elif ref.path.startswith("/"):
        path = ref.path
    elif parent.netloc and not parent.path:
        path = "/" + ref.path
    else:
        path = parent.path[: parent.path.rfind("/") + 1] + ref.path
    return _joined(SplitResult(parent.scheme, parent.netloc, path, query, ref.fragment), path)


def _joined(parts: SplitResult, path: str) -> str:
    return urlunsplit(parts._replace(path=remove_dot_segments(path)))
