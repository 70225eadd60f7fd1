"""Unexpected exceptions reach clients as a masked message, never as internal details."""

from __future__ import annotations

from typing import Any

from graph import build_schema


class BrokenService:
    def key_for(self, raw_url: str, language: str | None = None) -> str:
        raise RuntimeError("connect to 10.0.0.5:6379 failed; Traceback ...")


class FakeContext:
    service: Any = BrokenService()
    loader: Any = None
    language: str | None = None


async def test_an_internal_error_is_masked_and_request_faults_are_not() -> None:
    schema = build_schema()
    result = await schema.execute(
        '{ preview(url: "https://example.com/") { __typename } }', context_value=FakeContext()
    )
    assert result.errors
    message = result.errors[0].message
    assert message == "Unexpected error; it has been logged."
    assert "10.0.0.5" not in str(result.errors[0].formatted)

    invalid = await schema.execute("{ preview { __typename } }", context_value=FakeContext())
    assert invalid.errors
    assert "url" in invalid.errors[0].message
