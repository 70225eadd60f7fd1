"""The per-destination-host limit: pure bucket logic on an injected clock, then real sockets."""

from __future__ import annotations

import pytest

from fetching import FetchError
from fetching.host_limit import HostLimiter, HostRate, TokenBucket, host_group
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.conftest import MakeFetcher
from tests.fetching.harness import HostileOrigin, MiB


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refills_at_its_rate_up_to_its_capacity() -> None:
    bucket = TokenBucket(capacity=5, rate=2, now=0)
    assert bucket.take(5, now=0) == 0
    assert bucket.wait_for(1, now=0) == 0.5
    assert bucket.refill(now=1) == 2
    assert bucket.refill(now=100) == 5
    assert bucket.take(8, now=100) == -3  # a cost known afterwards may leave it in debt
    assert bucket.wait_for(1, now=100) == 2


def test_a_burst_passes_then_each_fetch_waits_its_turn() -> None:
    clock = Clock()
    limiter = HostLimiter(HostRate(rate=2, burst=3), clock=clock)
    assert [limiter.reserve("example.com", None) for _ in range(3)] == [0, 0, 0]
    # Waiters reserve in order: the 4th waits half a second, the 5th a whole one.
    assert limiter.reserve("example.com", None) == 0.5
    assert limiter.reserve("example.com", None) == 1.0
    assert limiter.reserve("other.org", None) == 0


def test_a_wait_past_the_deadline_fails_at_once_and_takes_nothing() -> None:
    clock = Clock()
    limiter = HostLimiter(HostRate(rate=1, burst=1), clock=clock)
    assert limiter.reserve("example.com", clock.now + 5) == 0
    with pytest.raises(FetchError) as caught:
        limiter.reserve("example.com", clock.now + 0.5)
    assert error_code(caught.value) is ErrorCode.LINK_TOOK_TOO_LONG
    clock.now += 1
    assert limiter.reserve("example.com", clock.now + 0.5) == 0  # the refusal took nothing


def test_hosts_share_a_bucket_by_registrable_domain() -> None:
    assert host_group("a.example.com") == host_group("B.Example.COM.") == "example.com"
    assert host_group("x.github.io") != host_group("y.github.io")  # a public suffix
    assert host_group("127.9.0.1") == "127.9.0.1"
    assert host_group("[::1]") == "::1"


async def test_the_fourth_quick_fetch_to_one_host_fails_and_another_host_passes(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    fetcher = make_fetcher(host_limit=HostRate(rate=0.001, burst=3))
    same = f"http://origin.test:{origin.port}/html"
    for _ in range(3):
        response = await fetcher.fetch(same, accept=["text/html"], max_bytes=MiB)
        assert response.status == 200
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(same, accept=["text/html"], max_bytes=MiB)
    assert error_code(caught.value) is ErrorCode.LINK_TOOK_TOO_LONG
    assert len(origin.seen("/html")) == 3
    other = f"http://alias.test:{origin.port}/html"
    assert (await fetcher.fetch(other, accept=["text/html"], max_bytes=MiB)).status == 200
    assert len(origin.seen("/html")) == 4


async def test_every_redirect_hop_takes_a_token(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    fetcher = make_fetcher(host_limit=HostRate(rate=0.001, burst=3))
    base = f"http://origin.test:{origin.port}"
    hop = f"{base}/redirect?to={base}/html"
    assert (await fetcher.fetch(hop, accept=["text/html"], max_bytes=MiB)).redirected
    await fetcher.fetch(f"{base}/html", accept=["text/html"], max_bytes=MiB)
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(hop, accept=["text/html"], max_bytes=MiB)
    assert error_code(caught.value) is ErrorCode.LINK_TOOK_TOO_LONG
    assert len(origin.seen("/redirect")) == 1
    assert len(origin.seen("/html")) == 2
