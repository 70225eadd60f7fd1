"""TtlLru on a clock that moves only when the test moves it."""

from __future__ import annotations

import pytest

from common.memo import TtlLru
from tests.support.clock import FakeClock


def test_the_least_recently_used_entry_goes_first() -> None:
    memo: TtlLru[str, int] = TtlLru(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "b" is now the least recently used
    memo.put("c", 3)
    assert memo.get("b") is None
    assert (memo.get("a"), memo.get("c")) == (1, 3)
    assert len(memo) == 2


def test_a_full_memo_keeps_its_other_entries() -> None:
    """Bounded by eviction, not by starting again: one new key costs one old one."""
    memo: TtlLru[int, int] = TtlLru(100)
    for key in range(150):
        memo.put(key, key)
    assert len(memo) == 100
    assert memo.get(49) is None
    assert all(memo.get(key) == key for key in range(50, 150))


def test_entries_live_for_the_memos_lifetime() -> None:
    clock = FakeClock(start=1000.0)
    memo: TtlLru[str, str] = TtlLru(10, ttl=5, clock=clock)
    memo.put("a", "x")
    clock.advance(4.9)
    assert memo.get("a") == "x"
    clock.advance(0.1)
    assert memo.get("a") is None
    assert len(memo) == 0, "an expired entry found by a read is dropped"


def test_a_put_may_choose_its_own_lifetime() -> None:
    clock = FakeClock(start=0.0)
    memo: TtlLru[str, str | None] = TtlLru(10, ttl=100, clock=clock)
    memo.put("ok", "icon")
    memo.put("failed", None, ttl=10)
    assert memo.get("failed", "unknown") is None, "a remembered None is found"
    clock.advance(10)
    assert memo.get("failed", "unknown") == "unknown"
    assert memo.get("ok") == "icon"
    clock.advance(90)
    assert memo.get("ok", "unknown") == "unknown"


def test_without_a_lifetime_entries_stay_until_evicted() -> None:
    clock = FakeClock(start=0.0)
    memo: TtlLru[str, int] = TtlLru(1, clock=clock)
    memo.put("a", 1)
    clock.advance(10**9)
    assert memo.get("a") == 1
    memo.put("b", 2)
    assert memo.get("a") is None


def test_pop_and_an_empty_bound() -> None:
    memo: TtlLru[str, int] = TtlLru(0)
    memo.put("a", 1)
    assert memo.get("a") is None, "a memo of no entries keeps nothing"
    kept: TtlLru[str, int] = TtlLru(3)
    kept.put("a", 1)
    kept.pop("a")
    kept.pop("never")
    assert kept.get("a") is None
    with pytest.raises(ValueError, match="negative"):
        TtlLru(-1)


def test_a_weighed_memo_holds_at_most_its_bytes() -> None:
    """A count alone bounds nothing when a client picks each entry's size."""
    memo: TtlLru[str, str] = TtlLru(1000, max_bytes=100, weigh=lambda _, value: len(value))
    for index in range(10):
        memo.put(f"k{index}", "x" * 30)
    assert memo.held_bytes <= 100
    assert len(memo) == 3, "the three most recent of 30 bytes fit in 100"
    assert memo.get("k9") == "x" * 30
    assert memo.get("k6") is None


def test_a_weighed_memo_refuses_what_is_heavier_than_itself() -> None:
    memo: TtlLru[str, str] = TtlLru(10, max_bytes=100, weigh=lambda _, value: len(value))
    memo.put("small", "x")
    assert memo.put("huge", "x" * 101) is False
    assert memo.get("huge") is None
    assert memo.get("small") == "x", "one oversized entry does not flush the others"
    assert memo.held_bytes == 1


def test_replacing_or_expiring_an_entry_gives_its_bytes_back() -> None:
    clock = FakeClock()
    memo: TtlLru[str, str] = TtlLru(
        10, ttl=5, clock=clock, max_bytes=100, weigh=lambda _, value: len(value)
    )
    memo.put("a", "x" * 60)
    memo.put("a", "x" * 10)
    assert memo.held_bytes == 10
    clock.advance(6)
    assert memo.get("a") is None
    assert memo.held_bytes == 0
