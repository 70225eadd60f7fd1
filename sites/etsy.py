"""Etsy listings (`etsy.com/listing/<id>/…`, with or without a locale like `/in-en`).

Etsy pages carry a JSON-LD Product (name, description, the shop as `brand`, an Offer or
AggregateOffer, `aggregateRating`) and product meta (`product:price:amount`), read through
`sites.products`. The seller is the shop named by `etsymarketplace:shop` (its URL; the
username is the last path segment). A page with neither a Product nor a price is not a
listing (a removed listing's search page): None.
"""

from __future__ import annotations

import re
from typing import Final

from extraction.page import ParsedPage
from model.record import Account, EtsyProduct, LinkType
from sites.base import SiteExtract, SiteRule, match_url, one_of, url_pattern
from sites.products import read_product

HOSTS: Final = frozenset({"etsy.com", "www.etsy.com"})
LISTING_URL: Final = url_pattern(
    one_of(HOSTS) + r"(?:/[a-z]{2}(?:-[a-z]{2,4})?)?/listing/(?P<id>\d{1,15})(?:/.*)?"
)
_SHOP_URL: Final = url_pattern(
    one_of(HOSTS) + r"(?:/[a-z]{2}(?:-[a-z]{2,4})?)?/shop/(?P<shop>[A-Za-z0-9]{1,40})/?"
)


def listing_id(url: str) -> str | None:
    match = match_url(LISTING_URL, url)
    return match.group("id") if match else None


def read(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    listing = found.group("id")
    fields = read_product(page)
    if not fields.from_json_ld and fields.price is None:
        return None
    product = EtsyProduct(
        product_id=listing,
        title=fields.title,
        description=fields.description,
        brand=fields.brand,
        price=fields.price,
        currency=fields.currency,
        availability=fields.availability,
        rating=fields.rating,
        review_count=fields.review_count,
        seller=_shop(page),
        media=fields.media,
    )
    image = product.media[0].image if product.media else None
    return SiteExtract(
        details=product,
        title=product.title,
        image=image,
    )


def _shop(page: ParsedPage) -> Account | None:
    shop_url = page.resolve(page.first("etsymarketplace:shop"))
    match = match_url(_SHOP_URL, shop_url) if shop_url else None
    if match is None:
        return None
    return Account(username=match.group("shop"), url=shop_url)


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="etsy-listing",
        link_type=LinkType.ETSY_PRODUCT,
        url=LISTING_URL,
        extract=read,
    ),
)
