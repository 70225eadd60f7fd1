"""Which media type a GraphQL answer is sent as, from the request's `Accept` (GraphQL over
HTTP, "Accept" and "Status Codes").

`application/graphql-response+json` is the spec's own type: with it a client knows the body
is a GraphQL response whatever the status, so a request that could not run (it does not
parse, validate or coerce) is a 400 without `data`, and proxies' own error pages are never
mistaken for one. `application/json` is the legacy type: such a request is still a 200, as
clients written before the spec expect. A request that asks for neither (no `Accept`,
`*/*`, or only types we cannot send) is answered as `application/json`, the spec's choice
for legacy clients.
"""

from __future__ import annotations

from starlette.types import Scope

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

# How specific each acceptable range is: on equal quality the more specific one wins.
_RANGES = {GRAPHQL_RESPONSE: 3, JSON: 2, "application/*": 1, "*/*": 0}


def negotiate(accept: str) -> str:
    """The media type to answer with, by the highest quality and then the most specific
    range; ranges that name `application/json` or a wildcard get `application/json`."""
    if not accept or accept == JSON:
        return JSON  # most requests: no parsing
    best, best_rank = JSON, (0.0, -1)
    for item in accept.split(","):
        media_range, *parameters = item.split(";")
        media_range = media_range.strip().lower()
        specificity = _RANGES.get(media_range)
        if specificity is None:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if quality > 0 and (quality, specificity) > best_rank:
            best_rank = (quality, specificity)
            best = GRAPHQL_RESPONSE if media_range == GRAPHQL_RESPONSE else JSON
    return best


def negotiate_scope(scope: Scope) -> str:
    """`negotiate` on an ASGI request's `Accept` header."""
    accept: bytes = dict(scope.get("headers") or ()).get(b"accept", b"")
    return negotiate(accept.decode("latin-1"))
