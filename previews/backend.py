"""The backend contract: one normalised URL in, one outcome out.

The direct backend fetches pages itself; the Peekalink backend asks Peekalink's API. Both
answer with the same canonical record, so everything above them is the same.
"""

from __future__ import annotations

from typing import Protocol

from model.record import Outcome, Shoot


class Backend(Protocol):
    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        """The preview of `url` (normalised) as a reader of `language` (a BCP 47 tag, or None
        for no preference) would see it, or a Failure; never raises for a bad link. `shoot`
        says whether the page's screenshot is wanted (previews/screenshots.py); a backend
        that cannot take one ignores it (the service marks it tried)."""
        ...

    async def aclose(self) -> None: ...
