"""A real incremental-delivery client: Apollo Client 4 in Node (its multipart link and the
GraphQL 17 incremental handler, as a web app would configure them) reads a streamed
`previews` batch from the running app and shows each card as its link finishes.

Its own small npm project (tests/clients/stream/), installed once per lock by the codegen
check's helper.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.graph.test_stream import slow_page
from tests.support.npm import install
from tests.support.origin import CorpusOrigin

PROJECT = Path(__file__).resolve().parent / "stream"


@pytest.fixture(scope="module")
def stream_client() -> Path:
    assert shutil.which("npm"), "npm is needed (scripts/test installs it)"
    install(PROJECT)
    return PROJECT / "stream-client.mjs"


def test_apollo_client_shows_each_card_as_its_link_finishes(
    origin: CorpusOrigin, app_url: str, stream_client: Path
) -> None:
    slow = slow_page(origin, "example.com", "apollo-slow", 3.0)
    fast = slow_page(origin, "kikobeats.com", "apollo-fast", 0.05)
    middle = slow_page(origin, "daringfireball.net", "apollo-middle", 0.5)
    asked = [slow, fast, middle]
    node = subprocess.Popen(
        ["node", str(stream_client), f"{app_url}/graphql", *(url for url, _ in asked)],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert node.stdout is not None
    # Each result Apollo emitted, with when this test read it (the origin's clock).
    emitted: list[tuple[dict[str, Any], float]] = []
    try:
        for line in node.stdout:
            if line.strip() == "done":
                break
            emitted.append((json.loads(line), time.monotonic()))
        node.wait(timeout=60)
    finally:
        node.kill()
    assert node.returncode == 0, node.stderr.read() if node.stderr else ""
    assert all("error" not in result for result, _ in emitted), emitted

    # The cards as they grew: one more each time a link finished, fastest first.
    shown = [
        [(p["url"], p["title"]) for p in result["previews"]]
        for result, _ in emitted
        if result["previews"]
    ]
    assert shown[-1] == [fast, middle, slow]
    grown = [cards for n, cards in enumerate(shown) if n == 0 or cards != shown[n - 1]]
    assert grown == [[fast], [fast, middle], [fast, middle, slow]]
    # The fast card was on screen before the slow link's origin had answered.
    first_card = next(at for result, at in emitted if result["previews"])
    (slow_hit,) = origin.hits_for(slow[0])
    assert first_card < slow_hit.finished
