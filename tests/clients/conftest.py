"""The codegen output the client tests share: examples/ generated once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.npm import install, npm

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schema.graphql"


@pytest.fixture(scope="session")
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
