"""Ready-to-serve answers for repeated GraphQL queries whose previews have not changed.

A warm query spends almost all of its time in the framework (parsing, validating, executing,
encoding), not in finding its previews, and a client asking the same thing again and again
gets the same bytes each time, its `requestId`s aside. So the bytes of a successful query's
answer are kept, keyed by (query text, variables, operation name), together with what the
answer was built from: every normalised link the execution looked up and the outcome it got.
The next identical request looks those links up again through the service (which is what the
normal path would do, so it is charged and refreshed the same way) and, when every outcome is
still the one the answer was built from, is answered with the kept bytes, its own request id
spliced in; otherwise it runs as usual and its answer replaces the kept one.

Ids are spliced, not searched for: while executing, the resolvers write a placeholder (random,
per process, never sent out) where a request id goes, and every answer that passes through here
has it replaced by the request's real id, so a stored answer is a list of segments around it.

Only queries are kept (never mutations, subscriptions or introspection), only answers without
GraphQL `errors` (a PreviewError is an outcome like a preview and is kept), and at most
`max_answers` of them and `max_bytes` in all, least recently used evicted first. Answers do
not depend on the API key (no resolver reads it), so one answer serves every key; the key
check, the budget and the body limit sit outside this and see every request as before.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.language import Visitor, visit
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from model.record import Outcome, Preview
from previews.service import Lookup, PreviewService
from web.bodies import is_json_request, read_body, replay
from web.cost import STATE_KEY as COST_KEY
from web.cost import RequestCost
from web.request_id import current_request_id

STATE_KEY = "linkgraph_answer_recording"
# Documents whose verdict (a cacheable query or not) is remembered.
_MAX_VERDICTS = 4096


@dataclass(slots=True)
class Recording:
    """What one execution looked up, filled by the resolvers' loader (resolvers/loader.py).

    `prefetched` is the lookup this module already made for a kept answer that turned out to
    be out of date: the loader answers from it rather than looking the same links up twice,
    so the request is charged once, as on the normal path."""

    placeholder: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    prefetched: dict[str, Outcome] | None = None
    prefetched_cached: frozenset[str] = frozenset()

    def take_prefetched(self, keys: list[str]) -> Lookup | None:
        """The prefetched lookup of `keys`, once, when it covers them all."""
        found = self.prefetched
        if found is None or any(key not in found for key in keys):
            return None
        self.prefetched = None
        return Lookup([found[key] for key in keys], self.prefetched_cached.intersection(keys))


def recording_of(state: object) -> Recording | None:
    """The recording the answer cache left in a request's state, if it runs in front."""
    recording = getattr(state, STATE_KEY, None)
    return recording if isinstance(recording, Recording) else None


@dataclass(frozen=True, slots=True)
class Answer:
    """A kept answer: its body around the request-id placeholder, and what it was built from."""

    segments: tuple[bytes, ...]
    headers: tuple[tuple[bytes, bytes], ...]
    keys: tuple[str, ...]
    outcomes: tuple[Outcome, ...]

    def body(self, request_id: bytes) -> bytes:
        return request_id.join(self.segments)

    @property
    def size(self) -> int:
        return sum(len(segment) for segment in self.segments)


