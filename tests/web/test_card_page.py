"""The card page's own GraphQL, checked against schema.graphql without a browser: both
operations it sends are valid, and every member of `PreviewResult` has a card, so a new link
kind (or a renamed field) fails here rather than drawing an empty card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLUnionType, build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[2]
CARD_JS = (ROOT / "web" / "static" / "card.js").read_text(encoding="utf-8")
SCHEMA = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
# Kinds drawn by the generic page card: they carry nothing beyond the LinkPreview fields.
GENERIC = {"PagePreview", "UnknownPreview"}


def operation(name: str) -> str:
    """A template-literal constant of card.js, with `${SELECTION}` filled in."""
    found = re.search(rf"const {name} = `(.*?)`;", CARD_JS, re.S)
    assert found, name
    return found.group(1).replace(
        "${SELECTION}", operation("SELECTION") if name != "SELECTION" else ""
    )


@pytest.mark.parametrize("name", ["QUERY", "REFRESH"])
def test_the_card_operations_are_valid_against_the_schema(name: str) -> None:
    assert validate(SCHEMA, parse(operation(name))) == []


def test_every_preview_kind_has_a_card() -> None:
    union = SCHEMA.get_type("PreviewResult")
    assert isinstance(union, GraphQLUnionType)
    selection = operation("SELECTION")
    for member in union.types:
        if member.name in GENERIC:
            continue
        assert f"... on {member.name} " in selection, f"{member.name} selects nothing"
        # A case of draw(), or a row of FILE_KINDS (the files' shared card).
        drawn = re.search(rf'case "{member.name}"|\b{member.name}: \[', CARD_JS)
        assert drawn, f"{member.name} has no card in draw()"
