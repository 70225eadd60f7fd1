"""The table from the fetcher's exception types to error codes: the service's only say on
what a failed fetch means, so a failure type the table forgot would reach clients unmapped."""

from __future__ import annotations

import pytest

from fetching.errors import FetchError
from model.record import ErrorCode
from previews.errors import ERROR_CODES, error_code


def _subclasses(cls: type[FetchError]) -> set[type[FetchError]]:
    found: set[type[FetchError]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_fetch_failure_type_is_mapped_and_nothing_else() -> None:
    failure_types = _subclasses(FetchError)
    assert failure_types
    unmapped = sorted(cls.__qualname__ for cls in failure_types - ERROR_CODES.keys())
    assert not unmapped, f"FetchError subclasses without an error code: {unmapped}"
    assert set(ERROR_CODES) == failure_types


@pytest.mark.parametrize("failure_type", list(ERROR_CODES), ids=[c.__name__ for c in ERROR_CODES])
def test_a_failure_is_answered_with_its_types_code(failure_type: type[FetchError]) -> None:
    error = failure_type("the link failed", status=502, media_type="text/html")
    assert error_code(error) is ERROR_CODES[failure_type]
    assert (error.message, error.status, error.media_type) == ("the link failed", 502, "text/html")


def test_every_link_code_has_a_failure_type() -> None:
    """The fetcher could raise each LINK_* code before it had types of its own; none may be
    lost, and none of the Peekalink API's own UPSTREAM_* codes may be claimed."""
    link_codes = {code for code in ErrorCode if code.name.startswith("LINK_")}
    assert set(ERROR_CODES.values()) == link_codes


def test_the_bare_base_has_no_code() -> None:
    """A failure must say its reason; the base alone is only for catching them all."""
    with pytest.raises(KeyError):
        error_code(FetchError("no reason given"))
