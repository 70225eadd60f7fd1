"""read_metadata: precedence between sources, clean-up, images and URLs."""

from __future__ import annotations

import pytest

from extraction.metadata import PageMetadata, read_metadata
from extraction.page import parse_page
from model.record import ImageRef

URL = "https://blog.example/posts/42"


def metadata(html: str, url: str = URL) -> PageMetadata:
    return read_metadata(parse_page(html.encode(), url=url))


def json_ld(body: str) -> str:
    return f'<script type="application/ld+json">{body}</script>'


def test_opengraph_page() -> None:
    result = metadata(
        """<meta property="og:title" content="OG title">
        <meta property="og:description" content="OG description">
        <meta property="og:image" content="https://cdn.example/og.jpg">
        <meta property="og:image:width" content="1200">
        <meta property="og:image:height" content="630px">
        <meta property="og:site_name" content="Example Blog">
        <meta property="og:url" content="https://blog.example/posts/42?utm=x">
        <title>Markup title</title>"""
    )
    assert result.title == "OG title"
    assert result.description == "OG description"
    assert result.image == ImageRef("https://cdn.example/og.jpg", width=1200, height=630)
    assert result.site_name == "Example Blog"
    assert result.canonical_url == "https://blog.example/posts/42?utm=x"


def test_twitter_card_page() -> None:
    result = metadata(
        """<meta name="twitter:title" content="Tweet title">
        <meta name="twitter:description" content="Tweet description">
        <meta name="twitter:image" content="/card.png">
        <title>Markup title</title>"""
    )
    assert result.title == "Tweet title"
    assert result.description == "Tweet description"
    assert result.image == ImageRef("https://blog.example/card.png")


def test_opengraph_outranks_twitter_and_json_ld_and_markup() -> None:
    result = metadata(
        json_ld('{"@type": "Article", "headline": "LD", "description": "LD d", "image": "/ld.png"}')
        + """<meta name="twitter:title" content="TW"><meta name="twitter:image" content="/tw.png">
        <meta property="og:title" content="OG"><meta property="og:image" content="/og.png">
        <meta name="description" content="plain"><title>T</title>"""
    )
    assert (result.title, result.description) == ("OG", "LD d")
    assert result.image is not None
    assert result.image.source_url == "https://blog.example/og.png"


def test_json_ld_with_graph_fills_in_before_markup() -> None:
    result = metadata(
        json_ld(
            """{"@context": "https://schema.org", "@graph": [
                {"@type": "Organization", "name": "Publisher", "description": "Org blurb",
                 "logo": "/logo.png"},
                {"@type": "WebSite", "name": "Example"},
                {"@type": ["NewsArticle"], "headline": "Graph headline",
                 "description": "Graph description",
                 "image": [{"@type": "ImageObject", "url": "/hero.jpg", "width": 800,
                            "height": {"@type": "QuantitativeValue", "value": 450}}]}
            ]}"""
        )
        + '<title>Markup title</title><meta name="description" content="Markup description">'
    )
    assert result.title == "Graph headline"
    assert result.description == "Graph description"
    assert result.image == ImageRef("https://blog.example/hero.jpg", width=800, height=450)


def test_json_ld_profile_page_main_entity() -> None:
    result = metadata(
        json_ld(
            '{"@type": "ProfilePage", "mainEntity": {"@type": "Person", "name": "Ada",'
            ' "description": "Mathematician", "image": {"url": "https://img.example/ada.png"}}}'
        )
    )
    assert (result.title, result.description) == ("Ada", "Mathematician")
    assert result.image == ImageRef("https://img.example/ada.png")


def test_title_and_meta_description_fallback() -> None:
    result = metadata('<title>Just a title</title><meta name="description" content="Plain">')
    assert (result.title, result.description) == ("Just a title", "Plain")


def test_paragraphs_are_the_last_resort_for_a_description() -> None:
    result = metadata("<title>T</title><p>The opening paragraph of the article body.</p>")
    assert result.description == "The opening paragraph of the article body."


