"""Images as clients draw them: a size ladder of stored renditions, and the site's icon."""

from __future__ import annotations

import strawberry


@strawberry.type(description="One rendition of an image.")
class Image:
    url: str = strawberry.field(description="Absolute URL of this rendition.")
    width: int | None = strawberry.field(
        description="Width in pixels of what `url` serves; null when it is not known."
    )
    height: int | None = strawberry.field(
        description="Height in pixels of what `url` serves; null when it is not known."
    )


@strawberry.type(
    description="An image in sizes ready to draw: pick the smallest one at least as wide as "
    "the place it goes. Renditions are never upscaled, so small sources repeat their size."
)
class ResponsiveImage:
    thumbnail: Image = strawberry.field(description="At most 320 pixels wide.")
    medium: Image = strawberry.field(description="At most 640 pixels wide.")
    large: Image = strawberry.field(description="At most 1280 pixels wide.")
    original: Image = strawberry.field(description="The image at its own size.")
    source_url: str = strawberry.field(
        description="Where the image was found: the page's or platform's own URL for it, "
        "which may be signed and expire."
    )
    srcset: str | None = strawberry.field(
        description="The renditions as an `<img srcset>` value (`URL 320w, URL 640w, ...`); "
        "null when their widths are not known."
    )
    placeholder: str | None = strawberry.field(
        description="A tiny blurred rendition as a `data:` URI, to paint while the image "
        "loads; needs no client library."
    )
    dominant_color: str | None = strawberry.field(
        description="The image's dominant colour as #RRGGBB, for a background before it loads."
    )


@strawberry.type(description="The site's icon (favicon, touch icon or manifest icon).")
class Icon:
    url: str = strawberry.field(description="Absolute URL of the icon.")
    width: int | None = strawberry.field(description="Width in pixels, when known.")
    height: int | None = strawberry.field(description="Height in pixels, when known.")
    background_color: str | None = strawberry.field(
        description="#RRGGBB to draw behind a transparent icon so that it reads; null for "
        "opaque icons or when unknown."
    )
