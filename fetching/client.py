"""SafeFetcher: resolves, checks and pins every connection, follows redirects by hand, and
reads bodies within a byte cap and a total deadline.

It is the only way out of the service: page fetches, images, icons and oEmbed all call
`fetch`, and there is no other HTTP client to reach for.

Failures, per reason (all FetchError subclasses from `fetching.errors`; the service maps
them to error codes; messages never name resolved addresses):

* URL rules, port policy, deny-listed address, self origin: BlockedError / InvalidURLError,
  raised before any connection (see `fetching.urls`, `fetching.transport`).
* DNS failure or DNS timeout: ConnectionFailedError (one message for all: no oracle).
* Connect refused, reset, TLS failure, connect budget exhausted: ConnectionFailedError.
  A connect timeout is a connection failure rather than "took too long": the host is
  unreachable and retrying later will not help the way it may for a slow origin.
* A wait for a fetch slot longer than `queue_timeout`: TimedOutError, nothing sent, so a
  link queued behind slow ones answers LINK_TOOK_TOO_LONG in time rather than waiting
  without end. Slots are shared fairly between tenants (`fetching.slots`): past its share
  (`policy.client_share`) a client's link waits while another client's takes the next slot.
* Total deadline (`total_timeout`, from the slot on: DNS, connect, every hop, the body) or
  a read that stalls: TimedOutError. The deadline is one `asyncio.timeout` around the whole
  exchange, so a 1-byte-a-second drip cannot stretch it.
* A hop whose wait for the per-host limit (`policy.host_limit`, see `fetching.host_limit`)
  would outlast that deadline: TimedOutError at once, with nothing sent. A hop that waits
  gives its slot back while it waits.
* A response that breaks HTTP mid-way: ConnectionFailedError.
* 404 NotFoundError, 410 GoneError, 5xx ServerError, every other 4xx RefusedError
  (401/403 included: BlockedError means *our* policy refused, not theirs).
* A 3xx without Location, or a 3xx that is not a redirect (300, 304, 305, 306):
  UnusableRedirectError, since the origin's answer is unusable.
* More than `max_redirects` hops: TooManyRedirectsError; a hop to a URL already visited in
  this chain: RedirectLoopError.
* Media type not in `accept`: UnsupportedTypeError with `media_type`; declared length over
  the cap (even with `truncate`), or decoded body over the cap without `truncate`:
  TooLargeError; an encoding we did not advertise, or corrupt compressed data:
  UnusableContentError.

Redirects are followed by hand: each hop goes through the same URL rules and the same
connect-time guard, redirect bodies are never read (the connection is closed instead, so a
bomb in a 302 costs nothing), and Cookie/Authorization are dropped on any change of origin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from contextlib import nullcontext
from types import TracebackType

import httpcore
import httpx

from fetching.decoding import ACCEPT_ENCODING, DecodingError
from fetching.errors import (
    ConnectionFailedError,
    FetchError,
    GoneError,
    NotFoundError,
    RedirectLoopError,
    RefusedError,
    ServerError,
    TimedOutError,
    TooManyRedirectsError,
    UnsupportedTypeError,
    UnusableContentError,
    UnusableRedirectError,
)
from fetching.host_limit import HostLimiter
from fetching.observer import FetchObserver
from fetching.policy import FetchPolicy, Network
from fetching.reading import (
    BodyLimit,
    accepts,
    check_declared_length,
    decoder_for,
    limit_for,
    parse_content_type,
    read_capped,
)
from fetching.resolver import DnsLookup, Resolver
from fetching.response import FetchedResponse
from fetching.slots import FetchSlots, Slot
from fetching.transport import build_pool
from fetching.urls import ParsedURL, checked_url, resolve_location, self_origin_keys

__all__ = ["FetchPolicy", "Network", "SafeFetcher"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SENSITIVE_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
# Headers the fetcher owns: framing, hop-by-hop, and what it can decode.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "accept-encoding",
        "connection",
        "content-length",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "keep-alive",
        "proxy-connection",
    }
)


def status_error(status: int) -> FetchError:
    if status == 404:
        return NotFoundError("the link was not found", status=status)
    if status == 410:
        return GoneError("the link is gone", status=status)
    if 400 <= status < 500:
        return RefusedError("the link's server refused the request", status=status)
    if 300 <= status < 400:
        return UnusableRedirectError("the link answered with an unusable redirect", status=status)
    return ServerError("the link's server failed", status=status)


def _transport_error(exc: Exception, status: int | None) -> FetchError:
    if isinstance(exc, httpcore.ConnectTimeout | httpcore.ConnectError):
        return ConnectionFailedError("could not connect to the link's server", status=status)
    if isinstance(exc, httpcore.TimeoutException):
        return TimedOutError("the link took too long to respond", status=status)
    if isinstance(exc, DecodingError):
        return UnusableContentError("the link's content could not be decoded", status=status)
    return ConnectionFailedError("the connection to the link's server failed", status=status)


class _Progress:
    """The last HTTP status this fetch received, for errors raised after it, and the fetch's
    deadline (loop time), which a wait for the host limit must not pass."""

    status: int | None = None
    deadline: float | None = None


class SafeFetcher:
    """`dns` replaces the DNS step after the hosts file (tests inject answers with it);
    `network_backend` is the raw socket layer *under* the guard (tests spy on it). Both
    default to the real thing."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        dns: DnsLookup | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        observer: FetchObserver | None = None,
    ) -> None:
        self.policy = policy
        self._observer = observer
        self_origin_keys(policy.self_origins)  # a bad origin fails here, not on every fetch
        self._resolver = Resolver(
            hosts_file=policy.hosts_file, timeout=policy.dns_timeout, lookup=dns
        )
        self._network_backend = network_backend
        # Built on first use: loading the trust store costs ~0.1 s, and a link refused by the
        # URL rules never needs it.
        self._pool: httpcore.AsyncConnectionPool | None = None
        self._slots = FetchSlots(policy.concurrency, policy.client_share)
        # A page's sub-fetches (its icon, image, oEmbed) have as many slots again: queued
        # behind other links' pages, a batch of links on many sites would take two rounds of
        # pages rather than one plus a sub-fetch.
        self._sub_slots = FetchSlots(policy.concurrency, policy.client_share)
        self._host_limit = HostLimiter(policy.host_limit) if policy.host_limit else None

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def fetch(
        self,
        url: str,
        *,
        accept: Collection[str],
        max_bytes: int,
        truncate: bool = False,
        headers: Mapping[str, str] | None = None,
        limits: Mapping[str, BodyLimit] | None = None,
        sub_fetch: bool = False,
    ) -> FetchedResponse:
        """Fetch `url` (already normalised) and return its 2xx response.

        `accept` lists media types ("text/html") or families ("image/*") the caller can use;
        anything else is refused from the headers, unread (UnsupportedTypeError with
        `media_type` set). Past `max_bytes` of decoded body the fetch either fails with
        TooLargeError or, with `truncate=True`, returns the prefix marked `truncated`.
        A declared Content-Length over `max_bytes` is refused unread. `limits` replaces
        `max_bytes` and `truncate` for the types (or families) it names; a TooLargeError
        or an undecodable body then carries its `media_type` too. `sub_fetch` marks a fetch
        made for a page already fetched, which takes a slot of the sub-fetches' own.
        """
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        limit = BodyLimit(max_bytes, truncate)
        progress = _Progress()
        slot = (self._sub_slots if sub_fetch else self._slots).slot()
        try:
            response = await self._fetch_within_deadline(
                url, accept, limit, limits or {}, headers or {}, progress, slot
            )
        except FetchError as error:
            if self._observer:
                self._observer.fetch_finished(error)
            raise
        finally:
            slot.close()
        if self._observer:
            self._observer.fetch_finished(response.status)
        return response

    async def _fetch_within_deadline(
        self,
        url: str,
        accept: Collection[str],
        limit: BodyLimit,
        limits: Mapping[str, BodyLimit],
        headers: Mapping[str, str],
        progress: _Progress,
        slot: Slot,
    ) -> FetchedResponse:
        try:
            async with asyncio.timeout(self.policy.queue_timeout):
                await slot.acquire()
        except TimeoutError:
            raise TimedOutError("the link waited too long for a fetch slot") from None
        try:
            async with asyncio.timeout(self.policy.total_timeout) as deadline:
                progress.deadline = deadline.when()
                return await self._follow(url, accept, limit, limits, headers, progress, slot)
        except TimeoutError:
            raise TimedOutError(
                "the link took too long to respond", status=progress.status
            ) from None
        except FetchError as error:
            if error.status is None and progress.status is not None:
                raise type(error)(
                    error.message, status=progress.status, media_type=error.media_type
                ) from None
            raise

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    @property
    def _connections(self) -> httpcore.AsyncConnectionPool:
        if self._pool is None:
            self._pool = build_pool(self.policy, self._resolver, self._network_backend)
        return self._pool

    def _request_headers(self, accept: Collection[str], extra: Mapping[str, str]) -> dict[str, str]:
        headers = {
            "user-agent": self.policy.user_agent,
            "accept": ", ".join(accept) or "*/*",
        }
        for name, value in extra.items():
            if name.lower() not in RESERVED_HEADERS:
                headers[name.lower()] = value
        headers["accept-encoding"] = ACCEPT_ENCODING
        return headers

    async def _follow(
        self,
        url: str,
        accept: Collection[str],
        limit: BodyLimit,
        limits: Mapping[str, BodyLimit],
        extra_headers: Mapping[str, str],
        progress: _Progress,
        slot: Slot,
    ) -> FetchedResponse:
        current = checked_url(url, self.policy)
        requested = current.url
        visited = {current.url}
        trail = [current.url]
        headers = self._request_headers(accept, extra_headers)
        hops = 0
        while True:
            if self._host_limit is not None:
                wait = self._host_limit.reserve(str(current.host), progress.deadline)
                if wait > 0:
                    # Waiting for the site is no use of a slot: someone else's fetch may.
                    slot.release()
                    await asyncio.sleep(wait)
            await slot.acquire()
            with self._observer.fetch_in_flight() if self._observer else nullcontext():
                outcome = await self._exchange(current, headers, accept, limit, limits, progress)
            if isinstance(outcome, FetchedResponse):
                return FetchedResponse(
                    url=requested,
                    final_url=current.url,
                    status=outcome.status,
                    headers=outcome.headers,
                    media_type=outcome.media_type,
                    charset=outcome.charset,
                    body=outcome.body,
                    truncated=outcome.truncated,
                    redirected=hops > 0,
                    trail=tuple(trail) if hops > 0 else (),
                )
            status, location = outcome
            progress.status = status
            hops += 1
            if hops > self.policy.max_redirects:
                raise TooManyRedirectsError("the link redirects too many times", status=status)
            target = resolve_location(current, location, self.policy)
            if target.url in visited:
                raise RedirectLoopError("the link redirects to itself", status=status)
            if target.origin != current.origin:
                headers = {k: v for k, v in headers.items() if k not in SENSITIVE_HEADERS}
            visited.add(target.url)
            trail.append(target.url)
            current = target

    async def _exchange(
        self,
        url: ParsedURL,
        headers: Mapping[str, str],
        accept: Collection[str],
        default_limit: BodyLimit,
        limits: Mapping[str, BodyLimit],
        progress: _Progress,
    ) -> FetchedResponse | tuple[int, str]:
        """One request: the final response, or (status, Location) of a redirect."""
        total = self.policy.total_timeout
        target = httpcore.URL(
            scheme=url.scheme.encode("ascii"),
            host=str(url.host).encode("ascii"),  # the parsed host: no second URL parser
            port=url.port,
            target=url.wire_target,
        )
        timeouts = {
            "connect": self.policy.connect_timeout,
            "read": total,
            "write": total,
            "pool": total,
        }
        status: int | None = None
        try:
            async with self._connections.stream(
                "GET",
                target,
                headers=[("host", url.authority), *headers.items()],
                extensions={"timeout": timeouts},
            ) as response:
                status = progress.status = response.status
                response_headers = httpx.Headers(response.headers)
                if status in REDIRECT_STATUSES:
                    location = response_headers.get("location")
                    if location is None:
                        raise status_error(status)
                    return status, location  # leaving the block closes the body unread
                if not 200 <= status < 300:
                    raise status_error(status)
                media_type, charset = parse_content_type(response_headers.get("content-type"))
                if not accepts(media_type, accept):
                    raise UnsupportedTypeError(
                        "the link's content type is not supported",
                        status=status,
                        media_type=media_type,
                    )
                limit = limit_for(media_type, limits, default_limit)
                try:
                    if not limit.head:
                        check_declared_length(response_headers, limit.max_bytes, status)
                    decoder = decoder_for(response_headers, status)
                    body, truncated = await read_capped(
                        response.aiter_stream(),
                        decoder,
                        max_bytes=limit.max_bytes,
                        truncate=limit.truncate or limit.head,
                        status=status,
                    )
                except FetchError as error:
                    # The type is known by now: a caller may still say what the link is.
                    raise type(error)(
                        error.message, status=error.status, media_type=media_type
                    ) from None
        except FetchError:
            raise
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _transport_error(exc, status) from None
        except (DecodingError, OSError) as exc:
            raise _transport_error(exc, status) from None
        return FetchedResponse(
            url=url.url,
            final_url=url.url,
            status=status,
            headers=response_headers,
            media_type=media_type,
            charset=charset,
            body=body,
            truncated=truncated,
            redirected=False,
        )
