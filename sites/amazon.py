"""Amazon product pages (`amazon.<tld>/dp/<ASIN>`, `/gp/product/<ASIN>`, `/<slug>/dp/<ASIN>`).

Amazon's price, rating and images sit in body markup and scripts without ids, which
ParsedPage does not keep; what a page exposes is read through `sites.products` (JSON-LD
Product, product meta) and otherwise the `<title>` ("Name: Author: … : Amazon.com: Books" or
"… @ Amazon.com."), cut before the store's name. The page is confirmed as a product page by
a JSON-LD Product, product meta or a canonical link to a `/dp/<ASIN>` address; the ASIN is the
canonical one when there is one (the page says which product it shows), else the URL's.
"""

from __future__ import annotations

import re
from typing import Final

from extraction.page import ParsedPage
from model.record import AmazonProduct, LinkType
from sites.base import SiteExtract, SiteRule
from sites.products import read_product
from sites.values import url_host_path

_HOST: Final = re.compile(
    r"(?:(?:www|smile|m)\.)?amazon\.(?:com|co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2})"
)
_PRODUCT_PATH: Final = re.compile(
    r"(?:/[^/]+)?/(?:dp|gp/product|gp/aw/d)/(?P<asin>[A-Z0-9]{10})(?:[/?].*)?", re.DOTALL
)
_TITLE_SUFFIX: Final = re.compile(r"\s*(?::\s*Amazon\.[a-z.]+(?::.*)?|@ Amazon\.[a-z.]+\.?)$")


def product_asin(url: str) -> str | None:
    """The ASIN in an Amazon product URL, or None."""
    parts = url_host_path(url)
    if parts is None or not _HOST.fullmatch(parts[0]):
        return None
    match = _PRODUCT_PATH.fullmatch(parts[1])
    return match.group("asin") if match else None


def matches_product(url: str) -> bool:
    return product_asin(url) is not None


def read(url: str, page: ParsedPage) -> SiteExtract | None:
    asin = product_asin(url)
    if asin is None:
        return None
    canonical = next((link.href for link in page.links if "canonical" in link.rel), None)
    canonical_asin = product_asin(canonical) if canonical else None
    fields = read_product(page)
    if not (fields.from_json_ld or fields.price is not None or canonical_asin):
        return None
    title = fields.title or _store_title(page.first("title") or page.title)
    product = AmazonProduct(
        product_id=canonical_asin or asin,
        title=title,
        description=fields.description or page.first("description"),
        brand=fields.brand,
        price=fields.price,
        currency=fields.currency,
        availability=fields.availability,
        rating=fields.rating,
        review_count=fields.review_count,
        media=fields.media,
    )
    image = product.media[0].image if product.media else None
    return SiteExtract(
        link_type=LinkType.AMAZON_PRODUCT,
        details=product,
        title=title,
        description=product.description,
        image=image,
    )


def _store_title(title: str | None) -> str | None:
    if not title:
        return None
    return _TITLE_SUFFIX.sub("", title.strip()).strip() or None


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="amazon-product",
        link_type=LinkType.AMAZON_PRODUCT,
        matches=matches_product,
        extract=read,
    ),
)
