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
from sites.base import SiteExtract, SiteRule, match_url, url_pattern
from sites.products import read_product

PRODUCT_URL: Final = url_pattern(
    r"(?:(?:www|smile|m)\.)?amazon\.(?:com|co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2})"
    r"(?:/[^/?]+)?/(?:dp|gp/product|gp/aw/d)/(?P<asin>[A-Z0-9]{10})(?:/.*)?",
)
_TITLE_SUFFIX: Final = re.compile(r"\s*(?::\s*Amazon\.[a-z.]+(?::.*)?|@ Amazon\.[a-z.]+\.?)$")


def product_asin(url: str) -> str | None:
    """The ASIN in an Amazon product URL, or None."""
    match = match_url(PRODUCT_URL, url)
    return match.group("asin") if match else None


def read(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    asin = found.group("asin")
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
        url=PRODUCT_URL,
        extract=read,
    ),
)
