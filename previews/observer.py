"""What the preview service reports about its cache, to whoever watches (the app's metrics).

A protocol here, implemented above (web/metrics.py), keeps the dependency pointing one way.
"""

from __future__ import annotations

from typing import Protocol


class CacheObserver(Protocol):
    def record_cache(self, hit: bool, n: int = 1) -> None:
        """Count `n` lookups that found a usable entry (`hit`) or did not."""
        ...
