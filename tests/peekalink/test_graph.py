"""The app over Peekalink's protocol, end to end: GraphQL over HTTP → service → Peekalink
backend → the stand-in over HTTPS. Expected values are read from the scripted JSON itself."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from app import create_app
from settings import MissingSettingError, Settings
from tests.conftest import GraphClient
from tests.peekalink.conftest import CONCURRENCY, KEY, RETRIES
from tests.support.peekalink_standin import PeekalinkStandin, Reply, error_reply
from tests.support.server import serve_app

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "TIKTOK_USER.md"

SIZES = ("thumbnail", "medium", "large", "original")
IMAGE = "{ " + " ".join(f"{size} {{ url width height }}" for size in SIZES) + " }"
QUERY = f"""
query ($url: String!) {{
  preview(url: $url) {{
    __typename
    ... on LinkPreview {{
      id ok url finalUrl domain type status updatedAt size redirected title description
      requestId
      icon {{ url width height backgroundColor }}
      image {IMAGE}
    }}
    ... on TiktokUserPreview {{
      tiktokUser {{
        id username name bio url profileUrl verified visibility
        followersCount followingCount likesCount
        avatar {IMAGE}
      }}
    }}
    ... on PreviewError {{ url code message errorStatus: status }}
  }}
}}
"""
BATCH = """
query ($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { url title }
    ... on PreviewError { url code message }
  }
}
"""

# Peekalink's error codes and what each becomes here.
ERROR_CODES = {
    "LINK_INVALID_URL": (400, "LINK_INVALID_URL"),
    "LINK_MAX_REDIRECTS": (400, "LINK_MAX_REDIRECTS"),
    "LINK_REDIRECTS_TO_ITSELF": (400, "LINK_REDIRECTS_TO_ITSELF"),
    "LINK_IS_GONE": (410, "LINK_IS_GONE"),
    "LINK_CONTENT_ERROR": (400, "LINK_CONTENT_ERROR"),
    "LINK_BLOCKED": (403, "LINK_BLOCKED"),
    "LINK_CONTENT_WAS_NOT_AS_EXPECTED": (400, "LINK_CONTENT_ERROR"),
    "LINK_TOOK_TOO_LONG": (504, "LINK_TOOK_TOO_LONG"),
    "LINK_SERVER_ERROR": (500, "LINK_SERVER_ERROR"),
    "LINK_CONNECTION_ERROR": (502, "LINK_CONNECTION_ERROR"),
    "LINK_IS_NOT_SUPPORTED": (400, "LINK_IS_NOT_SUPPORTED"),
    "RATE_LIMIT_EXCEEDED": (429, "UPSTREAM_QUOTA_EXCEEDED"),
    "BURST_LIMIT_EXCEEDED": (503, "UPSTREAM_QUOTA_EXCEEDED"),
    "INVALID_API_KEY": (401, "UPSTREAM_UNAUTHORIZED"),
    "A_CODE_PEEKALINK_ADDS_LATER": (400, "LINK_SERVER_ERROR"),
}


def seed_example() -> dict[str, Any]:
    """The example response in Peekalink's TIKTOK_USER page: the JSON after the heading."""
    text = SEED.read_text()
    match = re.search(r"Example Response\s*(\{.*^\})", text, re.S | re.M)
    assert match, "the seed page has an example response"
    example: dict[str, Any] = json.loads(match.group(1))
    return example


def assert_same_image(graph: dict[str, Any], peekalink: dict[str, Any]) -> None:
    for size in SIZES:
        assert graph[size] == peekalink[size], size


