"""The public URL a server started without LINKGRAPH_PUBLIC_URL gives itself (web/address.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from web.address import public_url, uvicorn_address


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
