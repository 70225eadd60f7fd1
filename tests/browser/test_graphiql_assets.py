"""GraphiQL's page and files over plain HTTP: local assets only, and a clear page without them."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

import web.graphiql

HTML = {"accept": "text/html"}


def test_the_ide_page_names_only_this_apps_files(app_url: str) -> None:
    page = httpx.get(f"{app_url}/graphql", headers=HTML)
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert [s for s in sources if not s.startswith(("/", "data:"))] == []
    for source in sources:
        if source.startswith("/static/graphiql/"):
            asset = httpx.get(app_url + source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 1000, source


def test_only_the_listed_files_are_served(app_url: str) -> None:
    for name in ("package.json", "..%2Fpackage.json", "react%2Fpackage.json"):
        assert httpx.get(f"{app_url}/static/graphiql/{name}").status_code == 404


def test_without_the_assets_the_ide_says_how_to_install_them_and_the_api_works(
    app_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web.graphiql, "ASSETS", tmp_path / "none")
    page = httpx.get(f"{app_url}/graphql", headers=HTML)
    assert page.status_code == 200
    assert "not installed" in page.text
    assert "scripts/setup" in page.text
    assert "<script" not in page.text
    answer = httpx.post(f"{app_url}/graphql", json={"query": "{ __typename }"})
    assert answer.json() == {"data": {"__typename": "Query"}}
