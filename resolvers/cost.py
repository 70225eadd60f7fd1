"""What one GraphQL request cost: the distinct links its resolvers found cached or fetched.

The resolvers count; the rate limit (web/rate_limit.py), which runs outside GraphQL and learns
the cost only after execution, charges it. The counter lives here, with what counts into it,
so that the graph needs nothing of the HTTP layer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class RequestCost:
    """Distinct links of one request: `hits` served from the cache, `fetches` not."""

    hits: int = 0
    fetches: int = 0

    def points(self, *, fetch_cost: int, hit_cost: int) -> int:
        """Points to charge: every request costs at least one."""
        return max(1, self.fetches * fetch_cost + self.hits * hit_cost)
