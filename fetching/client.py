"""SafeFetcher: resolves, checks and pins every connection, follows redirects by hand, and
reads bodies within a byte cap and a total deadline.

INTERFACE STUB: the implementation lands with the safe-fetching work.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fetching.response import FetchedResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Everything the fetcher enforces, built from Settings by the app (the fetcher never
    reads settings itself, so tests can build one directly)."""

    hosts_file: Path | None = None
    allow_networks: tuple[Network, ...] = ()
    ca_bundle: Path | None = None
    total_timeout: float = 10.0
    connect_timeout: float = 5.0
    dns_timeout: float = 5.0
    max_redirects: int = 5
    user_agent: str = "Linkgraph"
    # Origins ("scheme://host:port") of this service itself: links to them are refused.
    self_origins: tuple[str, ...] = field(default_factory=tuple)
    concurrency: int = 16


class SafeFetcher:
    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy

    async def fetch(
        self,
        url: str,
        *,
        accept: Collection[str],
        max_bytes: int,
        truncate: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> FetchedResponse:
        """Fetch `url` (already normalised) and return its 2xx response.

        `accept` lists media types ("text/html") or families ("image/*") the caller can use;
        anything else is refused from the headers, unread (FetchError LINK_IS_NOT_SUPPORTED
        with `media_type` set). Past `max_bytes` of decoded body the fetch either fails with
        LINK_TOO_LARGE or, with `truncate=True`, returns the prefix marked `truncated`.
        A declared Content-Length over `max_bytes` is always refused unread.
        """
        raise NotImplementedError

    async def aclose(self) -> None:
        return None