def test_nothing_at_all() -> None:
    assert metadata("<div>hello</div>") == PageMetadata()


def test_description_is_cleaned_and_capped() -> None:
    long = "word " * 400
    result = metadata(
        f'<meta property="og:description" content="  Fish &amp;amp; chips\n\n\t{long}">'
    )
    assert result.description is not None
    assert result.description.startswith("Fish & chips word word")
    assert len(result.description) <= 500
    assert result.description.endswith("…")


def test_json_ld_text_loses_its_markup_and_entities() -> None:
    result = metadata(
        json_ld('{"@type": "Article", "description": "<p>Bold &amp; <b>brave</b></p>"}')
    )
    assert result.description == "Bold & brave"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("https://cdn.example/a.png", "https://cdn.example/a.png"),
        ("/static/logo.png", "https://blog.example/static/logo.png"),
        ("//f.cdn.example/logo.png", "https://f.cdn.example/logo.png"),
        ("img/x.png", "https://blog.example/posts/img/x.png"),
        ("  https://cdn.example/spaced.png\n", "https://cdn.example/spaced.png"),
    ],
)
def test_image_urls_are_made_absolute(content: str, expected: str) -> None:
    image = metadata(f'<meta property="og:image" content="{content}">').image
    assert image == ImageRef(expected)


def test_unusable_image_urls_fall_through_to_the_next_source() -> None:
    result = metadata(
        f"""<meta property="og:image" content="data:image/png;base64,AAAA">
        <meta property="og:image" content="javascript:alert(1)">
        <meta property="og:image" content="https://cdn.example/{"x" * 2000}.png">
        <meta name="twitter:image" content="/fallback.png">"""
    )
    assert result.image == ImageRef("https://blog.example/fallback.png")


def test_secure_url_is_preferred() -> None:
    result = metadata(
        '<meta property="og:image" content="http://cdn.example/a.png">'
        '<meta property="og:image:secure_url" content="https://cdn.example/a.png">'
    )
    assert result.image == ImageRef("https://cdn.example/a.png")


def test_itemprop_image_and_link_image_src() -> None:
    itemprop = metadata('<meta content="/images/branding.png" itemprop="image">')
    assert itemprop.image == ImageRef("https://blog.example/images/branding.png")
    link = metadata('<link rel="image_src" href="/from-link.png">')
    assert link.image == ImageRef("https://blog.example/from-link.png")


def test_images_resolve_against_the_base_element() -> None:
    result = metadata(
        '<base href="https://static.example/s/"><meta property="og:image" content="a.png">'
    )
    assert result.image == ImageRef("https://static.example/s/a.png")


def test_declared_sizes_must_be_sane() -> None:
    result = metadata(
        '<meta property="og:image" content="/a.png"><meta property="og:image:width" content="-5">'
        '<meta property="og:image:height" content="undefined">'
    )
    assert result.image == ImageRef("https://blog.example/a.png")


def test_canonical_link_beats_og_url() -> None:
    result = metadata(
        '<meta property="og:url" content="https://blog.example/og"><link rel="canonical" href="/c">'
    )
    assert result.canonical_url == "https://blog.example/c"


def test_site_name_falls_back_to_application_name() -> None:
    assert metadata('<meta name="application-name" content="App">').site_name == "App"


def test_icons_and_manifest() -> None:
    result = metadata(
        """<link rel="icon" href="/favicon-16.png" sizes="16x16" type="image/png">
        <link rel="manifest" href="/site.webmanifest">
        <link rel="apple-touch-icon" href="/apple.png">"""
    )
    assert [icon.url for icon in result.icons] == [
        "https://blog.example/apple.png",
        "https://blog.example/favicon-16.png",
    ]
    assert result.manifest_url == "https://blog.example/site.webmanifest"


def test_no_favicon_is_invented() -> None:
    assert metadata("<title>x</title>").icons == ()
