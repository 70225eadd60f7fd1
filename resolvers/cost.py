"""What one GraphQL request cost: the distinct links its resolvers found cached or fetched,
and the bytes of any document this process parsed for it for the first time.

The resolvers count; the rate limit (web/rate_limit.py), which runs outside GraphQL and learns
the cost only after execution, charges it. The counter lives here, with what counts into it,
so that the graph needs nothing of the HTTP layer.
"""

from __future__ import annotations

from dataclasses import dataclass

_KIB = 1024


@dataclass(slots=True)
class RequestCost:
    """Distinct links of one request: `hits` served from the cache, `fetches` not; and
    `new_document_bytes`, the size of a document parsed (and kept) for it first."""

    hits: int = 0
    fetches: int = 0
    new_document_bytes: int = 0

    def points(self, *, fetch_cost: int, hit_cost: int, document_cost: int = 0) -> int:
        """Points to charge: every request costs at least one. A document seen for the first
        time costs `document_cost` per whole KiB (an app's usual documents, under 1 KiB,
        nothing): parsing it and keeping it is work and memory spent for this client, and a
        client sending a new long document every time would otherwise fill the process's
        memos for one point a request."""
        kib = self.new_document_bytes // _KIB
        return max(1, self.fetches * fetch_cost + self.hits * hit_cost + kib * document_cost)


def count_new_document(context: object, size: int) -> None:
    """The graph's hook for a document parsed for the first time (schema/documents.py)."""
    cost = getattr(context, "cost", None)
    if isinstance(cost, RequestCost):
        cost.new_document_bytes += size
