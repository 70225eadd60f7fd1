"""The recent-results memory used for icons."""

from __future__ import annotations

from media.recent import RecentResults


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_with_separate_ttls_for_failures() -> None:
    clock = Clock()
    recent: RecentResults[str] = RecentResults(ttl=100, failure_ttl=10, clock=clock)
    recent.put("ok", "icon")
    recent.put("bad", None)
    assert recent.get("ok") == (True, "icon")
    assert recent.get("bad") == (True, None)
    clock.now = 11
    assert recent.get("bad") == (False, None)
    assert recent.get("ok") == (True, "icon")
    clock.now = 101
    assert recent.get("ok") == (False, None)


def test_least_recently_used_entries_are_evicted() -> None:
    recent: RecentResults[int] = RecentResults(max_entries=2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == (True, 1)
    recent.put("c", 3)
    assert recent.get("b") == (False, None)
    assert recent.get("a") == (True, 1)
    assert recent.get("c") == (True, 3)
