"""The Amazon and Etsy product rules on real saved shop pages and on small pages."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest

from extraction.page import ParsedPage, parse_page
from model.record import AmazonProduct, EtsyProduct, LinkType
from sites import amazon, etsy
from sites.products import price_value
from tests.sites.corpus_pages import corpus
from tests.sites.rules import read_rule, rule_matches


def amazon_product(url: str, page: ParsedPage) -> AmazonProduct:
    extract = read_rule("amazon-product", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.AMAZON_PRODUCT
    assert isinstance(extract.details, AmazonProduct)
    return extract.details


def etsy_product(url: str, page: ParsedPage) -> EtsyProduct:
    extract = read_rule("etsy-listing", url, page)
    assert extract is not None
    assert extract.link_type is LinkType.ETSY_PRODUCT
    assert isinstance(extract.details, EtsyProduct)
    return extract.details


@pytest.mark.parametrize(
    ("url", "asin"),
    [
        ("https://www.amazon.com/dp/B00AYQNR46", "B00AYQNR46"),
        ("https://amazon.co.uk/gp/product/B0011UCPM4/ref=x?tag=y", "B0011UCPM4"),
        ("https://www.amazon.com.br/Some-Book/dp/193435659X/", "193435659X"),
        ("https://smile.amazon.de/dp/B00AYQNR46?th=1", "B00AYQNR46"),
        ("https://www.amazon.com/", None),
        ("https://www.amazon.com/s?k=book", None),
        ("https://www.amazon.com/dp/short", None),
        ("https://amazon.com.evil.example/dp/B00AYQNR46", None),
        ("https://evil.example/amazon.com/dp/B00AYQNR46", None),
        ("https://notamazon.com/dp/B00AYQNR46", None),
    ],
)
def test_amazon_urls(url: str, asin: str | None) -> None:
    assert amazon.product_asin(url) == asin
    assert rule_matches("amazon-product", url) is (asin is not None)


@pytest.mark.parametrize(
    ("url", "listing"),
    [
        ("https://www.etsy.com/listing/87673424/personalized-word-pillow", "87673424"),
        ("https://www.etsy.com/in-en/listing/87673424/slug?ref=x", "87673424"),
        ("https://etsy.com/listing/87673424", "87673424"),
        ("https://www.etsy.com/shop/RocailStudio", None),
        ("https://www.etsy.com/listing/abc", None),
        ("https://etsy.com.evil.example/listing/87673424", None),
        ("https://www.etsy.co/listing/87673424", None),
    ],
)
def test_etsy_urls(url: str, listing: str | None) -> None:
    assert etsy.listing_id(url) == listing
    assert rule_matches("etsy-listing", url) is (listing is not None)


def test_etsy_listing_from_json_ld() -> None:
    url, page, head = corpus("onebox/etsy.response")
    (data,) = [obj for obj in head.json_ld if obj.get("@type") == "Product"]
    product = etsy_product(url, page)
    assert product.product_id == etsy.listing_id(url)
    assert product.title == data["name"]
    assert product.description == html.unescape(data["description"]).strip()
    assert product.brand == data["brand"]
    offers = data["offers"]
    assert product.price == Decimal(offers["lowPrice"])
    assert product.currency == offers["priceCurrency"]
    assert product.availability == offers["availability"].rsplit("/", 1)[-1]
    assert product.rating == data["aggregateRating"]["ratingValue"]
    assert product.review_count == data["aggregateRating"]["reviewCount"]
    assert product.seller is not None
    assert product.seller.url == head.meta["etsymarketplace:shop"]
    assert head.meta["etsymarketplace:shop"].endswith(f"/{product.seller.username}")
    assert product.media[0].image is not None
    assert product.media[0].image.source_url == data["image"]


@pytest.mark.parametrize(
    "name", ["metascraper-amazon/fixtures/amazon-com/product-url.html", "onebox/amazon.response"]
)
def test_amazon_page_without_structured_data(name: str) -> None:
    url, page, head = corpus(name)
    canonical = next(link.href for link in page.links if "canonical" in link.rel)
    product = amazon_product(url, page)
    assert product.product_id == re.search(r"/dp/(\w{10})", canonical).group(1)  # type: ignore[union-attr]
    assert product.title is not None
    assert head.title.startswith(product.title)
    assert "Amazon.com" not in product.title
    assert product.description == head.meta["description"]
    # Price and rating are only in body markup: not revealed to the rule, so None.
    assert product.price is None
    assert product.rating is None


AMAZON_URL = "https://www.amazon.com/dp/B00AYQNR46"
ETSY_URL = "https://www.etsy.com/listing/123/thing"


def small(head: str, url: str) -> ParsedPage:
    return parse_page(f"<html><head>{head}</head><body></body></html>".encode(), url=url)


def test_open_graph_price_only() -> None:
    page = small(
        '<meta property="og:title" content="A mug">'
        '<meta property="og:image" content="https://i.etsystatic.com/mug.jpg">'
        '<meta property="og:price:amount" content="1,299.50">'
        '<meta property="og:price:currency" content="usd">',
        ETSY_URL,
    )
    product = etsy_product(ETSY_URL, page)
    assert product.title == "A mug"
    assert product.price == Decimal("1299.50")
    assert product.currency == "USD"
    assert product.media[0].image is not None


def test_twitter_data_price() -> None:
    page = small(
        '<meta name="twitter:label1" content="Price">'
        '<meta name="twitter:data1" content="19.99 EUR">'
        '<link rel="canonical" href="https://www.amazon.com/x/dp/B00AYQNR46">',
        AMAZON_URL,
    )
    product = amazon_product(AMAZON_URL, page)
    assert product.price == Decimal("19.99")
    assert product.currency == "EUR"


def test_json_ld_offer_list_and_brand_object() -> None:
    data = {
        "@type": "Product",
        "name": "Kettle",
        "brand": {"@type": "Brand", "name": "Acme"},
        "image": [{"url": "https://m.media-amazon.com/k.jpg"}, "https://m.media-amazon.com/k2.jpg"],
        "offers": [{"@type": "Offer", "price": 24.5, "priceCurrency": "GBP"}],
        "aggregateRating": {"ratingValue": "4.5", "ratingCount": "10"},
    }
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>', AMAZON_URL)
    product = amazon_product(AMAZON_URL, page)
    assert (product.title, product.brand) == ("Kettle", "Acme")
    assert product.price == Decimal("24.5")
    assert product.currency == "GBP"
    assert product.rating == 4.5
    assert product.review_count == 10
    assert len(product.media) == 2


@pytest.mark.parametrize(
    "data",
    [
        {"@type": "Product", "offers": "cheap", "aggregateRating": 5, "brand": 3, "image": 4},
        {"@type": "Product", "offers": {"price": "ten", "priceCurrency": "dollars"}},
        {"@type": "Product", "offers": {"price": -3}, "aggregateRating": {"ratingValue": "x"}},
        {"@type": "Product", "offers": [None, True], "aggregateRating": {"ratingValue": True}},
    ],
)
def test_odd_json_ld_gives_none_fields(data: dict[str, Any]) -> None:
    page = small(f'<script type="application/ld+json">{json.dumps(data)}</script>', ETSY_URL)
    product = etsy_product(ETSY_URL, page)
    assert product.price is None
    assert product.currency is None
    assert product.rating is None
    assert product.brand is None
    assert product.media == ()


def test_pages_without_product_data_give_none() -> None:
    assert read_rule("etsy-listing", ETSY_URL, small("<title>Etsy</title>", ETSY_URL)) is None
    assert (
        read_rule("amazon-product", AMAZON_URL, small("<title>Amazon.com</title>", AMAZON_URL))
        is None
    )


@pytest.mark.parametrize(
    ("value", "price"),
    [
        ("52.00", Decimal("52.00")),
        (3, Decimal(3)),
        ("1,234", Decimal(1234)),
        ("52,00", None),
        ("$5", None),
        ("NaN", None),
        (float("inf"), None),
        (True, None),
        (None, None),
    ],
)
def test_price_value(value: object, price: Decimal | None) -> None:
    assert price_value(value) == price
