"""What one GraphQL request cost, counted by the resolvers and charged by the rate limit.

The rate limit runs outside GraphQL and learns the cost only after execution, so it puts a
fresh `RequestCost` into the ASGI scope's state and the resolver context counts into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import Scope

STATE_KEY = "linkgraph_request_cost"


@dataclass(slots=True)
class RequestCost:
    """Distinct links of one request: `hits` served from the cache, `fetches` not."""

    hits: int = 0
    fetches: int = 0

    def points(self, *, fetch_cost: int, hit_cost: int) -> int:
        """Points to charge: every request costs at least one."""
        return max(1, self.fetches * fetch_cost + self.hits * hit_cost)


def attach(scope: Scope) -> RequestCost:
    """A new counter for this request, reachable as `request.state.linkgraph_request_cost`."""
    cost = RequestCost()
    scope.setdefault("state", {})[STATE_KEY] = cost
    return cost
