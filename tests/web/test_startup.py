"""Running it as an operator does: `uvicorn app:app` as its own process, read from outside
(its exit status, its stderr, the URLs in its answers) (issue 17, items 11, 13, 14 and 16)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.graph.test_tiktok_media import URL, serve_page_images
from tests.support.origin import CorpusOrigin
from tests.support.process import ROOT, app_process, free_port

QUERY = """
query ($url: String!) {
  preview(url: $url) {
    ... on TiktokUserPreview { tiktokUser { avatar { thumbnail { url } original { url } } } }
  }
}
"""


def origin_env(origin: CorpusOrigin, data_dir: Path) -> dict[str, str]:
    return {
        "LINKGRAPH_DATA_DIR": str(data_dir),
        "LINKGRAPH_HOSTS_FILE": str(origin.hosts_path),
        "LINKGRAPH_ALLOW_NETWORKS": f"{origin.address}/32",
        "LINKGRAPH_CA_BUNDLE": str(origin.ca_path),
    }


def uvicorn_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKGRAPH_")}
    return {**env, **variables}


async def test_media_urls_follow_the_port_the_server_was_started_on(
    origin: CorpusOrigin, tmp_path: Path
) -> None:
    serve_page_images(origin)
    env = origin_env(origin, tmp_path / "data")
    async with app_process(env, tmp_path / "app.log", public_url=False) as app:
        response = await app.client.post(
            "/graphql", json={"query": QUERY, "variables": {"url": URL}}
        )
        avatar = response.json()["data"]["preview"]["tiktokUser"]["avatar"]
        base = str(app.client.base_url).rstrip("/")
        for variant in ("thumbnail", "original"):
            media_url = avatar[variant]["url"]
            assert media_url.startswith(f"{base}/media/"), media_url
            assert (await app.client.get(media_url)).status_code == 200
        log = app.log.read_text()
    assert f"media URLs start with {base} (from the address served on)" in log


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LINKGRAPH_CACHE_TTL", "a day", "valid integer"),
        ("LINKGRAPH_CACHE_TTL", "-5", "greater than 0"),
        ("LINKGRAPH_API_KEYS_FILE", "/nonexistent/keys.txt", "does not point to a file"),
        ("LINKGRAPH_CACHE_URL", "postgres://db/cache", "expected sqlite:///"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    env = uvicorn_env(LINKGRAPH_DATA_DIR=str(tmp_path), **{variable: value})
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app:app", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"{variable}={value!r}" in lines[0]
    assert expected in lines[0]


async def test_one_access_line_per_request_in_json_off_a_terminal(
    origin: CorpusOrigin, tmp_path: Path
) -> None:
    # Started as plain `uvicorn app:app`, without --no-access-log: the app silences uvicorn's.
    env = origin_env(origin, tmp_path / "data")
    async with app_process(env, tmp_path / "app.log") as app:
        response = await app.client.get("/healthz", headers={"x-request-id": "one-line-check"})
        assert response.status_code == 200
        await app.client.get("/healthz")  # the line above is written before this is answered
        lines = app.log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is JSON
    about = [r for r in records if "/healthz" in r["message"] and "200" in r["message"]]
    tagged = [r for r in about if r["request_id"] == "one-line-check"]
    assert len(tagged) == 1, lines
    assert tagged[0]["logger"] == "linkgraph.access"
    # The second request's own line may still be on its way; uvicorn's line would be too.
    assert not [r for r in records if r["logger"] == "uvicorn.access"], lines
    data_dir = (tmp_path / "data").resolve()
    assert any(r["message"] == f"data directory: {data_dir}" for r in records)


def test_logs_are_readable_lines_on_a_terminal(origin: CorpusOrigin, tmp_path: Path) -> None:
    port = free_port()
    env = uvicorn_env(**origin_env(origin, tmp_path / "data"))
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(300):
                try:
                    client.get("/healthz", headers={"x-request-id": "on-a-terminal"})
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            while b"on-a-terminal" not in output:
                ready, _, _ = select.select([leader], [], [], 30)
                assert ready, output.decode(errors="replace")
                output += os.read(leader, 65536)
    finally:
        process.terminate()
        process.wait(timeout=20)
        os.close(leader)
    text = output.decode(errors="replace")
    line = next(line for line in text.splitlines() if "on-a-terminal" in line)
    assert "INFO linkgraph.access [on-a-terminal] GET /healthz 200" in line
    assert not line.lstrip().startswith("{")


# scripts/serve hands PORT to uvicorn's --port (tests/web/test_address.py reads that command
# line); it is not run here because it first runs scripts/setup on the suite's own .venv.
@pytest.mark.parametrize(
    ("command", "extra_env"),
    [
        (["linkgraph", "serve", "--port", "{port}"], {}),
        (["linkgraph", "serve"], {"PORT": "{port}"}),
    ],
)
def test_serve_commands_say_the_address_media_urls_use(
    tmp_path: Path, command: list[str], extra_env: dict[str, str]
) -> None:
    port = str(free_port())
    binary = Path(sys.executable).parent / "linkgraph"
    argv = [str(binary) if part == "linkgraph" else part.format(port=port) for part in command]
    env = uvicorn_env(
        LINKGRAPH_DATA_DIR=str(tmp_path), **{k: v.format(port=port) for k, v in extra_env.items()}
    )
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        said = ""
        for line in process.stderr:
            said += line
            if "media URLs start with" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert f"media URLs start with http://127.0.0.1:{port} (from the address served on)" in said
