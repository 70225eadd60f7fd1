"""A client's mistake is logged at INFO without a traceback; only an exception raised by our
own code is an ERROR with its traceback (a fuzzing run wrote 891 ERROR lines for bad queries)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from graph import build_schema
from schema.limits import QueryLimits


class BrokenService:
    def key_for(self, raw_url: str, language: str | None = None) -> str:
        raise RuntimeError("the cache is gone")


class FakeContext:
    service: Any = BrokenService()
    loader: Any = None
    language: str | None = None


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ preview(url: ", None),  # does not parse
        ("{ nope }", None),  # does not validate
        ("query ($u: String!) { preview(url: $u) { __typename } }", {"u": 5}),  # coercion
        ("{ a: __typename b: __typename c: __typename }", None),  # over the alias limit
    ],
    ids=["parse", "validation", "coercion", "limit"],
)
async def test_a_client_mistake_is_logged_at_info_without_a_traceback(
    caplog: pytest.LogCaptureFixture, query: str, variables: dict[str, Any] | None
) -> None:
    schema = build_schema(QueryLimits(max_aliases=2))
    with caplog.at_level(logging.DEBUG, logger="strawberry.execution"):
        result = await schema.execute(query, variable_values=variables, context_value=FakeContext())
    assert result.errors
    records = [r for r in caplog.records if r.name == "strawberry.execution"]
    assert records
    for record in records:
        assert record.levelno == logging.INFO, record.getMessage()
        assert record.exc_info is None
        assert result.errors[0].message in record.getMessage()


async def test_an_exception_of_our_own_is_logged_at_error_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="strawberry.execution"):
        result = await build_schema().execute(
            '{ preview(url: "https://example.com/") { __typename } }',
            context_value=FakeContext(),
        )
    assert result.errors
    [record] = [r for r in caplog.records if r.name == "strawberry.execution"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
