"""The pinned connection: resolve, check, then connect to the very address that was checked.

The guard sits in an httpcore network backend, at the one place where a socket is opened, so
nothing can connect around it: httpcore asks `connect_tcp(host, port)` and the guard resolves
`host` itself (`fetching.resolver`), refuses the host if ANY of its addresses is refused
(`fetching.addresses`; a public record next to a private one is how rebinding-by-round-robin
works, so the whole answer is refused rather than filtered), and opens the socket to the
checked address. There is no second lookup for a rebinding DNS server to answer differently.
TLS is started by httpcore on that socket with the *hostname* for SNI and certificate
verification, so pinning costs no security.

The pool is httpcore's and is driven directly (no httpx client): the URL given to httpcore is
built from the parts the fetcher's own parser produced, so there is no second URL parser to
disagree about the host, no environment proxies (B21), and no cookie jar shared between fetches.

Several addresses share one connect budget (`connect_timeout`): each attempt gets an equal
share of what is left, so a blackholed first record cannot eat the whole budget, and N
blackholed records cost one timeout, not N.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable

import certifi
import httpcore

from fetching.addresses import is_refused, is_self
from fetching.errors import BlockedError
from fetching.hostnames import parse_host
from fetching.policy import FetchPolicy
from fetching.resolver import Resolver
from fetching.urls import hostname_refused, port_allowed


def build_ssl_context(policy: FetchPolicy) -> ssl.SSLContext:
    """System trust store plus certifi (what httpx trusts) plus the policy's extra PEMs."""
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    if policy.ca_bundle is not None:
        context.load_verify_locations(cafile=str(policy.ca_bundle))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks every destination before any socket exists for it."""

    def __init__(
        self,
        policy: FetchPolicy,
        resolver: Resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        blocked = BlockedError("the link's destination is not allowed")
        if not port_allowed(port):
            raise BlockedError("the link's port is not allowed")
        target = parse_host(host if ":" not in host else f"[{host}]")
        if isinstance(target, str):
            if hostname_refused(target):
                raise blocked
            addresses = await self._resolver.resolve(target)
        else:
            addresses = [target]
        if any(is_refused(address, self._policy.allow_networks) for address in addresses):
            raise blocked
        if any(is_self(address, port, self._policy.self_addresses) for address in addresses):
            # Named or not, an address this service listens on is this service: its
            # /metrics and its own API are never fetched for a client.
            raise BlockedError("links to this service itself are not allowed")
        budget = self._policy.connect_timeout
        if timeout is not None:
            budget = min(budget, timeout)
        deadline = time.monotonic() + budget
        failure: Exception = httpcore.ConnectTimeout("connect budget exhausted")
        for index, address in enumerate(addresses):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                return await self._inner.connect_tcp(
                    address.compressed,
                    port,
                    timeout=remaining / (len(addresses) - index),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedError("the link's destination is not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def build_pool(
    policy: FetchPolicy,
    resolver: Resolver,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> httpcore.AsyncConnectionPool:
    """`network_backend` is the raw socket layer under the guard (tests spy on it)."""
    return httpcore.AsyncConnectionPool(
        ssl_context=build_ssl_context(policy),
        # The fetcher's semaphore caps connections in use at `concurrency`, and idle ones are
        # capped below; the pool itself must never queue a request, or the wait would eat
        # into that fetch's deadline.
        max_connections=2 * policy.concurrency,
        max_keepalive_connections=policy.concurrency,
        keepalive_expiry=5.0,
        http1=True,
        http2=False,
        retries=0,
        network_backend=GuardedBackend(policy, resolver, network_backend),
    )
