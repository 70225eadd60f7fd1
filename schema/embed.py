"""A player to show inline, as the graph gives it."""

from __future__ import annotations

import strawberry


@strawberry.type(
    description="A player a client may show inline (YouTube, Vimeo, TikTok, X, Instagram, "
    "Reddit, Spotify, SoundCloud, or any page that declares oEmbed). Only the player's own "
    "address is taken from the provider, and only on the provider's known player hosts; the "
    "iframe in `html` is written by this service."
)
class Embed:
    url: str = strawberry.field(
        description="The player's address, for an iframe's `src` (always https, always on "
        "the provider's own player host)."
    )
    html: str = strawberry.field(
        description="A ready `<iframe>` for `url`: sandboxed (scripts, same-origin, popups, "
        "presentation), a fixed `allow` list (autoplay, encrypted media, fullscreen, "
        "picture-in-picture), lazy loading, no border. Never the provider's own markup."
    )
    provider: str = strawberry.field(description="Who serves the player: YouTube, Vimeo…")
    width: int | None = strawberry.field(
        description="The player's width in pixels, as the provider suggests it."
    )
    height: int | None = strawberry.field(
        description="The player's height in pixels, as the provider suggests it."
    )
    aspect_ratio: float | None = strawberry.field(
        description="Width divided by height, to size a responsive player; null when either "
        "is unknown (an X post's player grows with its text)."
    )
