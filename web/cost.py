"""Where a request's cost counter (resolvers/cost.py) travels between the rate limit and the
graph: the ASGI scope's state, set by the rate limit before the request runs and read by the
context getter (web/graph_context.py) that the resolvers count through.
"""

from __future__ import annotations

from starlette.types import Scope

from resolvers.cost import RequestCost

STATE_KEY = "linkgraph_request_cost"


def attach(scope: Scope) -> RequestCost:
    """A new counter for this request, reachable as `request.state.linkgraph_request_cost`."""
    cost = RequestCost()
    scope.setdefault("state", {})[STATE_KEY] = cost
    return cost
