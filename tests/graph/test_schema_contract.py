"""schema.graphql is a contract: it must match the code, and describe everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from graph import schema
from schema.results import PREVIEW_TYPES

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == schema.as_str().strip(), (
        "schema.graphql is stale: run `strawberry export-schema graph:schema "
        "--output schema.graphql`"
    )


def test_export_schema_command_reproduces_the_file() -> None:
    strawberry = Path(sys.executable).parent / "strawberry"
    printed = subprocess.run(
        [str(strawberry), "export-schema", "graph:schema"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed.strip() == (ROOT / "schema.graphql").read_text().strip()


def _own_types() -> list[object]:
    return [
        graphql_type
        for name, graphql_type in schema._schema.type_map.items()
        if not name.startswith("__")
        and name not in {"String", "Boolean", "Int", "Float", "ID", "DateTime"}
    ]


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = []
    for graphql_type in _own_types():
        name = graphql_type.name  # type: ignore[attr-defined]
        if not graphql_type.description:  # type: ignore[attr-defined]
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing.extend(
                    f"{name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not arg.description
                )
        if isinstance(graphql_type, GraphQLEnumType):
            # Apps switch on these (PreviewErrorCode above all): each value says what it means.
            missing.extend(
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            )
    assert missing == []


def test_union_lists_every_link_preview_implementation() -> None:
    union = schema._schema.type_map["PreviewResult"]
    interface = schema._schema.type_map["LinkPreview"]
    assert isinstance(union, GraphQLUnionType)
    assert isinstance(interface, GraphQLInterfaceType)
    implementations = {t.name for t in schema._schema.get_possible_types(interface)}
    members = {t.name for t in union.types}
    assert members == implementations | {"PreviewError"}
    assert {t.__name__ for t in PREVIEW_TYPES} == implementations


def test_enums_carry_peekalink_values() -> None:
    link_type = schema._schema.type_map["LinkType"]
    codes = schema._schema.type_map["PreviewErrorCode"]
    assert isinstance(link_type, GraphQLEnumType)
    assert isinstance(codes, GraphQLEnumType)
    assert {"PAGE", "TIKTOK_USER", "GITHUB_REPOSITORY", "UNKNOWN"} <= set(link_type.values)
    assert len(link_type.values) == 21
    assert {"LINK_INVALID_URL", "LINK_BLOCKED", "LINK_TOO_LARGE", "LINK_NOT_FOUND"} <= set(
        codes.values
    )


def test_every_link_type_has_its_own_preview_type() -> None:
    # TIKTOK_USER answers as TiktokUserPreview, IMAGE as ImagePreview, UNKNOWN as UnknownPreview.
    link_type = schema._schema.type_map["LinkType"]
    interface = schema._schema.type_map["LinkPreview"]
    assert isinstance(link_type, GraphQLEnumType)
    assert isinstance(interface, GraphQLInterfaceType)
    expected = {
        "".join(word.capitalize() for word in value.split("_")) + "Preview"
        for value in link_type.values
    }
    assert expected == {t.name for t in schema._schema.get_possible_types(interface)}
    common = set(interface.fields)
    for preview in schema._schema.get_possible_types(interface):
        extra = set(preview.fields) - common
        # Each carries its typed object under one key (PAGE its `page`); UNKNOWN carries none.
        assert len(extra) == (0 if preview.name == "UnknownPreview" else 1)


def test_readme_documents_every_preview_type_and_error_code() -> None:
    """The README's type table and error table are the newcomer's reference: a kind or a
    code added to the schema without a line there fails here."""
    readme = (ROOT / "README.md").read_text()
    graph = schema._schema
    for name in sorted(t.__name__ for t in PREVIEW_TYPES):
        assert f"| `{name}` |" in readme, f"README's type table lacks {name}"
    codes = graph.type_map["PreviewErrorCode"]
    assert isinstance(codes, GraphQLEnumType)
    for code in codes.values:
        assert f"| `{code}` |" in readme, f"README's error table lacks {code}"
