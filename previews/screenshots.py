"""When a preview needs its page's screenshot: the rules the backend and the service share.

A screenshot starts a browser, so it is taken only for operations that select it (or select
the image of a page that has none), only for web pages of no richer kind, and only once per
fetch of the page: a page that could not be drawn is not tried again until its preview is
fetched again. A preview that had a screenshot keeps one when it is refreshed.
"""

from __future__ import annotations

from model.record import LinkType, Outcome, Preview, Shoot


def needs_screenshot(outcome: Outcome, shoot: Shoot) -> bool:
    """Whether `outcome` lacks the screenshot `shoot` asks for."""
    if shoot is Shoot.NEVER or not isinstance(outcome, Preview):
        return False
    if outcome.type is not LinkType.PAGE or outcome.screenshot_tried:
        return False
    return shoot is Shoot.ALWAYS or outcome.image is None


def refresh_shoot(outcome: Outcome) -> Shoot:
    """What a refresh of `outcome` asks for: a screenshot again if it had one tried."""
    if isinstance(outcome, Preview) and outcome.screenshot_tried:
        return Shoot.ALWAYS
    return Shoot.NEVER
