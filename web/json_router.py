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

Every answer, planned or not, refusal or not, is GraphQL-shaped JSON in the media type the
client accepts (web/media.py): with `application/graphql-response+json`, a request that could
not run is a 400 without `data`, as the GraphQL-over-HTTP spec says. Strawberry's own refusals
(a batch, GET, an unknown operation...) come as `HTTPException`s with a plain-text reason;
they are answered as `{"errors":[{"message", "extensions":{"code"}}]}` too.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from cross_web import HTTPException
from fastapi import Request, Response
from fastapi.routing import APIRoute
from strawberry.fastapi import BaseContext
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from web.bodies import too_deep
from web.graphiql import LocalGraphiQLRouter
from web.incremental import accepts_multipart, without_incremental
from web.media import GRAPHQL_RESPONSE, negotiate
from web.responses import error_body


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
        media_type = negotiate(request.headers.get("accept", ""))
        data: Any = None  # not read here: Strawberry reads and judges it
        if _is_json(request):
            # Read once, for the refusal below and the plan; Strawberry reads its own copy.
            body = await request.body()
            if too_deep(body):
                return _refusal(_TOO_DEEP, "JSON_TOO_DEEP", 400, media_type)
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                return _refusal(_NOT_JSON, "BAD_REQUEST", 400, media_type)
            if not isinstance(data, dict | list):
                # Strawberry's body parser would call `.get` on it: a 500, not a 400.
                return _refusal(_NOT_AN_OBJECT, "BAD_REQUEST", 400, media_type)
        if type(data) is dict:
            planned = await self._planned(request, data, context)
            if planned is not None:
                return Response(planned, media_type=media_type)
        # Where a resolver may set headers, as FastAPI's would be: empty, with no length.
        # Made only here: a plan sets no headers.
        response = Response()
        del response.headers["content-length"]
        context.response = response
        self.temporal_response = response  # Strawberry's sub-response for this request
        answer = await self.run(request=request, context=context, root_value=None)
        if media_type == GRAPHQL_RESPONSE and _is_json_answer(answer):
            answer.headers["content-type"] = GRAPHQL_RESPONSE
            if getattr(request.state, "graphql_did_not_run", False):
                answer.status_code = 400
        return answer

    async def run(  # type: ignore[override]  # HTTP only: the app serves no websockets here
        self, request: Request, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response:
        """Strawberry's run, with its refusals (raised as plain-text `HTTPException`s) answered
        as GraphQL-shaped JSON with a code, for GET and POST alike."""
        try:
            return await super().run(request=request, context=context, root_value=root_value)
        except HTTPException as error:
            status, code, message = _strawberry_refusal(error)
            media_type = negotiate(request.headers.get("accept", ""))
            refusal = _refusal(message, code, status, media_type)
            if status == 405:
                refusal.headers["allow"] = "POST"
            return refusal

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """A request that could not run (it did not parse, validate or coerce: errors and no
        data, none of them from a field) is marked for `answer_post`; answered as
        `application/graphql-response+json` it has no `data` entry, as the spec says."""
        processed = await super().process_result(request, result)
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            request.state.graphql_did_not_run = True
            if negotiate(request.headers.get("accept", "")) == GRAPHQL_RESPONSE:
                processed.pop("data", None)
        return processed

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
        the standard decoder reads, or refuses, as before. JSON nested too deep for either
        (GET's `variables`, a multipart form's `operations`) is refused before parsing."""
        if too_deep(data):
            raise HTTPException(400, _TOO_DEEP)
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
_TOO_DEEP = "The request's JSON nests arrays and objects too deeply."

# Strawberry's refusals, by the start of their reason: the status and code we answer with,
# and the message, or None to keep Strawberry's.
_STRAWBERRY_REFUSALS: tuple[tuple[str, int, str, str | None], ...] = (
    (
        "Batching is not enabled",
        400,
        "BATCHING_NOT_SUPPORTED",
        "Batched operations (a JSON array) are not accepted: send one operation per request; "
        "`previews(urls:)` answers many links in one.",
    ),
    (
        "queries are not allowed when using GET",
        405,
        "METHOD_NOT_ALLOWED",
        "Operations are accepted over POST only (`GET /graphql` serves GraphiQL).",
    ),
    (
        "mutations are not allowed when using GET",
        405,
        "METHOD_NOT_ALLOWED",
        "Operations are accepted over POST only (`GET /graphql` serves GraphiQL).",
    ),
    (
        "Unsupported content type",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "The request body must be `application/json`.",
    ),
    ("Unknown operation named", 400, "OPERATION_NOT_FOUND", None),
    (_TOO_DEEP, 400, "JSON_TOO_DEEP", None),
)
_CODE_OF_STATUS = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _strawberry_refusal(error: HTTPException) -> tuple[int, str, str]:
    for start, status, code, message in _STRAWBERRY_REFUSALS:
        if error.reason.startswith(start):
            return status, code, message or error.reason
    status = error.status_code
    return status, _CODE_OF_STATUS.get(status, "BAD_REQUEST"), error.reason


def _is_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").partition(";")[0]
    return media_type.strip().lower() == "application/json"


def _is_json_answer(response: Response) -> bool:
    """An answer Strawberry encoded whole as JSON (not a stream, not the IDE's page)."""
    return response.headers.get("content-type", "").startswith("application/json")


def _refusal(message: str, code: str, status: int, media_type: str) -> Response:
    return Response(error_body(message, code), status_code=status, media_type=media_type)
