"""The graph's packages import one way: `resolvers` uses `schema`, `graph.py` assembles both.

Each module below must import on its own in a fresh interpreter; while `schema` imported
`resolvers` (and `resolvers` imported `schema`), `import resolvers.query` failed unless
something else had happened to import `schema` first.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module", ["resolvers.query", "resolvers.mutation", "schema", "schema.mapping", "graph", "app"]
)
def test_module_imports_alone(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _imported(path: Path) -> set[str]:
    """Top-level packages a module imports, wherever in it the import is written."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_schema_does_not_import_what_sits_above_it() -> None:
    above = {"resolvers", "graph", "app", "web"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & above)
        for path in (ROOT / "schema").rglob("*.py")
        if _imported(path) & above
    }
    assert offenders == {}
