"""Why a fetch failed, as exception types (httpx's `_exceptions.py` shape).

The fetcher says *what* went wrong; what that means to a client (an error code, whether to
cache it) is the service's call (`previews/errors.py`), so this layer stays reusable and
names no product codes. Catch `FetchError` for every failure, or a subclass for one reason.
"""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that produced no usable response.

    `message` is shown to clients, so it never names an internal address, a port-scan
    oracle or a traceback: it says what policy or fault stopped the fetch, coarsely.
    `status` is the latest HTTP status the fetch received, if any. `media_type` is set when
    the refusal came from the Content-Type, so that callers can still say what kind of
    resource the link is.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.media_type = media_type


class InvalidURLError(FetchError):
    """The link is not a URL we can parse, or breaks a syntax rule."""


class BlockedError(FetchError):
    """Our policy refused the destination (address, port, host name, this service)."""


class TooManyRedirectsError(FetchError):
    """The chain of redirects outgrew `max_redirects`."""


class RedirectLoopError(FetchError):
    """A redirect led back to a URL already visited in the chain."""


class UnusableRedirectError(FetchError):
    """A 3xx without Location, or a 3xx that is not a redirect at all."""


class NotFoundError(FetchError):
    """The origin answered 404."""


class GoneError(FetchError):
    """The origin answered 410."""


class RefusedError(FetchError):
    """The origin answered another 4xx (401/403 included: the origin refused, not us)."""


class ServerError(FetchError):
    """The origin answered 5xx (or a status outside any class)."""


class TimedOutError(FetchError):
    """The total deadline passed, a read stalled, or the host limit's wait would outlast it."""


class ConnectionFailedError(FetchError):
    """DNS, connect, TLS or the HTTP exchange itself failed: the host could not be talked to."""


class UnusableContentError(FetchError):
    """The body could not be decoded (corrupt, or in an encoding we did not ask for)."""


class UnsupportedTypeError(FetchError):
    """The Content-Type is not one the caller accepts; `media_type` says which it was."""


class TooLargeError(FetchError):
    """The body, declared or decoded, is over the caller's byte cap."""
