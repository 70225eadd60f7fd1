"""Registrable domains, from the bundled public suffix list (no download at run time)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

_psl = PublicSuffixList()


@lru_cache(maxsize=4096)
def _registrable(host: str) -> str:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _psl.privatesuffix(host) or host
    return host


def registrable_domain(url: str) -> str:
    """tiktok.com for https://www.tiktok.com/@x; the host itself for IPs and bare suffixes."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return _registrable(host)
