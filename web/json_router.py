"""The GraphQL router: compiled plans first, orjson answers.

Strawberry encodes each answer with the standard library's `json.dumps`; a preview batch is
~100 KiB of JSON, and orjson writes it several times faster (and as UTF-8 rather than `\\u`
escapes, which every JSON parser reads the same). The rare value orjson refuses (an integer
beyond 64 bits) falls back to the standard encoder, so no answer fails for its encoding.

A POSTed operation is first offered to the planner (resolvers/plans.py), which answers the
preview queries it has compiled with finished bytes; anything else, and the first request
of each document, runs through Strawberry's ordinary execution, after which the planner
learns the document. The hooks are the view's own: `execute_single` (one operation of a
request), `process_result` and `encode_json`.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import orjson
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from web.graphiql import LocalGraphiQLRouter


class Planner(Protocol):
    async def answer(
        self, query: str, operation_name: str | None, variables: Any, context: object
    ) -> bytes | None: ...

    def learn(self, query: str, operation_name: str | None) -> None: ...


class _Answered(ExecutionResult):
    """An operation a plan answered: its finished response body."""

    def __init__(self, body: bytes) -> None:
        super().__init__(data=None, errors=None)
        self.body = body


class _Encoded(dict[str, Any]):
    """A response body already encoded, passed through `process_result` to `encode_json`."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body


class JsonRouter(LocalGraphiQLRouter):
    """The app's GraphQL router: the locally served IDE (web/graphiql.py), orjson answers."""

    def __init__(self, schema: BaseSchema, *, planner: Planner | None = None, **kwargs: Any):
        super().__init__(schema, **kwargs)
        self.planner = planner

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        planner = self.planner
        query = request_data.query
        # Only POST runs queries here (allow_queries_via_get is off): a GET goes the ordinary
        # way, which refuses it.
        if planner is None or query is None or request_adapter.method != "POST":
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        name = request_data.operation_name
        body = await planner.answer(query, name, request_data.variables, context)
        if body is not None:
            return _Answered(body)
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if not result.errors and result.data is not None:
            planner.learn(query, name)
        return result

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if isinstance(result, _Answered):
            return _Encoded(result.body)  # type: ignore[return-value]
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> bytes:
        if isinstance(data, _Encoded):
            return data.body
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()
