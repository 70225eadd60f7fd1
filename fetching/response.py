"""What a successful fetch hands back."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True, slots=True)
class FetchedResponse:
    """A 2xx response, read within its byte cap.

    `body` holds decoded bytes (Content-Encoding removed), at most the cap the caller gave;
    `truncated` says the origin had more. `media_type` is the lower-cased Content-Type without
    parameters ("application/octet-stream" when the header is absent) and `charset` its
    charset parameter, if any.
    """

    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    media_type: str
    charset: str | None
    body: bytes
    truncated: bool
    redirected: bool
    # Every URL the redirects passed through, the link first and `final_url` last; empty when
    # the link answered itself. Clients show it to explain where a link really leads.
    trail: tuple[str, ...] = ()
