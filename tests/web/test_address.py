"""The public URL a server started without LINKGRAPH_PUBLIC_URL gives itself (web/address.py)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from app import create_app
from settings import Settings
from tests.support.server import serve
from web.address import _outward_address, public_url, self_addresses, uvicorn_address


@pytest.mark.parametrize(
    ("argv", "address"),
    [
        (["/venv/bin/uvicorn", "app:app", "--port", "9000"], ("127.0.0.1", 9000)),
        (["/venv/bin/uvicorn", "app:app", "--host", "10.1.2.3", "--port=8002"], ("10.1.2.3", 8002)),
        (["/lib/uvicorn/__main__.py", "app:app"], ("127.0.0.1", 8000)),
        (["/venv/bin/uvicorn", "app:app", "--uds", "/run/app.sock"], None),
        (["/venv/bin/gunicorn", "app:app", "--bind", "0.0.0.0:9000"], None),
    ],
)
def test_uvicorn_address_is_read_from_its_command_line(
    argv: list[str], address: tuple[str, int] | None
) -> None:
    assert uvicorn_address(argv) == address


def test_uvicorn_port_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UVICORN_PORT", "9100")
    assert uvicorn_address(["/venv/bin/uvicorn", "app:app"]) == ("127.0.0.1", 9100)


def test_a_wildcard_bind_is_named_by_an_address_other_machines_can_use() -> None:
    url = urlsplit(public_url(("0.0.0.0", 8002)))
    assert url.port == 8002
    assert url.hostname not in ("0.0.0.0", "::", "")


def test_hosts_are_written_as_urls_need_them() -> None:
    assert public_url(("127.0.0.1", 8002)) == "http://127.0.0.1:8002"
    assert public_url(("::1", 8002)) == "http://[::1]:8002"
    assert public_url(("example.test", 80)) == "http://example.test:80"


def test_a_wildcard_bind_is_refused_on_loopback_and_the_machines_own_addresses() -> None:
    found = self_addresses(("0.0.0.0", 8123), "https://linkgraph.invalid")
    assert (ipaddress.ip_network("127.0.0.0/8"), 8123) in found
    assert (ipaddress.ip_network("::1/128"), 8123) in found
    outward = ipaddress.ip_network(_outward_address())
    assert (outward, 8123) in found


def test_the_public_urls_resolved_addresses_are_refused() -> None:
    found = self_addresses(None, "http://localhost:9321")
    assert (ipaddress.ip_network("127.0.0.1/32"), 9321) in found
    assert all(port == 9321 for _, port in found)
    assert self_addresses(None, "https://[::1]") == ((ipaddress.ip_network("::1/128"), 443),)


def test_a_link_to_the_servers_own_address_is_blocked_over_http(
    settings: Settings,
) -> None:
    """The instance's address, allowed by LINKGRAPH_ALLOW_NETWORKS, under a public URL that
    names it otherwise: its /metrics was fetched when only names were compared."""

    def build(base_url: str) -> FastAPI:
        port = urlsplit(base_url).port
        return create_app(
            settings.model_copy(
                update={
                    "public_url": f"http://localhost:{port}",
                    "allow_networks": (*settings.allow_networks, "127.0.0.1/32"),
                }
            )
        )

    with serve(build) as (base_url, _), httpx.Client(base_url=base_url, timeout=30) as http:
        query = "query ($url: String!) { preview(url: $url) { ... on PreviewError { code } } }"
        answer = http.post(
            "/graphql", json={"query": query, "variables": {"url": f"{base_url}/metrics"}}
        )
    assert answer.json()["data"]["preview"] == {"code": "LINK_BLOCKED"}
