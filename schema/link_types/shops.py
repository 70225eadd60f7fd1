"""The shops' typed objects: an Amazon product and an Etsy listing, both a Product."""

from __future__ import annotations

import strawberry

from model import record
from schema.link_types.registry import link_kind
from schema.link_types.shared import Product


@link_kind(
    record.AmazonProduct,
    key="amazon_product",
    preview="A preview of an Amazon product page (type AMAZON_PRODUCT).",
    field="The product.",
)
@strawberry.type(description="A product on an Amazon store; `productId` is its ASIN.")
class AmazonProduct(Product):
    pass


@link_kind(
    record.EtsyProduct,
    key="etsy_product",
    preview="A preview of an Etsy listing (type ETSY_PRODUCT).",
    field="The listing.",
)
@strawberry.type(description="An Etsy listing; `productId` is the listing id.")
class EtsyProduct(Product):
    pass
