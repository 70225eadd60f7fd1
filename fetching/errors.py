"""The one exception the fetcher raises, carrying the preview error code it maps to."""

from __future__ import annotations

from model.record import ErrorCode


class FetchError(Exception):
    """A fetch that produced no usable response.

    `message` is shown to clients, so it never names an internal address, a port-scan
    oracle or a traceback: it says what policy or fault stopped the fetch, coarsely.
    `media_type` is set when the refusal came from the Content-Type, so that callers can
    still say what kind of resource the link is.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        status: int | None = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.media_type = media_type
