"""`@stream`/`@defer` for clients that did not ask for them in multipart form.

Incremental delivery answers in `multipart/mixed`, which only a client that says it reads it
(`Accept: multipart/mixed`) gets. Any other client gets one ordinary JSON answer with every
item in place, as a server without incremental delivery would give: the directives are taken
out of its document before it runs, so the same query works for both kinds of client.
"""

from __future__ import annotations

from typing import Any

from graphql import DirectiveNode, GraphQLSyntaxError, Visitor, parse, print_ast, visit
from strawberry.http.parse_content_type import parse_content_type

_INCREMENTAL = frozenset({"stream", "defer"})


def accepts_multipart(accept: str) -> bool:
    """Whether one of the media ranges of `accept` is `multipart/mixed`."""
    return any(
        parse_content_type(part)[0] == "multipart/mixed" for part in accept.split(",") if part
    )


def without_incremental(query: str) -> str:
    """`query` with no `@stream` or `@defer` left; a document that does not parse is given
    back as it is, for the executor to report."""
    if "@stream" not in query and "@defer" not in query:
        return query
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return query
    return print_ast(visit(document, _Strip()))


class _Strip(Visitor):
    def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
        return self.REMOVE if node.name.value in _INCREMENTAL else None
