"""The real `linkgraph` console script, run as a subprocess against the corpus origin."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from strawberry.printer import print_schema

from cli.query import PREVIEWS
from graph import schema
from settings import Settings
from tests.conftest import GraphClient
from tests.graph.test_tiktok_profiles import PROFILES, page_user
from tests.support.origin import CorpusOrigin

TIKTOK = "https://www.tiktok.com/@illojuan"
LINKGRAPH = shutil.which("linkgraph", path=str(Path(sys.executable).parent)) or "linkgraph"


def run(
    settings: Settings, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command with the test settings passed the way an operator would: LINKGRAPH_* env."""
    environment = {
        **os.environ,
        "LINKGRAPH_DATA_DIR": str(settings.data_dir),
        "LINKGRAPH_HOSTS_FILE": str(settings.hosts_file),
        "LINKGRAPH_ALLOW_NETWORKS": ",".join(settings.allow_networks),
        "LINKGRAPH_CA_BUNDLE": str(settings.ca_bundle),
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [LINKGRAPH, *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
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


def test_server_may_be_given_as_the_api_url(settings: Settings, app_url: str) -> None:
    # The README calls http://host:port/graphql the API; `/graphql` is not added twice.
    done = run(settings, "preview", "--json", "--server", f"{app_url}/graphql", TIKTOK)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["previews"][0]["__typename"] == "TiktokUserPreview"


def upstream_fetches(app_url: str) -> float:
    metrics = httpx.get(f"{app_url}/metrics", timeout=30).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("linkgraph_upstream_fetches_total{")
    )


def test_refresh_fetches_the_link_again(settings: Settings, app_url: str) -> None:
    assert run(settings, "preview", "--server", app_url, TIKTOK).returncode == 0
    fetched = upstream_fetches(app_url)
    assert run(settings, "preview", "--server", app_url, TIKTOK).returncode == 0
    assert upstream_fetches(app_url) == fetched, "a second preview comes from the cache"

    done = run(settings, "preview", "--json", "--refresh", "--server", app_url, TIKTOK)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["previews"][0]["url"] == TIKTOK
    assert upstream_fetches(app_url) > fetched


def test_language_reads_each_page_in_it(settings: Settings, origin: CorpusOrigin) -> None:
    page = "https://www.nytimes.com/welcome/cli"
    titles = {"": "Welcome", "fr": "Bienvenue", "pt-br": "Bem-vindo"}
    origin.add_by_language(
        page,
        {
            tag: f"<html><head><title>{title}</title></head></html>".encode()
            for tag, title in titles.items()
        },
    )

    done = run(settings, "preview", "--json", "--language", "PT-br", page)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["previews"][0]["title"] == "Bem-vindo"
    assert origin.languages_for(page) == ["pt-BR"]  # BCP 47's canonical case goes upstream


def test_a_language_that_is_not_a_tag_is_a_usage_error(settings: Settings) -> None:
    done = run(settings, "preview", "--language", "not a tag", TIKTOK)

    assert done.returncode == 2
    assert "is not a BCP 47 language tag" in done.stderr


def test_help_shows_flags_without_type_labels(settings: Settings) -> None:
    done = run(settings, "preview", "--help")

    assert done.returncode == 0, done.stderr
    assert "--refresh" in done.stdout
    assert "<bool>" not in done.stdout
    assert "<str>" in done.stdout, "options that take a value still say so"


@pytest.mark.parametrize("command", [("preview", TIKTOK), ("serve", "--port", "1")])
def test_a_bad_setting_exits_2_with_one_line(
    settings: Settings, command: tuple[str, ...], tmp_path: Path
) -> None:
    env = {"LINKGRAPH_API_KEYS_FILE": str(tmp_path / "missing-keys.txt")}

    done = run(settings, *command, env=env)

    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip().splitlines() == [
        "linkgraph: configuration error: "
        f"LINKGRAPH_API_KEYS_FILE='{tmp_path / 'missing-keys.txt'}': path does not point to a file"
    ]
