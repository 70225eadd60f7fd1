"""What one GraphQL request may ask for, checked before anything is fetched.

A public endpoint that fetches URLs is an amplifier if nothing bounds it, so every document
is checked for its size in bytes, depth, aliases (counted after fragment expansion,
Strawberry ≥ 0.315.7) and tokens, and every operation for the number of distinct links it
names (the URL budget), before any resolver runs. Validation rules and the memo of parsed and
validated documents (schema/documents.py, bounded in bytes) are built once per schema, here:
Strawberry constructs extensions per request (no state leaks between concurrent requests),
and a memo keyed by the document alone is right only while the rules stay the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Lexer,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    StringValueNode,
    TokenKind,
    ValueNode,
    VariableNode,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from schema.documents import CachedDocuments, DocumentCache, NewDocument, size_refusal

# Root fields that name links, and the argument that does.
_LINK_ARGUMENTS = {"preview": "url", "previews": "urls", "refreshPreview": "url"}


@dataclass(frozen=True, slots=True)
class QueryLimits:
    max_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2_000
    max_urls: int = 50
    introspection: bool = True
    # Bytes of one document (comments included, which the token limit does not count).
    max_bytes: int = 32 * 1024
    # What the parsed and validated documents of one schema may hold at most.
    document_cache_bytes: int = 64 * 1024 * 1024


class LimitExceededError(GraphQLError):
    """A request refused for its shape (over one of the limits, or naming no operation of
    several); shown to the client as is (never masked)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


class OperationChoice(SchemaExtension):
    """A document of several operations runs only the one `operationName` names: the
    GraphQL spec makes a missing name an error there, where running the first would answer a
    question the client may not have meant to ask."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # `operation_name` falls back to the first operation's name; what the request itself
        # said is only kept privately (the test of this class fails if Strawberry moves it).
        asked = getattr(context, "_provided_operation_name", None)
        if document is not None and asked is None:
            operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            if operations > 1:
                error = LimitExceededError(
                    f"This document holds {operations} operations; name the one to run "
                    "with operationName.",
                    "OPERATION_NAME_REQUIRED",
                )
                context.result = ExecutionResult(data=None, errors=[error])
        yield


class UrlBudget(SchemaExtension):
    """Refuses an operation naming more distinct links than the budget, before execution.

    Links arrive as literals or variables, through fragments or inline fragments, so they are
    counted on the operation's root selection with fragments expanded and variables applied.
    """

    def __init__(self, *, max_urls: int) -> None:
        self.max_urls = max_urls

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            urls = _named_links(document.definitions, context.operation_name, context.variables)
            if len(urls) > self.max_urls:
                error = LimitExceededError(
                    f"This request names {len(urls)} distinct links; the limit is "
                    f"{self.max_urls}. Split it into several requests.",
                    "URL_BUDGET_EXCEEDED",
                )
                context.result = ExecutionResult(data=None, errors=[error])
        yield


def _named_links(
    definitions: Any, operation_name: str | None, variables: Mapping[str, Any] | None
) -> set[str]:
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    chosen = [o for o in operations if operation_name is None or _name(o) == operation_name]
    if not chosen:
        return set()
    links: set[str] = set()
    seen: set[str] = set()
    pending: list[SelectionSetNode] = [chosen[0].selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                argument = _LINK_ARGUMENTS.get(selection.name.value)
                for node in selection.arguments or ():
                    if node.name.value == argument:
                        links.update(_strings(node.value, variables or {}))
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return links


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


def _strings(value: ValueNode, variables: Mapping[str, Any]) -> list[str]:
    if isinstance(value, StringValueNode):
        return [value.value]
    if isinstance(value, ListValueNode):
        return [s for item in value.values for s in _strings(item, variables)]
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        if isinstance(given, str):
            return [given]
        if isinstance(given, list):
            return [item for item in given if isinstance(item, str)]
    return []


def document_refusal(limits: QueryLimits) -> Callable[[str], GraphQLError | None]:
    """The check of a document's own size and tokens (lexed, not parsed: comments do not
    count, as for the parser's limit), for a layer that keeps documents before GraphQL sees
    them (persisted queries), so that nothing over a limit, or not even GraphQL, is kept."""

    def refusal(query: str) -> GraphQLError | None:
        too_large = size_refusal(query, limits.max_bytes)
        if too_large is not None:
            return too_large
        lexer = Lexer(Source(query))
        tokens = 0
        try:
            while lexer.advance().kind is not TokenKind.EOF:
                tokens += 1
                if tokens > limits.max_tokens:
                    return LimitExceededError(
                        f"This document holds more than {limits.max_tokens} tokens.",
                        "TOO_MANY_TOKENS",
                    )
        except GraphQLError as error:
            return error
        return None

    return refusal


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by code (a bug, a lost backend), never the request's own faults."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def limit_extensions(
    limits: QueryLimits,
    *,
    on_new_document: NewDocument | None = None,
    documents: DocumentCache | None = None,
) -> list[Callable[[], SchemaExtension]]:
    """Per-request extension factories over validation rules and a document memo built
    once (`documents`, else one of `limits.document_cache_bytes`); `on_new_document` hears
    of each document parsed for the first time."""
    rules: list[Any] = [depth_rule(limits.max_depth, None), alias_rule(limits.max_aliases)]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        functools.partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        # Apps send the same few documents again and again: parse and validate each once,
        # within a byte bound. Only documents within the size and token limits are parsed,
        # so only those are kept.
        functools.partial(
            CachedDocuments,
            cache=documents
            if documents is not None
            else DocumentCache(max_bytes=limits.document_cache_bytes),
            max_bytes=limits.max_bytes,
            on_new=on_new_document,
        ),
        functools.partial(AddValidationRules, rules),
        OperationChoice,
        functools.partial(UrlBudget, max_urls=limits.max_urls),
        functools.partial(
            MaskErrors,
            should_mask_error=_is_unexpected,
            error_message="Unexpected error; it has been logged.",
        ),
    ]
