"""The pure parts of the guards: key parsing and matching, request cost, bucket headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolvers.cost import RequestCost
from web.keys import ApiKeys, key_id, read_keys
from web.rate_limit import Budget, MemoryBuckets, limit_headers


def test_keys_come_from_the_setting_and_the_file_without_comments(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# comment\n  beta  \n\ngamma # note\nalpha\n")
    assert read_keys(["alpha", " ", "delta"], path) == ("alpha", "delta", "beta", "gamma")
    assert read_keys([], None) == ()
    with pytest.raises(FileNotFoundError):
        read_keys([], tmp_path / "missing")


def test_a_key_is_named_by_a_digest_never_by_itself() -> None:
    keys = ApiKeys(["alpha", "beta"])
    assert keys.required
    assert keys.identify(b"Bearer beta") == key_id(b"beta") != key_id(b"alpha")
    assert keys.identify(b"bearer  alpha ") == key_id(b"alpha")
    assert "alpha" not in key_id(b"alpha")
    for header in (None, b"", b"Bearer", b"Bearer ", b"Basic alpha", b"alpha", b"Bearer alph"):
        assert keys.identify(header) is None
    assert not ApiKeys([]).required


def test_uncached_links_cost_more_and_every_request_costs_something() -> None:
    assert RequestCost().points(fetch_cost=10, hit_cost=1) == 1
    assert RequestCost(hits=3, fetches=2).points(fetch_cost=10, hit_cost=1) == 23
    assert RequestCost(hits=3).points(fetch_cost=10, hit_cost=0) == 1


async def test_buckets_are_per_client_and_headers_say_when_they_are_full() -> None:
    now = [0.0]
    buckets = MemoryBuckets(Budget(capacity=100, refill=10), clock=lambda: now[0])
    assert await buckets.take("key:a", 130) == -30
    assert await buckets.take("key:b", 0) == 100
    now[0] = 2.0
    assert await buckets.take("key:a", 0) == -10
    assert dict(limit_headers(buckets.budget, -10)) == {
        b"ratelimit-limit": b"100",
        b"ratelimit-remaining": b"0",
        b"ratelimit-reset": b"11",
    }
    assert dict(limit_headers(buckets.budget, 42.7))[b"ratelimit-remaining"] == b"42"


async def test_admission_takes_a_point_only_when_one_is_left() -> None:
    now = [0.0]
    buckets = MemoryBuckets(Budget(capacity=2, refill=0.5), clock=lambda: now[0])
    assert await buckets.admit("key:a") == (True, 1)
    assert await buckets.admit("key:a") == (True, 0)
    # Refused: nothing is taken, so the level stays where refill left it.
    assert await buckets.admit("key:a") == (False, 0)
    now[0] = 1.0
    assert await buckets.admit("key:a") == (False, 0.5)
    assert await buckets.take("key:a", 0) == 0.5
    now[0] = 2.0
    assert await buckets.admit("key:a") == (True, 0)
