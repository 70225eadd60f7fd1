"""The GraphQL router: compiled plans first, orjson requests and answers.

Strawberry encodes each answer with the standard library's `json.dumps`; a preview batch is
~100 KiB of JSON, and orjson writes it several times faster (and as UTF-8 rather than `\\u`
escapes, which every JSON parser reads the same). The rare value orjson refuses (an integer
beyond 64 bits) falls back to the standard encoder, so no answer fails for its encoding.

A POSTed operation is first offered to the planner (resolvers/plans.py), which answers the
preview queries it has compiled with finished bytes. Anything else, and the first request of
each document, runs through Strawberry's ordinary execution (`run`), after which the planner
learns the document (`execute_single`, the view's hook for one operation). The POST endpoint
is this router's own rather than Strawberry's because the planned path is a fraction of a
millisecond: FastAPI's dependency injection of the context and the view's response
machinery would cost more than the plan itself. It reads only the plainest body (the view's
own checks: a JSON object, its query a string, its variables and extensions objects) and
hands anything else to the view's own `run`, so both paths accept exactly the same requests.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from cross_web import HTTPException
from fastapi import Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from strawberry.fastapi import BaseContext
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from web.graphiql import LocalGraphiQLRouter
from web.incremental import accepts_multipart, without_incremental


class Planner(Protocol):
    async def answer(
        self, query: str, operation_name: str | None, variables: Any, context: object
    ) -> bytes | None: ...

    def learn(self, query: str, operation_name: str | None) -> None: ...


class JsonRouter(LocalGraphiQLRouter):
    """The app's GraphQL router: the locally served IDE (web/graphiql.py), orjson answers,
    compiled plans for the queries it has seen."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: Callable[[Request], Awaitable[BaseContext]],
        planner: Planner | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(schema, context_getter=context_getter, **kwargs)
        self.planner = planner
        self._context_getter = context_getter
        # `answer_post` replaces Strawberry's POST endpoint (GET, the IDE, stays Strawberry's).
        self.routes[:] = [
            route
            for route in self.routes
            if not (isinstance(route, APIRoute) and route.methods == {"POST"})
        ]

    async def answer_post(self, request: Request) -> Response:
        """The POST endpoint, called straight from web/graphql_lane.py: a plain function of
        the request, as FastAPI's endpoint wrapping (dependencies, exit stacks) costs more
        than a planned answer."""
        context = await self._context_getter(request)
        context.request = request
        data: Any = None  # not read here: Strawberry reads and judges it
        if _is_json(request):
            # Read once, for the refusal below and the plan; Strawberry reads its own copy.
            try:
                data = orjson.loads(await request.body())
            except orjson.JSONDecodeError:
                return _bad_request(_NOT_JSON)
            if not isinstance(data, dict | list):
                # Strawberry's body parser would call `.get` on it: a 500, not a 400.
                return _bad_request(_NOT_AN_OBJECT)
        if type(data) is dict:
            body = await self._planned(request, data, context)
            if body is not None:
                return Response(body, media_type="application/json")
        # Where a resolver may set headers, as FastAPI's would be: empty, with no length.
        # Made only here: a plan sets no headers.
        response = Response()
        del response.headers["content-length"]
        context.response = response
        self.temporal_response = response  # Strawberry's sub-response for this request
        try:
            return await self.run(request=request, context=context, root_value=None)
        except HTTPException as error:
            return PlainTextResponse(error.reason, status_code=error.status_code)

    async def _planned(
        self, request: Request, data: dict[str, Any], context: BaseContext
    ) -> bytes | None:
        """The planner's answer to a JSON object body, or None for the ordinary path. Only
        the plainest request is planned (a string query, its variables and operation name,
        no streaming asked for); anything else, and any fault of the request itself, goes to
        Strawberry, which reports it as it always has."""
        planner = self.planner
        accept = request.headers.get("accept", "")
        if (
            planner is None
            or "multipart/mixed" in accept  # streaming transports: Strawberry's own
            or "text/event-stream" in accept
        ):
            return None
        query, name = data.get("query"), data.get("operationName")
        variables, extensions = data.get("variables"), data.get("extensions")
        if (
            type(query) is not str
            or not query
            or not (name is None or type(name) is str)
            or not (variables is None or type(variables) is dict)
            or not (extensions is None or type(extensions) is dict)
        ):
            return None
        return await planner.answer(query, name, variables, context)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's reading of the body, with `@stream`/`@defer` taken out for a client
        that does not read multipart answers (web/incremental.py)."""
        data = await super().parse_http_body(request)
        if accepts_multipart(request.headers.get("accept", "")):
            return data
        for item in data if isinstance(data, list) else [data]:
            if item.query:
                item.query = without_incremental(item.query)
        return data

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        query = request_data.query
        # An answer without errors proves the document parses and passes every validation
        # rule and limit; only queries POSTed reach this (GET runs none).
        planner = self.planner
        # An incremental answer (`@stream`/`@defer`, multipart) is never planned.
        if (
            planner is not None
            and query
            and isinstance(result, ExecutionResult)
            and not result.errors
            and result.data is not None
        ):
            planner.learn(query, request_data.operation_name)
        return result

    def decode_json(self, data: str | bytes) -> object:
        """orjson reads a body several times faster; what it refuses (NaN, lone surrogates)
        the standard decoder reads, or refuses, as before."""
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(data)

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()


# What a JSON body must be, said to the client that sent something else.
_NOT_JSON = "The request body is not JSON (it must be UTF-8 JSON text)."
_NOT_AN_OBJECT = "The request body must be a JSON object with a `query` string."


def _is_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").partition(";")[0]
    return media_type.strip().lower() == "application/json"


def _bad_request(message: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
    return Response(orjson.dumps(body), status_code=400, media_type="application/json")
