"""What the fetcher enforces, as one immutable value built by the app from Settings.

It lives apart from the client so that the pure URL rules (`fetching.urls`) can take the same
policy without importing the network machinery.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from fetching.host_limit import HostRate

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Everything the fetcher enforces, built from Settings by the app (the fetcher never
    reads settings itself, so tests can build one directly).

    `allow_networks` exempts ranges from the address deny list (deployments with an internal
    mirror, tests on loopback); cloud metadata addresses stay refused whatever it says.
    `total_timeout` bounds one whole fetch: DNS, connect, every redirect hop and the body;
    `queue_timeout` bounds the wait for a fetch slot before it, so a link's deadline is the
    two together.
    `connect_timeout` is one budget shared by all the addresses a host resolves to.
    `host_limit` bounds fetches per destination site (every hop and sub-fetch); None is
    unlimited, for tests that build a policy directly. `client_share` caps the slots of
    `concurrency` one client's fetches may hold, so that one cannot starve the others.
    """

    hosts_file: Path | None = None
    allow_networks: tuple[Network, ...] = ()
    ca_bundle: Path | None = None
    total_timeout: float = 10.0
    queue_timeout: float = 60.0
    connect_timeout: float = 5.0
    dns_timeout: float = 5.0
    max_redirects: int = 5
    user_agent: str = "Linkgraph"
    # Origins ("scheme://host:port") of this service itself: links to them are refused.
    self_origins: tuple[str, ...] = field(default_factory=tuple)
    # Where this service listens, as (addresses, port): a connection to one is refused
    # whatever name led to it, checked at connect time like the deny list.
    self_addresses: tuple[tuple[Network, int], ...] = field(default_factory=tuple)
    concurrency: int = 16
    # Slots one tenant (the client fetches are made for, `fetching.slots`) may hold at once;
    # None: all of them.
    client_share: int | None = None
    host_limit: HostRate | None = None