class AnswerCache:
    """ASGI middleware in front of the GraphQL route, inside every other middleware."""

    def __init__(
        self, app: ASGIApp, *, max_answers: int, max_bytes: int, path: str = "/graphql"
    ) -> None:
        self.app = app
        self.max_answers = max_answers
        self.max_bytes = max_bytes
        self.paths = {path, path + "/"}
        self.placeholder = "answer-cache-" + secrets.token_hex(16)
        self._marker = orjson.dumps(self.placeholder)
        self._answers: OrderedDict[bytes, Answer] = OrderedDict()
        self._bytes = 0
        # By a digest of (query, operation name): a query may be as long as the body limit.
        self._verdicts: dict[bytes, bool] = {}
        # Requests answered with a kept answer, for tests and curious operators.
        self.served = 0

    def __len__(self) -> int:
        return len(self._answers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.max_answers <= 0
            or scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in self.paths
            or not is_json_request(scope)
        ):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        request = _request_of(body)
        key = _key_of(request) if request is not None else None
        state: dict[str, Any] = scope.setdefault("state", {})
        recording = Recording(self.placeholder)
        if key is not None and (kept := self._answers.get(key)) is not None:
            self._answers.move_to_end(key)
            if await self._serve(kept, scope, state, recording, send):
                return
        state[STATE_KEY] = recording
        start, answer = await self._run(scope, replay(body, receive))
        answer_id = orjson.dumps(current_request_id())
        segments = answer.split(self._marker)
        out = answer_id.join(segments)
        headers = _without_length(start.get("headers") or ())
        await send({**start, "headers": [*headers, _length(len(out))]})
        await send({"type": "http.response.body", "body": out})
        if key is not None and request is not None:
            self._keep(key, request, start, answer, segments, headers, recording)

    async def _serve(
        self,
        kept: Answer,
        scope: Scope,
        state: dict[str, Any],
        recording: Recording,
        send: Send,
    ) -> bool:
        """Answer with `kept` when its previews are still the ones it was built from."""
        found: Lookup | None = None
        if kept.keys:
            service = getattr(scope["app"].state, "previews", None)
            if not isinstance(service, PreviewService):
                return False
            found = await service.lookup(kept.keys)
            if not all(
                _same_version(new, old)
                for new, old in zip(found.outcomes, kept.outcomes, strict=True)
            ):
                recording.prefetched = dict(zip(kept.keys, found.outcomes, strict=True))
                recording.prefetched_cached = found.cached
                return False
            cost = state.get(COST_KEY)
            if isinstance(cost, RequestCost):
                cost.hits += len(found.cached)
                cost.fetches += len(kept.keys) - len(found.cached)
        body = kept.body(orjson.dumps(current_request_id()))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*kept.headers, _length(len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})
        self.served += 1
        return True

    async def _run(self, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
        """Run the GraphQL route, keeping its answer back to put the request's id in."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capturing_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capturing_send)
        if start is None:
            raise RuntimeError("the GraphQL route sent no response")
        return start, b"".join(chunks)

    def _keep(
        self,
        key: bytes,
        request: dict[str, Any],
        start: Message,
        answer: bytes,
        segments: list[bytes],
        headers: list[tuple[bytes, bytes]],
        recording: Recording,
    ) -> None:
        if (
            start.get("status") != 200
            or len(answer) > self.max_bytes
            or not _is_json_response(headers)
            # Our router writes `data` first; a top-level `errors` member is a key, never
            # text inside a string (whose quotes are escaped). An alias named `errors` only
            # makes an answer not kept.
            or not answer.startswith(b'{"data":')
            or b'"errors":' in answer
            or not self._is_plain_query(request["query"], request.get("operationName"))
        ):
            self._forget(key)
            return
        keys = tuple(recording.outcomes)
        self._forget(key)
        kept = Answer(
            tuple(segments), tuple(headers), keys, tuple(recording.outcomes[k] for k in keys)
        )
        self._answers[key] = kept
        self._bytes += kept.size
        while len(self._answers) > self.max_answers or self._bytes > self.max_bytes:
            _, evicted = self._answers.popitem(last=False)
            self._bytes -= evicted.size

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    def _forget(self, key: bytes) -> None:
        dropped = self._answers.pop(key, None)
        if dropped is not None:
            self._bytes -= dropped.size

    def _is_plain_query(self, query: str, operation_name: object) -> bool:
        """Whether the operation run is a query that does not look at the schema itself."""
        name = operation_name if isinstance(operation_name, str) else None
        digest = hashlib.blake2b(orjson.dumps([query, name]), digest_size=20).digest()
        verdict = self._verdicts.get(digest)
        if verdict is None:
            verdict = _plain_query(query, name)
            if len(self._verdicts) >= _MAX_VERDICTS:
                self._verdicts.clear()
            self._verdicts[digest] = verdict
        return verdict


class _SchemaFields(Visitor):
    """Notes whether a document selects `__schema` or `__type` anywhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found = True


def _plain_query(query: str, name: str | None) -> bool:
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == name]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return False
    fields = _SchemaFields()
    visit(document, fields)
    return not fields.found


def _request_of(body: bytes) -> dict[str, Any] | None:
    """The GraphQL request in a body, when it has the shape a kept answer can be keyed by."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return None
    variables = request.get("variables")
    name = request.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return request


def _key_of(request: dict[str, Any]) -> bytes | None:
    """A digest of (query, variables with sorted keys, operation name)."""
    try:
        canonical = orjson.dumps(
            [request["query"], request.get("variables") or {}, request.get("operationName")],
            option=orjson.OPT_SORT_KEYS,
        )
    except TypeError:
        return None
    return hashlib.blake2b(canonical, digest_size=20).digest()


def _is_json_response(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.split(b";")[0].strip().lower() == b"application/json"
    return False


def _without_length(headers: Any) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() != b"content-length"]


def _length(size: int) -> tuple[bytes, bytes]:
    return (b"content-length", str(size).encode())


def _same_version(new: Outcome, old: Outcome) -> bool:
    """Whether the cache still serves the outcome an answer was built from. A preview is
    stamped when it is fetched, so its `updated_at` names its version: every fetch, refresh
    or other instance's write makes a new one. Comparing the stamp, not every field, keeps
    the check cheap and exact whichever process decoded the record. Failures carry no stamp
    and are compared whole (they are small)."""
    if new is old:
        return True
    if isinstance(new, Preview) and isinstance(old, Preview):
        return new.updated_at == old.updated_at and new.url == old.url
    return new == old
