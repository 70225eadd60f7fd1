"""Shapes several link kinds share: a post's media, an account seen from what it owns, and a
shop's product. One GraphQL type each, so a client writes one fragment for all of them."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from model import record
from schema.enums import MediaKind
from schema.images import ResponsiveImage
from schema.link_types.registry import graph_object
from schema.scalars import Count


@graph_object(record.MediaItem)
@strawberry.type(
    description="One photo, video or audio item of a post or product. For a video, `image` is "
    "its poster frame and `url` the video file itself."
)
class MediaItem:
    kind: MediaKind = strawberry.field(description="Whether this item is a photo, video or audio.")
    image: ResponsiveImage | None = strawberry.field(
        description="The photo itself, or a video's poster frame; null when the page shows none."
    )
    url: str | None = strawberry.field(
        description="Absolute URL of the video or audio file, when the page reveals it; null "
        "for photos (their URL is in `image`)."
    )
    width: int | None = strawberry.field(
        description="Width in pixels of the item as the platform states it."
    )
    height: int | None = strawberry.field(
        description="Height in pixels of the item as the platform states it."
    )
    duration: float | None = strawberry.field(
        description="Length in seconds of a video or audio item; null for photos."
    )


@graph_object(record.Account)
@strawberry.type(
    description="A platform account seen from something it owns: a repository's owner or a "
    "product's seller."
)
class Account:
    username: str = strawberry.field(
        description="The account's handle on its platform, without any @ or u/ prefix."
    )
    name: str | None = strawberry.field(description="The account's display name.")
    url: str | None = strawberry.field(description="Absolute URL of the account's page.")
    avatar: ResponsiveImage | None = strawberry.field(
        description="The account's profile picture or shop logo."
    )


@strawberry.interface(
    description="What a shop's product page says, whatever the shop. Prices are as the page "
    "writes them, in `currency`, never converted."
)
class Product:
    product_id: strawberry.ID | None = strawberry.field(
        description="The shop's own id of the product (Amazon's ASIN, Etsy's listing id)."
    )
    title: str | None = strawberry.field(description="The product's name as the shop lists it.")
    description: str | None = strawberry.field(
        description="The shop's description of the product, as plain text."
    )
    brand: str | None = strawberry.field(description="The brand or maker the page names.")
    price: Decimal | None = strawberry.field(
        description="The price in units of `currency` (12.99 is 12.99 EUR, not cents), exact "
        "as the page states it."
    )
    currency: str | None = strawberry.field(
        description="The price's currency as an ISO 4217 code (USD, EUR)."
    )
    availability: str | None = strawberry.field(
        description="Whether the product can be bought, in the page's words (schema.org's "
        "InStock, OutOfStock…)."
    )
    rating: float | None = strawberry.field(
        description="The average customer rating out of 5 stars."
    )
    review_count: Count | None = strawberry.field(
        description="How many customer reviews or ratings the rating averages."
    )
    seller: Account | None = strawberry.field(
        description="Who sells the product: the shop or marketplace seller."
    )
    media: list[MediaItem] = strawberry.field(
        description="The product's photos and videos, in the shop's order; empty when none."
    )
