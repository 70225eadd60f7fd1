"""Schema-driven codegen, proven: GraphQL Code Generator types the example web and mobile
operations from schema.graphql, `tsc --noEmit` type-checks the client that uses them, and the
Apollo possibleTypes it emits match the schema's own interface and union.

The examples are copied to a temporary folder (node_modules linked, not copied), so a test run
never writes into the working tree apart from the npm cache folder `examples/node_modules`.
"""

from __future__ import annotations

import json
from pathlib import Path

import graphql

from tests.support.npm import npm

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schema.graphql"


def test_the_typescript_client_type_checks_against_the_generated_types(generated: Path) -> None:
    done = npm(generated, "exec", "--offline", "--", "tsc", "--noEmit")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_type_check_catches_a_field_the_operations_did_not_ask_for(generated: Path) -> None:
    """Guards the check above: a client reading an unselected field must not compile."""
    client = generated / "client.ts"
    text = client.read_text(encoding="utf-8")
    assert "user.username}" in text
    client.write_text(text.replace("user.username}", "user.bio}", 1), encoding="utf-8")
    try:
        done = npm(generated, "exec", "--offline", "--", "tsc", "--noEmit")
    finally:
        client.write_text(text, encoding="utf-8")
    assert done.returncode != 0
    assert "'bio' does not exist" in done.stdout


def test_possible_types_list_every_implementation_from_the_schema(generated: Path) -> None:
    schema = graphql.build_schema(SCHEMA.read_text(encoding="utf-8"))
    interface = schema.get_type("LinkPreview")
    union = schema.get_type("PreviewResult")
    assert isinstance(interface, graphql.GraphQLInterfaceType)
    assert isinstance(union, graphql.GraphQLUnionType)
    implementations = sorted(t.name for t in schema.get_possible_types(interface))
    members = sorted(t.name for t in union.types)
    assert "TiktokUserPreview" in implementations
    assert "PagePreview" in implementations

    emitted = json.loads((generated / "generated" / "possible-types.json").read_text())
    possible = emitted["possibleTypes"]
    assert sorted(possible["LinkPreview"]) == implementations
    assert sorted(possible["PreviewResult"]) == members
    assert set(members) == {*implementations, "PreviewError"}


def test_generated_operation_types_name_each_operation(generated: Path) -> None:
    source = (generated / "generated" / "graphql.ts").read_text(encoding="utf-8")
    for operation in ("LinkCardsQuery", "CreatorCardQuery", "RefreshCardMutation"):
        assert f"export type {operation} =" in source
    for fragment in ("LinkCardFragment", "TiktokUserCardFragment", "PreviewProblemFragment"):
        assert f"export type {fragment} =" in source


def test_type_policies_merge_every_object_without_a_stable_id(generated: Path) -> None:
    schema = graphql.build_schema(SCHEMA.read_text(encoding="utf-8"))
    policies = json.loads((generated / "generated" / "type-policies.json").read_text())
    merged = {name for name, policy in policies["typePolicies"].items() if policy["merge"]}
    owned = set()
    for name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, graphql.GraphQLObjectType) or name.startswith("__"):
            continue
        if name in {"Query", "Mutation"}:
            continue
        id_field = graphql_type.fields.get("id")
        if id_field is None or not graphql.is_non_null_type(id_field.type):
            owned.add(name)
    assert "TiktokUser" in owned
    assert "TiktokUserPreview" not in owned  # normalised by its own `id: ID!`
    assert merged == owned
