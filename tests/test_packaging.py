"""Every package of the service ships in the installed distribution: `linkgraph` and
`uvicorn app:app` import the installed copy, so a package left out of pyproject's list works
in the checkout and fails on start-up everywhere else."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders with an __init__.py that are not part of the service.
NOT_SHIPPED = frozenset({"tests", "bench"})


def test_every_package_is_in_the_distribution() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = {pattern.rstrip("*") for pattern in config["packages"]["find"]["include"]}
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - NOT_SHIPPED
    assert packages - shipped == set()
    modules = {path.stem for path in ROOT.glob("*.py")}
    assert modules - set(config["py-modules"]) == set()
