"""Schema-driven codegen, proven: GraphQL Code Generator types the example web and mobile
operations from schema.graphql, `tsc --noEmit` type-checks the client that uses them, and the
Apollo possibleTypes it emits match the schema's own interface and union.

The examples are copied to a temporary folder (node_modules linked, not copied), so a test run
never writes into the working tree apart from the npm cache folder `examples/node_modules`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import graphql
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schema.graphql"
STAMP = ".linkgraph-lock-sha256"


def npm(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args], cwd=folder, capture_output=True, text=True, timeout=600, check=False
    )


def install(folder: Path) -> Path:
    """`npm ci` once per package-lock.json: a stamp in node_modules remembers which lock it
    installed, so reruns cost nothing and a changed lock reinstalls. Two suites running at
    once on one checkout take turns (a file lock), so neither sees a half-installed folder."""
    lock = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
    stamp = folder / "node_modules" / STAMP
    turn = (
        Path(tempfile.gettempdir())
        / f"linkgraph-npm-{hashlib.sha256(bytes(folder)).hexdigest()[:16]}"
    )
    with turn.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == lock):
            done = npm(folder, "ci", "--no-audit", "--no-fund", "--loglevel=error")
            assert done.returncode == 0, done.stderr
            stamp.write_text(lock)
    return folder / "node_modules"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert shutil.which("npm"), "npm is needed (scripts/test installs it)"
    modules = install(EXAMPLES)
    work = tmp_path_factory.mktemp("codegen")
    shutil.copy(SCHEMA, work / "schema.graphql")
    project = work / "examples"
    project.mkdir()
    for path in EXAMPLES.iterdir():
        if path.is_file():
            shutil.copy(path, project / path.name)
    (project / "node_modules").symlink_to(modules, target_is_directory=True)
    done = npm(project, "exec", "--offline", "--", "graphql-codegen", "--config", "codegen.ts")
    assert done.returncode == 0, done.stdout + done.stderr
    return project


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
