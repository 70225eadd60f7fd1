"""oEmbed answers, as site rules read them.

Only the shape lives here so far; discovery, the provider list and parsing are added beside
it. A rule reads `page.oembed` after the platform's own data and before OpenGraph. `html` is
never kept (D6: `rich` markup can carry scripts); `text` is the plain text of that markup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OEmbed:
    """One oEmbed answer; every field as the provider sent it, checked for type."""

    type: str
    title: str | None = None
    author_name: str | None = None
    author_url: str | None = None
    provider_name: str | None = None
    provider_url: str | None = None
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None
    # The photo's own address, for type "photo".
    url: str | None = None
    width: int | None = None
    height: int | None = None
    # Plain text of the `html` member (a tweet's text, say), markup removed.
    text: str | None = None
