"""Parsed and validated documents, kept by their text in one memo bounded in bytes.

Apps send the same few documents again and again, so each is parsed and validated once. But
the text of a document is the client's to choose: Strawberry's own caches (`ParserCache`,
`ValidationCache`) are bounded by entry count only, and 1 000 documents of 234 KiB each (a
long comment, which the token limit does not count) held ~470 MB there. Here the memo is
bounded by what its entries weigh, a document longer than `max_bytes` is refused before it
is parsed, and the first sight of a document is reported (`on_new`) so that the request pays
for the work and memory it asked for (the rate limit's cost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLError, parse, validate
from strawberry.extensions import SchemaExtension

from common.memo import TtlLru

# A parsed document, with its locations, takes about 33 bytes per byte of dense text
# (measured with tracemalloc on examples/); weighing every byte so over-counts comments,
# which is the safe side.
BYTES_PER_CHARACTER = 40


def document_weight(query: str) -> int:
    """What keeping `query` parsed (or compiled from it) costs in memory, estimated."""
    return BYTES_PER_CHARACTER * len(query) + 1024


@dataclass(slots=True)
class _Entry:
    document: DocumentNode
    # None until the first request that validates it (parse errors are never kept).
    errors: list[GraphQLError] | None = None


class DocumentCache:
    """The documents one schema has parsed and validated (its validation rules are fixed)."""

    def __init__(self, *, max_bytes: int, max_entries: int = 4096) -> None:
        self._entries: TtlLru[str, _Entry] = TtlLru(
            max_entries, max_bytes=max_bytes, weigh=lambda query, _: document_weight(query)
        )

    @property
    def held_bytes(self) -> int:
        return self._entries.held_bytes

    def __len__(self) -> int:
        return len(self._entries)

    def parsed(self, query: str, parse_options: Any) -> tuple[DocumentNode, bool]:
        """The document of `query` and whether it was parsed now (first seen)."""
        entry = self._entries.get(query)
        if entry is not None:
            return entry.document, False
        document = parse(query, **parse_options)
        self._entries.put(query, _Entry(document))
        return document, True

    def validated(self, query: str, schema: Any, document: DocumentNode, rules: Any) -> Any:
        entry = self._entries.get(query)
        if entry is not None and entry.errors is not None and entry.document is document:
            return entry.errors
        errors = validate(schema, document, rules)
        if entry is not None and entry.document is document:
            entry.errors = errors
        return errors


# Called with the request's context and the size in bytes of a document seen for the first time.
NewDocument = Callable[[object, int], None]


class TooLargeDocumentError(GraphQLError):
    """A document longer than the limit, refused unparsed (shown to the client, never masked)."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(
            f"This document is {size} bytes long; the limit is {max_bytes}.",
            extensions={"code": "QUERY_TOO_LARGE"},
        )


def size_refusal(query: str, max_bytes: int) -> TooLargeDocumentError | None:
    size = len(query.encode())
    return TooLargeDocumentError(size, max_bytes) if size > max_bytes else None


class CachedDocuments(SchemaExtension):
    """Parses and validates through a `DocumentCache`; reports documents seen first."""

    def __init__(
        self, *, cache: DocumentCache, max_bytes: int, on_new: NewDocument | None = None
    ) -> None:
        self.cache = cache
        self.max_bytes = max_bytes
        self.on_new = on_new

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if context.graphql_document is None and query:
            refusal = size_refusal(query, self.max_bytes)
            if refusal is not None:
                raise refusal
            document, new = self.cache.parsed(query, context.parse_options)
            context.graphql_document = document
            if new and self.on_new is not None:
                self.on_new(context.context, len(query.encode()))
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is not None:
            context.pre_execution_errors = self.cache.validated(
                context.query,
                context.schema._schema,
                context.graphql_document,
                context.validation_rules,
            )
        yield
