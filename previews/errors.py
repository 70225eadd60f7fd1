"""What each fetch failure means to a client: the one table from the fetcher's exception
types to the preview's error codes (as Synapse's previewer decides what its HTTP client's
errors mean, rather than the client knowing the product)."""

from __future__ import annotations

from fetching.errors import (
    BlockedError,
    ConnectionFailedError,
    FetchError,
    GoneError,
    InvalidURLError,
    NotFoundError,
    RedirectLoopError,
    RefusedError,
    ServerError,
    TimedOutError,
    TooLargeError,
    TooManyRedirectsError,
    UnsupportedTypeError,
    UnusableContentError,
    UnusableRedirectError,
)
from model.record import ErrorCode

ERROR_CODES: dict[type[FetchError], ErrorCode] = {
    InvalidURLError: ErrorCode.LINK_INVALID_URL,
    BlockedError: ErrorCode.LINK_BLOCKED,
    TooManyRedirectsError: ErrorCode.LINK_MAX_REDIRECTS,
    RedirectLoopError: ErrorCode.LINK_REDIRECTS_TO_ITSELF,
    # An origin whose redirect cannot be followed has failed, as a 5xx has.
    UnusableRedirectError: ErrorCode.LINK_SERVER_ERROR,
    NotFoundError: ErrorCode.LINK_NOT_FOUND,
    GoneError: ErrorCode.LINK_IS_GONE,
    # 401/403 too: LINK_BLOCKED is kept for *our* policy's refusals.
    RefusedError: ErrorCode.LINK_CONTENT_ERROR,
    ServerError: ErrorCode.LINK_SERVER_ERROR,
    TimedOutError: ErrorCode.LINK_TOOK_TOO_LONG,
    ConnectionFailedError: ErrorCode.LINK_CONNECTION_ERROR,
    UnusableContentError: ErrorCode.LINK_CONTENT_ERROR,
    UnsupportedTypeError: ErrorCode.LINK_IS_NOT_SUPPORTED,
    TooLargeError: ErrorCode.LINK_TOO_LARGE,
}


# Failures that say nothing lasting about the link (its host did not answer, or answered with
# a 5xx): remembered briefly, since a retry a minute later may well work. The others (404,
# 410, blocked, invalid, unreadable) would fail the same way again, and are kept longer.
TRANSIENT: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.LINK_CONNECTION_ERROR,
        ErrorCode.LINK_TOOK_TOO_LONG,
        ErrorCode.LINK_SERVER_ERROR,
    }
)


def error_code(error: FetchError) -> ErrorCode:
    """The code a client sees for `error`. Every failure type the fetcher defines is in the
    table (a test holds it to that), so a KeyError here means a new type went unmapped."""
    return ERROR_CODES[type(error)]
