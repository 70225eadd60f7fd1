"""Every store of documents is bounded in bytes, and a long document is refused unparsed.

The stores are read directly (their byte count), never the process's RSS: what must hold is
the bound itself. The RSS a flood of long persisted queries reaches is measured by
`python -m bench.document_flood`.
"""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.schema.config import StrawberryConfig

from resolvers.mutation import Mutation
from resolvers.plans import Plans
from resolvers.query import Query
from schema.documents import DocumentCache, document_weight
from schema.limits import QueryLimits, limit_extensions
from schema.previews import LinkPreview
from schema.results import PREVIEW_TYPES
from schema.scalars import SCALARS


def schema_with(limits: QueryLimits, documents: DocumentCache) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[LinkPreview, *PREVIEW_TYPES],
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=limit_extensions(limits, documents=documents),
    )


def padded(index: int, size: int) -> str:
    """A valid document of `size` characters: a comment (not counted as tokens) and one field."""
    head = f"{{ __typename }} # {index} "
    return head + "x" * (size - len(head))


def test_parsed_documents_stay_within_their_byte_bound() -> None:
    bound = 5 * document_weight(padded(0, 8_000))
    documents = DocumentCache(max_bytes=bound)
    schema = schema_with(QueryLimits(max_bytes=10_000), documents)

    async def run_all() -> None:
        for index in range(40):
            result = await schema.execute(padded(index, 8_000))
            assert result.errors is None, result.errors
            assert result.data == {"__typename": "Query"}

    asyncio.run(run_all())
    assert 0 < documents.held_bytes <= bound
    assert len(documents) == 5, "the five most recent fit; the 35 before were let go"


def test_a_document_over_the_size_limit_is_refused_and_never_kept() -> None:
    documents = DocumentCache(max_bytes=10**9)
    schema = schema_with(QueryLimits(max_bytes=10_000), documents)
    result = asyncio.run(schema.execute(padded(0, 10_001)))
    assert result.data is None
    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "QUERY_TOO_LARGE"}]
    assert "10001 bytes" in result.errors[0].message
    assert len(documents) == 0
    assert documents.held_bytes == 0


def test_a_document_is_parsed_once_and_its_validation_kept() -> None:
    documents = DocumentCache(max_bytes=10**9)
    schema = schema_with(QueryLimits(), documents)
    query = "query Same { __typename }"
    first = asyncio.run(schema.execute(query))
    second = asyncio.run(schema.execute(query))
    assert first.data == second.data == {"__typename": "Query"}
    assert len(documents) == 1
    invalid = asyncio.run(schema.execute("{ nothingHere }"))
    again = asyncio.run(schema.execute("{ nothingHere }"))
    assert invalid.errors is not None
    assert again.errors is not None
    assert [e.message for e in invalid.errors] == [e.message for e in again.errors]


def test_plans_stay_within_their_byte_bound() -> None:
    limits = QueryLimits(max_bytes=10_000)
    schema = schema_with(limits, DocumentCache(max_bytes=10**9))
    bound = 3 * document_weight(padded(0, 8_000))
    plans = Plans(schema, max_urls=50, max_bytes=bound)
    for index in range(20):
        plans.learn(padded(index, 8_000), None)
    assert 0 < plans.held_bytes <= bound
    assert len(plans) == 3
