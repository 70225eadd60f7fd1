"""Dependencies point one way (ARCHITECTURE.md): the model at the bottom, then fetching,
extraction, sites, files and media, then the service, then the graph and the web.

The source is read with `ast` rather than imported, so an import inside a function or a
`TYPE_CHECKING` block counts as much as one at the top: each is a dependency all the same,
and each is how a layering mistake hides until it turns into a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LOWER = frozenset(
    {"fetching", "extraction", "sites", "files", "media", "screenshots", "model", "common"}
)
# The bottom: packages every layer may use, which import nothing of ours but themselves.
BOTTOM = frozenset({"model", "common"})
UPPER = frozenset({"previews", "schema", "resolvers", "graph", "web", "cli", "app"})
# What each upper package must not reach: the service knows no GraphQL, and the graph's types
# know nothing of the resolvers, the schema's assembly (graph.py) or the HTTP layer; the
# resolvers know the service and the types, never the HTTP layer that calls them.
ABOVE = {
    "previews": frozenset({"schema", "resolvers", "graph", "web", "cli", "app"}),
    "schema": frozenset({"resolvers", "graph", "web", "cli", "app"}),
    "resolvers": frozenset({"graph", "web", "cli", "app"}),
}


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted and absolute
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.module} imports {self.target} ({self.path}:{self.line})"


def top_level_names(root: Path) -> frozenset[str]:
    """Our top-level packages (folders with `__init__.py`) and modules (`app.py`, ...)."""
    packages = {path.parent.name for path in root.glob("*/__init__.py")}
    return frozenset(packages | {path.stem for path in root.glob("*.py")})


def module_files(root: Path) -> Iterator[tuple[str, Path]]:
    for name in sorted(top_level_names(root)):
        if (root / f"{name}.py").is_file():
            yield name, root / f"{name}.py"
            continue
        for path in sorted((root / name).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def imports_of(module: str, path: Path, root: Path, ours: frozenset[str]) -> Iterator[Import]:
    """Every import in the file that names one of our modules, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                targets = [".".join([*base, node.module])]
            else:  # `from . import x`: x may be a submodule; either way it is in `base`
                targets = [".".join([*base, alias.name]) for alias in node.names]
        elif node.module:
            targets = [node.module]
        for target in targets:
            if target.split(".")[0] in ours:
                yield Import(module, target, path.relative_to(root), node.lineno)


def all_imports(root: Path) -> list[Import]:
    ours = top_level_names(root)
    return [
        found
        for module, path in module_files(root)
        for found in imports_of(module, path, root, ours)
    ]


def top(name: str) -> str:
    return name.split(".")[0]


def upward_imports(imports: list[Import]) -> list[Import]:
    """Imports from the lower layers into the service, the graph, the web or the CLI, from
    the service or the schema into what sits above them, and any import by the model (or
    common/) of another package of ours."""
    return [
        found
        for found in imports
        if (top(found.module) in LOWER and top(found.target) in UPPER)
        or (top(found.module) in BOTTOM and top(found.target) != top(found.module))
        or top(found.target) in ABOVE.get(top(found.module), frozenset())
    ]


def package_cycles(imports: list[Import]) -> dict[frozenset[str], list[Import]]:
    """The strongly connected groups of the package graph (Tarjan), each with the imports
    that tie it together, so a failure shows which lines to change."""
    edges: dict[str, set[str]] = {}
    for found in imports:
        if top(found.module) != top(found.target):
            edges.setdefault(top(found.module), set()).add(top(found.target))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[frozenset[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(frozenset(group))

    for node in sorted(edges):
        if node not in order:
            visit(node)
    return {
        group: [
            found
            for found in imports
            if top(found.module) in group
            and top(found.target) in group
            and top(found.module) != top(found.target)
        ]
        for group in groups
    }


def test_lower_layers_and_the_model_do_not_import_upward() -> None:
    found = upward_imports(all_imports(ROOT))
    assert not found, "imports against the direction of the layers:\n" + "\n".join(map(str, found))


def test_packages_import_each_other_in_no_cycle() -> None:
    cycles = package_cycles(all_imports(ROOT))
    report = "\n".join(
        f"{' <-> '.join(sorted(group))}:\n  " + "\n  ".join(map(str, tying))
        for group, tying in cycles.items()
    )
    assert not cycles, f"packages import each other in a cycle:\n{report}"


@pytest.mark.parametrize(
    "module", ["resolvers.query", "resolvers.mutation", "schema", "schema.mapping", "graph", "app"]
)
def test_each_module_imports_on_its_own(module: str) -> None:
    """In a fresh interpreter, not after app.py has imported things in a lucky order."""
    run = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_the_walk_sees_relative_nested_and_type_checking_imports(tmp_path: Path) -> None:
    """The checks above can only fail if the walk finds every kind of import: a small tree
    with one import of each kind, each against the layers, is caught whole."""
    for package in ("fetching", "fetching/inner", "model", "previews", "schema", "resolvers"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "app.py").write_text("import fetching\n")
    (tmp_path / "fetching/inner/deep.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ...previews import service\n"
        "def later() -> None:\n    import schema.types\n"
        "from .. import inner\n"
        "import model.record\n"
    )
    (tmp_path / "model/__init__.py").write_text("from fetching import errors\n")
    (tmp_path / "schema/__init__.py").write_text("from resolvers import query\n")
    (tmp_path / "resolvers/__init__.py").write_text("import os\nfrom schema.types import T\n")
    imports = all_imports(tmp_path)
    assert {str(found).split(" (")[0] for found in upward_imports(imports)} == {
        "fetching.inner.deep imports previews",
        "fetching.inner.deep imports schema.types",
        "model imports fetching",
        "schema imports resolvers",
    }
    cycles = package_cycles(imports)
    assert set(cycles) == {frozenset({"schema", "resolvers"}), frozenset({"fetching", "model"})}
    assert {found.module for found in cycles[frozenset({"fetching", "model"})]} == {
        "fetching.inner.deep",
        "model",
    }
