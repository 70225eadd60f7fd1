"""The real `linkgraph` console script, run as a subprocess against the corpus origin."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from strawberry.printer import print_schema

from cli.query import PREVIEWS
from graph import schema
from settings import Settings
from tests.conftest import GraphClient
from tests.graph.test_tiktok_profiles import PROFILES, page_user

TIKTOK = "https://www.tiktok.com/@illojuan"
LINKGRAPH = shutil.which("linkgraph", path=str(Path(sys.executable).parent)) or "linkgraph"


def run(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command with the test settings passed the way an operator would: LINKGRAPH_* env."""
    env = {
        **os.environ,
        "LINKGRAPH_DATA_DIR": str(settings.data_dir),
        "LINKGRAPH_HOSTS_FILE": str(settings.hosts_file),
        "LINKGRAPH_ALLOW_NETWORKS": ",".join(settings.allow_networks),
        "LINKGRAPH_CA_BUNDLE": str(settings.ca_bundle),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [LINKGRAPH, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_preview_prints_a_table_with_the_creator(settings: Settings) -> None:
    user = page_user(PROFILES[TIKTOK])["user"]

    done = run(settings, "preview", TIKTOK)

    assert done.returncode == 0, done.stderr
    assert "@" + user["uniqueId"] in done.stdout
    assert user["nickname"] in done.stdout
    assert "TIKTOK_USER" in done.stdout


def test_other_kinds_show_their_typed_facts(settings: Settings, graph: GraphClient) -> None:
    video = "https://www.youtube.com/watch?v=hwMkbaS_M_c"
    answer = graph.query(PREVIEWS, urls=[video])["previews"][0]["youtubeVideo"]

    done = run(settings, "preview", video)

    assert done.returncode == 0, done.stderr
    assert "YOUTUBE_VIDEO" in done.stdout
    # Labelled in words, not by the graph's field names.
    assert f"Views {answer['viewsCount']:,}" in done.stdout
    assert f"By {answer['user']['name']}" in done.stdout
    assert "viewsCount" not in done.stdout


def test_json_is_the_graph_answer(settings: Settings, app_url: str, graph: GraphClient) -> None:
    links = [TIKTOK, "https://www.tiktok.com/@carlosazaustre"]

    done = run(settings, "preview", "--json", "--server", app_url, *links)

    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed == graph.query(PREVIEWS, urls=links)
    assert [item["tiktokUser"]["username"] for item in printed["previews"]] == [
        page_user(PROFILES[link])["user"]["uniqueId"] for link in links
    ]


def test_a_failed_link_exits_1_and_still_prints_the_others(
    settings: Settings, tmp_path: Path
) -> None:
    links = tmp_path / "links.txt"
    links.write_text(f"# a comment\n{TIKTOK}\n\nnot a link\n", encoding="utf-8")

    done = run(settings, "preview", "--json", "--file", str(links), "--progress")

    assert done.returncode == 1, done.stderr
    kinds = [item["__typename"] for item in json.loads(done.stdout)["previews"]]
    assert kinds == ["TiktokUserPreview", "PreviewError"]
    assert "1 of 2 links have no preview" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("preview",),
        ("preview", "--no-such-flag", TIKTOK),
        ("preview", "--file", "/nonexistent/links.txt"),
        ("no-such-command",),
    ],
)
def test_usage_errors_exit_2(settings: Settings, args: tuple[str, ...]) -> None:
    done = run(settings, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip()


def test_an_unreachable_server_exits_3(settings: Settings) -> None:
    # A port nothing listens on: bind one and close it again.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run(settings, "preview", "--server", f"http://127.0.0.1:{port}", TIKTOK)
    assert done.returncode == 3
    assert "cannot reach" in done.stderr


def test_export_schema_writes_the_contract(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    done = run(settings, "export-schema", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == print_schema(schema) + "\n"
    assert "union PreviewResult" in target.read_text(encoding="utf-8")
