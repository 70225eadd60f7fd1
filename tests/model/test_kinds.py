"""The link kinds: LinkType is written out (code names its members), so this proves it says
the same as the registry (`Details`) it must agree with."""

from __future__ import annotations

from typing import get_args

from model.record import DETAILS_TYPES, Details, LinkType

# The kinds told apart without a typed object: a generic page, and nothing recognised.
WITHOUT_DETAILS = {LinkType.PAGE, LinkType.UNKNOWN}


def test_every_link_type_but_page_and_unknown_has_one_record() -> None:
    kinds = list(DETAILS_TYPES.values())
    assert len(kinds) == len(set(kinds)), "two records claim one kind"
    assert set(kinds) == set(LinkType) - WITHOUT_DETAILS


def test_the_kinds_follow_the_registry_and_its_order() -> None:
    assert tuple(DETAILS_TYPES) == get_args(Details)
    for struct, kind in DETAILS_TYPES.items():
        assert struct.__struct_config__.tag == kind.value
        assert struct.__struct_config__.tag_field == "kind"
