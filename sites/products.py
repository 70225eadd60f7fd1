"""What Amazon and Etsy product pages share: schema.org Product data and product meta.

Sources, most exact first: the JSON-LD `Product` (name, description, brand, sku, images,
`offers` as an Offer, a list of them or an AggregateOffer, and `aggregateRating`); then the
product meta (`product:price:amount`/`og:price:amount` with their `:currency`,
`product:availability`, and `twitter:data1` when `twitter:label1` says it is the price);
then og:title/og:image. An AggregateOffer's `lowPrice` is taken as the price: it is the
"from" price the page shows first. A price is a Decimal exactly as written ("52.00"); a
price with a decimal comma or a currency symbol in an ambiguous place is None.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import Account, MediaItem, MediaKind
from sites.values import as_list, page_image, whole_number

_PRICE: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,15}(?:\.\d+)?")
_CURRENCY: Final = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class ProductFields:
    """The common product fields; each shop wraps them in its own record."""

    title: str | None = None
    description: str | None = None
    brand: str | None = None
    sku: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    availability: str | None = None
    rating: float | None = None
    review_count: int | None = None
    seller: Account | None = None
    media: tuple[MediaItem, ...] = ()
    from_json_ld: bool = False


def read_product(page: ParsedPage) -> ProductFields:
    """The product the page describes, from JSON-LD first and meta second."""
    product = next((obj for obj in page.json_ld if "Product" in types_of(obj)), None)
    meta_price = price_value(page.first("product:price:amount", "og:price:amount"))
    meta_currency = currency_code(page.first("product:price:currency", "og:price:currency"))
    if meta_price is None and (page.first("twitter:label1") or "").strip().lower() == "price":
        data = page.first("twitter:data1") or ""
        amount = _PRICE.search(data)
        meta_price = price_value(amount.group(0)) if amount else None
        found = _CURRENCY.search(data)
        meta_currency = meta_currency or (found.group(0) if found else None)
    og_image = page_image(
        page, page.first("og:image"), page.first("og:image:width"), page.first("og:image:height")
    )
    og_media = (MediaItem(kind=MediaKind.IMAGE, image=og_image),) if og_image else ()
    if product is None:
        return ProductFields(
            title=page.first("og:title"),
            description=page.first("og:description"),
            price=meta_price,
            currency=meta_currency if meta_price is not None else None,
            availability=_availability(page.first("product:availability", "og:availability")),
            media=og_media,
        )
    offer = _first_offer(product.get("offers"))
    price = None
    currency = None
    availability = None
    if offer is not None:
        price = price_value(offer.get("price")) or price_value(offer.get("lowPrice"))
        currency = currency_code(offer.get("priceCurrency"))
        availability = _availability(offer.get("availability"))
    rating = product.get("aggregateRating")
    rating = rating if isinstance(rating, dict) else {}
    images = tuple(
        MediaItem(kind=MediaKind.IMAGE, image=image)
        for value in as_list(product.get("image"))
        if (image := page_image(page, _url_of(value))) is not None
    )
    description = first_text(product, "description")
    return ProductFields(
        title=first_text(product, "name") or page.first("og:title"),
        description=html.unescape(description).strip() if description else None,
        brand=_brand(product.get("brand")),
        sku=first_text(product, "sku", "productID"),
        price=price if price is not None else meta_price,
        currency=currency if price is not None else meta_currency,
        availability=availability,
        rating=_rating(rating.get("ratingValue")),
        review_count=whole_number(rating.get("reviewCount"))
        or whole_number(rating.get("ratingCount")),
        media=images or og_media,
        from_json_ld=True,
    )


def price_value(value: object) -> Decimal | None:
    """A non-negative price: a JSON number, or text like "52.00" or "1,299.99"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _PRICE.fullmatch(text):
            return None
        text = text.replace(",", "")
    else:
        return None
    try:
        price = Decimal(text)
    except InvalidOperation:
        return None
    return price if price.is_finite() and price >= 0 else None


def currency_code(value: object) -> str | None:
    code = value.strip().upper() if isinstance(value, str) else ""
    return code if _CURRENCY.fullmatch(code) else None


def _first_offer(offers: object) -> dict[str, Any] | None:
    return next((offer for offer in as_list(offers) if isinstance(offer, dict)), None)


def _availability(value: object) -> str | None:
    """schema.org's word ("InStock"), whether the page writes it as a URL or bare."""
    if not isinstance(value, str) or not value.strip():
        return None
    word = value.strip().rstrip("/").rsplit("/", 1)[-1]
    return word if re.fullmatch(r"[A-Za-z ]{2,40}", word) else None


def _brand(value: object) -> str | None:
    if isinstance(value, dict):
        return first_text(value, "name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _rating(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        rating = float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None
    return rating if rating is not None and 0 <= rating <= 100 else None


def _url_of(value: object) -> str | None:
    if isinstance(value, dict):
        return first_url({"v": value}, "v")
    return value if isinstance(value, str) else None
