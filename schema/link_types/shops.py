"""The shops' typed objects: an Amazon product and an Etsy listing, both a Product."""

from __future__ import annotations

import strawberry

from schema.link_types.shared import Product


@strawberry.type(description="A product on an Amazon store; `productId` is its ASIN.")
class AmazonProduct(Product):
    pass


@strawberry.type(description="An Etsy listing; `productId` is the listing id.")
class EtsyProduct(Product):
    pass
