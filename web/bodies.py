"""Reading a request body inside ASGI middleware, and handing it on as if unread.

Middlewares that must see a GraphQL request's JSON before the app does (persisted queries)
read the whole body, which the body limit outside them has already capped, and replay it to
the app behind them.
"""

from __future__ import annotations

import re

from starlette.types import Message, Receive, Scope

# The deepest JSON a request body may nest. A GraphQL request is an object holding variables
# and extensions a few levels deep; a thousand levels is an attack on the parser (the standard
# library's recursion limit, orjson's own 1 024 levels) or on any code that walks the value.
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
# Arrays and objects alike become parentheses: depth is all this check is about.
_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def is_json_request(scope: Scope) -> bool:
    content_type: bytes = dict(scope.get("headers") or ()).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields `body` once, whole, then whatever the client sends next (the
    disconnect)."""
    sent = False

    async def replaying_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying_receive


def too_deep(body: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` levels, found without
    parsing it: strings dropped, only brackets kept, then one level of innermost pairs
    removed per pass (at most `limit` passes, each a C-speed scan of what is left). Text
    whose brackets do not pair up is mostly left to the parser to refuse as not JSON."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case: a small body cannot nest deeper than its brackets
    nesting = _STRING.sub(b"", data).translate(_PARENTHESES, _NOT_BRACKETS)
    run = b"(" * (limit + 1)  # opened more than `limit` times in a row: deep (or not JSON)
    for _ in range(limit):
        if run in nesting:
            return True
        # `replace` matches in the text as it was, so a pair one removal makes is left for
        # the next pass: each pass peels exactly one level.
        peeled = nesting.replace(b"()", b"")
        if not peeled or len(peeled) == len(nesting):
            return False  # all paired within the limit, or what is left does not pair: not JSON
        nesting = peeled
    return b"()" in nesting or run in nesting