def test_seed_example_comes_back_through_the_graph_field_for_field(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    example = seed_example()
    url = example["url"]
    standin.script(url, Reply(body=example))

    response = peekalink_graph.http.post(
        "/graphql", json={"query": QUERY, "variables": {"url": url}}
    )
    assert response.status_code == 200, response.text
    preview = response.json()["data"]["preview"]

    assert preview["__typename"] == "TiktokUserPreview"
    for name in ("ok", "url", "domain", "type", "status", "size", "redirected"):
        assert preview[name] == example[name], name
    for name in ("title", "description"):
        assert preview[name] == example[name], name
    assert preview["finalUrl"] == example["url"]
    assert datetime.fromisoformat(preview["updatedAt"]) == datetime.fromisoformat(
        example["updatedAt"]
    )
    assert preview["icon"] == example["icon"]
    assert_same_image(preview["image"], example["image"])
    # Peekalink's id (489) and requestId are its own: ours are the URL's id and our request's.
    assert preview["id"] != str(example["id"])
    assert preview["id"]
    assert preview["requestId"] == response.headers["x-request-id"]
    assert preview["requestId"] != example["requestId"]

    user, expected = preview["tiktokUser"], example["tiktokUser"]
    for name in ("username", "verified", "name", "bio", "url", "visibility"):
        assert user[name] == expected[name], name
    for name in ("followersCount", "followingCount", "likesCount"):
        assert type(user[name]) is int, name
        assert user[name] == expected[name], name
    assert_same_image(user["avatar"], expected["avatar"])
    # Peekalink's tiktokUser.id is its own row number, not TikTok's id: not reported.
    assert user["id"] is None
    assert user["profileUrl"] == f"https://www.tiktok.com/@{expected['username']}"
    # The count past 2^31 travels as an exact JSON number, not a string or a float.
    assert re.search(rf'"likesCount":\s*{expected["likesCount"]}[,}}]', response.text)
    [call] = standin.calls_for(url)
    assert call.authorized


def test_every_peekalink_error_code_comes_back_as_a_preview_error(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    urls = {code: f"https://example.com/errors/{code.lower()}" for code in ERROR_CODES}
    for code, url in urls.items():
        standin.script(url, error_reply(code, ERROR_CODES[code][0], **{"Retry-After": "0"}))

    results = peekalink_graph.query(BATCH, urls=list(urls.values()))["previews"]

    for (code, url), result in zip(urls.items(), results, strict=True):
        assert result["__typename"] == "PreviewError", code
        assert result["url"] == url
        assert result["code"] == ERROR_CODES[code][1], code
        assert KEY not in result["message"]


def test_a_429_is_retried_after_retry_after(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    url = "https://example.com/busy-once"
    later = {**seed_example(), "url": url, "title": "After the wait"}
    standin.script(
        url, error_reply("RATE_LIMIT_EXCEEDED", 429, **{"Retry-After": "1"}), Reply(body=later)
    )

    preview = peekalink_graph.query(QUERY, url=url)["preview"]

    assert preview["title"] == later["title"]
    first, second = standin.calls_for(url)
    assert second.started - first.finished >= 1.0


def test_persistent_429_is_quota_exceeded_and_not_cached(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    url = "https://example.com/always-busy"
    standin.script(url, error_reply("RATE_LIMIT_EXCEEDED", 429, **{"Retry-After": "0"}))

    first = peekalink_graph.query(QUERY, url=url)["preview"]
    assert first["code"] == "UPSTREAM_QUOTA_EXCEEDED"
    assert "quota" in first["message"]
    assert len(standin.calls_for(url)) == RETRIES + 1

    second = peekalink_graph.query(QUERY, url=url)["preview"]
    assert second["code"] == "UPSTREAM_QUOTA_EXCEEDED"
    assert len(standin.calls_for(url)) == 2 * (RETRIES + 1), "an upstream failure was cached"


def test_a_refused_key_is_upstream_unauthorized(
    peekalink_settings: Settings, standin: PeekalinkStandin
) -> None:
    wrong = "pk-wrong-key-not-for-clients"
    settings = peekalink_settings.model_copy(update={"peekalink_api_key": SecretStr(wrong)})
    url = "https://example.com/any"
    with serve_app(settings) as app_url:
        client = GraphClient(app_url)
        preview = client.query(QUERY, url=url)["preview"]
        client.http.close()

    assert preview["code"] == "UPSTREAM_UNAUTHORIZED"
    assert "key" in preview["message"]
    assert wrong not in preview["message"]
    [call] = standin.calls_for(url)
    assert not call.authorized


def test_calls_in_flight_never_pass_the_cap(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    standin.hold = 0.2
    urls = [f"https://example.com/many/{n}" for n in range(30)]

    results = peekalink_graph.query(BATCH, urls=urls)["previews"]

    assert [result["url"] for result in results] == urls
    assert all(result["__typename"] == "PagePreview" for result in results)
    assert len(standin.calls) == len(urls)
    assert 1 <= standin.max_in_flight <= CONCURRENCY


def test_a_cached_answer_makes_no_second_call(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    url = "https://example.com/cached"
    first = peekalink_graph.query(QUERY, url=url)["preview"]
    second = peekalink_graph.query(QUERY, url=url)["preview"]
    assert first["title"]
    assert second["title"] == first["title"]
    assert len(standin.calls_for(url)) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b"<html>Bad gateway</html>"),
        Reply(status=500, body=b"<html>oops</html>"),
        Reply(body=b'{"ok": true, "type": "PAGE", "title": "' + b"x" * (3 * 1024 * 1024) + b'"}'),
        Reply(body=b"[1, 2, 3]"),
        Reply(body=b"[" * 100_000),
    ],
    ids=["html", "500-html", "oversized", "not-an-object", "deeply-nested"],
)
def test_a_garbage_answer_is_upstream_unavailable_and_not_cached(
    peekalink_graph: GraphClient, standin: PeekalinkStandin, reply: Reply
) -> None:
    url = "https://example.com/garbage"
    standin.script(url, reply)
    for _ in range(2):
        preview = peekalink_graph.query(QUERY, url=url)["preview"]
        assert preview["code"] == "UPSTREAM_UNAVAILABLE"
    assert len(standin.calls_for(url)) == 2


def test_an_unreachable_api_is_upstream_unavailable(peekalink_settings: Settings) -> None:
    settings = peekalink_settings.model_copy(update={"peekalink_url": "https://127.0.0.1:9/"})
    with serve_app(settings) as app_url:
        client = GraphClient(app_url)
        preview = client.query(QUERY, url="https://example.com/unreachable")["preview"]
        client.http.close()
    assert preview["code"] == "UPSTREAM_UNAVAILABLE"


def test_a_missing_api_key_stops_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A settings object copied without validation is refused by the app itself.
    unchecked = Settings(data_dir=tmp_path).model_copy(update={"backend": "peekalink"})
    with pytest.raises(MissingSettingError, match="LINKGRAPH_PEEKALINK_API_KEY"):
        create_app(unchecked)
    monkeypatch.setenv("LINKGRAPH_BACKEND", "peekalink")
    monkeypatch.delenv("LINKGRAPH_PEEKALINK_API_KEY", raising=False)
    with pytest.raises(ValueError, match="LINKGRAPH_PEEKALINK_API_KEY"):
        Settings(data_dir=tmp_path)
    with pytest.raises(ValueError, match="LINKGRAPH_PEEKALINK_API_KEY"):
        create_app()


def test_a_github_repository_comes_back_through_the_graph(
    peekalink_graph: GraphClient, standin: PeekalinkStandin
) -> None:
    url = "https://github.com/encode/httpx"
    repo: dict[str, Any] = {
        "name": "encode/httpx",
        "description": "A next generation HTTP client for Python.",
        "owner": {"username": "encode"},
        "starsCount": 3_000_000_000,
        "forksCount": 850,
        "languages": [{"name": "Python", "percentage": 99.5}],
        "topics": ["http", "python"],
        "lastCommitDate": "2025-01-01T00:00:00Z",
    }
    standin.script(
        url,
        Reply(
            body={
                "ok": True,
                "url": url,
                "domain": "github.com",
                "type": "GITHUB_REPOSITORY",
                "status": 200,
                "updatedAt": "2025-01-02T00:00:00Z",
                "title": repo["name"],
                "githubRepository": repo,
            }
        ),
    )
    document = """
    query ($url: String!) {
      preview(url: $url) {
        __typename
        ... on GithubRepositoryPreview {
          type title
          githubRepository {
            name description owner { username } starsCount forksCount
            languages { name percentage } topics lastCommitDate
          }
        }
      }
    }
    """
    preview = peekalink_graph.query(document, url=url)["preview"]
    assert preview["__typename"] == "GithubRepositoryPreview"
    got = preview["githubRepository"]
    for name in ("name", "description", "owner", "starsCount", "forksCount", "languages", "topics"):
        assert got[name] == repo[name], name
    assert datetime.fromisoformat(got["lastCommitDate"]) == datetime.fromisoformat(
        repo["lastCommitDate"]
    )
