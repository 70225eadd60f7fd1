"""Hosts file first, then DNS under a timeout; every failure fails closed (row B5)."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from fetching import FetchError
from fetching.resolver import Resolver, parse_hosts, system_lookup
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.harness import FakeDns

ip = ipaddress.ip_address


def test_parses_hosts_files() -> None:
    table = parse_hosts(
        "# comment\n"
        "127.9.0.1\torigin.test  Alias.Test   # trailing comment\n"
        "::1 six.test\n"
        "127.9.0.2 origin.test\n"
        "garbage line.test\n"
        "10.0.0.1\n"
        "   \n"
    )
    assert table["origin.test"] == [ip("127.9.0.1"), ip("127.9.0.2")]
    assert table["alias.test"] == [ip("127.9.0.1")]
    assert table["six.test"] == [ip("::1")]
    assert "line.test" not in table


async def test_hosts_file_wins_over_dns(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.9.0.1 origin.test\n")
    dns = FakeDns({"origin.test": [["8.8.8.8"]], "other.test": [["8.8.4.4", "8.8.4.4"]]})
    resolver = Resolver(hosts_file=hosts, timeout=1.0, lookup=dns)
    assert await resolver.resolve("ORIGIN.test.") == [ip("127.9.0.1")]
    assert dns.calls == []
    assert await resolver.resolve("other.test") == [ip("8.8.4.4")]
    assert dns.calls == ["other.test"]


async def test_hosts_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.9.0.1 origin.test\n")
    resolver = Resolver(hosts_file=hosts, timeout=1.0, lookup=FakeDns())
    assert await resolver.resolve("origin.test") == [ip("127.9.0.1")]
    hosts.write_text("127.9.0.22 origin.test\n")
    assert await resolver.resolve("origin.test") == [ip("127.9.0.22")]


@pytest.mark.parametrize(
    "dns",
    [
        FakeDns(),  # NXDOMAIN
        FakeDns(errors={"name.test": socket.EAI_AGAIN}),  # SERVFAIL
        FakeDns({"name.test": [[]]}),  # no answer
        FakeDns({"name.test": [["not-an-address"]]}),
    ],
    ids=["nxdomain", "servfail", "empty", "garbage"],
)
async def test_lookup_failures_fail_closed(dns: FakeDns) -> None:
    resolver = Resolver(hosts_file=None, timeout=1.0, lookup=dns)
    with pytest.raises(FetchError) as caught:
        await resolver.resolve("name.test")
    assert error_code(caught.value) is ErrorCode.LINK_CONNECTION_ERROR
    assert dns.calls == ["name.test"]


async def test_slow_dns_fails_within_the_timeout() -> None:
    dns = FakeDns(delay=30)
    resolver = Resolver(hosts_file=None, timeout=0.3, lookup=dns)
    with pytest.raises(FetchError) as caught:
        await resolver.resolve("slow.test")
    assert error_code(caught.value) is ErrorCode.LINK_CONNECTION_ERROR
    assert dns.abandoned == 1, "the deadline gave up on the 30 s answer"


async def test_system_lookup_uses_getaddrinfo() -> None:
    # "localhost" comes from the machine's own hosts file: no network needed.
    answers = await system_lookup("localhost")
    assert answers
    assert all(ip(answer).is_loopback for answer in answers)
