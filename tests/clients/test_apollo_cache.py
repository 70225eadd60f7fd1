"""Apollo Client 4 (real @apollo/client in Node) against the real app serving the corpus:
the example operations in an app's order on one normalised cache. Nothing one answer brings
is lost to the next (the creator's `likesCount` from `LinkCards` survives `CreatorCard`),
and every operation asked again is answered from the cache with no request. The client is
built exactly as the README shows (the script's block between its README markers)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.npm import install
from tests.support.origin import CORPUS_DIR

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "tests" / "clients"
SCRIPT = CLIENTS / "apollo.mjs"


def corpus_url(pattern: str) -> str:
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))
    urls: list[str] = [entry["url"] for entry in manifest if entry.get("url")]
    return next(url for url in urls if re.search(pattern, url))


@pytest.fixture(scope="module")
def modules() -> Path:
    assert shutil.which("node"), "Node.js is needed (scripts/test installs it)"
    return install(CLIENTS)


def run_apollo(app_url: str, generated: Path, urls: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [
            "node",
            str(SCRIPT),
            f"{app_url}/graphql",
            str(generated / "generated"),
            str(generated),
            json.dumps(urls),
        ],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, json.dumps(result["failures"], indent=1)
    return result


def test_apollo_keeps_every_answer_and_asks_nothing_twice(
    modules: Path, generated: Path, app_url: str
) -> None:
    creator = corpus_url(r"^https://www\.tiktok\.com/@[^/]+$")
    repository = corpus_url(r"^https://github\.com/[^/]+/[^/]+$")
    urls = {
        "links": [creator, repository, "not a link"],
        "creator": creator,
        "refresh": repository,
    }
    result = run_apollo(app_url, generated, urls)

    assert result["requests"] == ["LinkCards", "CreatorCard", "RefreshCard"]
    assert result["failures"] == []
    tiktok, github, error = result["linkCards"]["previews"]
    assert tiktok["__typename"] == "TiktokUserPreview"
    assert github["__typename"] == "GithubRepositoryPreview"
    assert error["__typename"] == "PreviewError"
    # The field CreatorCard does not select, and the cache used to drop: there to be lost.
    assert tiktok["tiktokUser"]["likesCount"] is not None
    assert result["linkCardsAgain"] == result["linkCards"]
    assert result["creatorCard"]["preview"]["id"] == tiktok["id"]
    assert result["refreshCard"]["refreshPreview"]["id"] == github["id"]


def test_the_readme_shows_the_client_the_script_builds() -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    block = script.split("// README:start\n")[1].split("// README:end")[0]
    assert "new ApolloClient(" in block
    assert block in (ROOT / "README.md").read_text(encoding="utf-8")
