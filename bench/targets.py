"""Section 5: the targets of issue 7, each a ratio read off the sections above.

A target compares two figures of the same run (never a number remembered from another
machine or day), so it holds or misses for the code, not for the hardware.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.cold import ColdResult
from bench.extraction import ExtractionResult
from bench.warm import WarmResult


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    # The measured ratio, or None when its section did not run or has nothing to compare.
    ratio: float | None
    goal: float
    # True: the ratio must be at least the goal; False: at most.
    at_least: bool
    why_missing: str = "not measured"

    @property
    def met(self) -> bool | None:
        if self.ratio is None:
            return None
        return self.ratio >= self.goal if self.at_least else self.ratio <= self.goal

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return f"n/a ({self.why_missing})"
        if self.met:
            margin = self.ratio / self.goal if self.at_least else self.goal / self.ratio
            return f"PASS ({margin:.2f}× margin)"
        gap = self.goal / self.ratio if self.at_least else self.ratio / self.goal
        more = "faster" if self.at_least else "less time"
        return f"MISS (needs {gap:.2f}× {more})"


def _warm_ratio(warm: WarmResult | None, index: int) -> float | None:
    """App req/s over floor req/s; None when either answered with errors (a 429 or a failed
    query is fast, so a run with errors says nothing about speed)."""
    if warm is None or index >= len(warm.cases):
        return None
    case = warm.cases[index].label
    app, floor = warm.find("app", case).loaded, warm.find("floor", case).loaded
    if app.errors or floor.errors or not floor.rps:
        return None
    return app.rps / floor.rps


def _warm_why(warm: WarmResult | None) -> str:
    return "answers with errors" if warm is not None else "not measured"


def targets(
    warm: WarmResult | None, cold: ColdResult | None, extraction: ExtractionResult | None
) -> list[Target]:
    labels = [case.label for case in warm.cases] if warm else []
    fastest = extraction.fastest_peer if extraction else None
    peer_ratio = None
    if extraction and fastest and fastest.pages_per_second:
        peer_ratio = extraction.ours.pages_per_second / fastest.pages_per_second
    # (index of the case, what it is called when the section did not run, goal)
    warm_goals = [
        (0, "1 preview, repeated", 0.6),
        (1, "N previews, repeated", 0.2),
        (2, "1 preview, varied", 0.6),
        (3, "N previews, varied", 0.3),
    ]
    return [
        *(
            Target(
                f"warm {labels[index] if index < len(labels) else name}, req/s vs floor",
                _warm_ratio(warm, index),
                goal,
                at_least=True,
                why_missing=_warm_why(warm),
            )
            for index, name, goal in warm_goals
        ),
        Target(
            f"cold {cold.urls}-URL batch, wall vs ideal" if cold else "cold batch, wall vs ideal",
            cold.median / cold.ideal if cold else None,
            1.3,
            at_least=False,
        ),
        Target(
            "cold a site per link, wall vs ideal (pages + one sub-fetch)",
            cold.many_hosts.seconds / cold.ideal_many_hosts if cold else None,
            1.3,
            at_least=False,
        ),
        Target(
            "streamed batch, 1st preview vs fastest link + 100 ms",
            cold.first.first_item / (cold.first.fastest + 0.1) if cold else None,
            1.0,
            at_least=False,
        ),
        Target(
            f"extraction pages/s vs fastest peer{f' ({fastest.name})' if fastest else ''}",
            peer_ratio,
            3.0,
            at_least=True,
            why_missing="peers not installed" if extraction else "not measured",
        ),
    ]
