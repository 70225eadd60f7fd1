"""Turning the URLs a page mentions into absolute http(s) URLs, or nothing.

Pages give relative (`/x`), protocol-relative (`//host/x`) and outright hostile URLs
(`javascript:`, `data:`, 10 KB of junk). Everything downstream (the image fetcher, the
record) wants an absolute http or https URL or no URL at all, so the filtering happens once,
here. Relative URLs resolve by RFC 3986 (common/uri.py), keeping `//` in their paths.
Whether the target may be fetched (private addresses and so on) is the fetcher's job.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from common.uri import resolve_reference

# Longer than any URL a page plausibly means; also the most a signed CDN URL needs.
MAX_URL_LENGTH: Final = 4096
_SCHEMES: Final = ("http", "https")
_TAB_AND_NEWLINE: Final = str.maketrans("", "", "\t\n\r")
# Leading and trailing characters the URL standard strips (C0 controls and space).
_C0_AND_SPACE: Final = "".join(chr(code) for code in range(0x21))
# Most page URLs are already absolute and plain; these skip resolution's cost (a page can carry
# hundreds of links). Anything unusual (controls, backslashes, ports) takes the full path.
_PLAIN_ABSOLUTE: Final = re.compile(
    r"https?://[A-Za-z0-9._~%!$&'()*+,;=-]+(?:[/?#][^\x00-\x20\\]*)?", re.ASCII | re.IGNORECASE
)


def absolute_http_url(value: str | None, base: str) -> str | None:
    """`value` resolved against `base`, if the result is an http(s) URL with a host."""
    if not value or len(value) > MAX_URL_LENGTH:
        return None
    if _PLAIN_ABSOLUTE.fullmatch(value):
        return value
    value = value.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINE)
    if not value or len(value) > MAX_URL_LENGTH:
        return None
    try:
        resolved = resolve_reference(base, value)
        parts = urlsplit(resolved)
        # Accessing the port validates it (urlsplit is lazy about "host:99999").
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return resolved
