"""parse_page: what it collects from a page, on small pages written here."""

from __future__ import annotations

from extraction.page import LinkTag, ParsedPage, parse_page

URL = "https://news.example/articles/1?ref=home"


def parse(html: str, url: str = URL) -> ParsedPage:
    return parse_page(html.encode(), url=url)


def test_collects_title_meta_links_and_lang() -> None:
    page = parse_page(
        b"""<!doctype html><html lang="es-ES"><head>
        <title>  The   title
        </title>
        <meta property="og:title" content="OG title">
        <meta name="Description" content="A description">
        <meta name="twitter:card" content="summary">
        <meta itemprop="image thumbnailUrl" content="/img.png">
        <meta charset="utf-8">
        <link rel="Shortcut Icon" href="/favicon.png" type="image/png">
        <link rel="apple-touch-icon" sizes="180x180" href="https://cdn.example/apple.png">
        </head></html>""",
        url=URL,
    )
    assert page.title == "The title"
    assert page.lang == "es-ES"
    assert page.meta == {
        "og:title": ("OG title",),
        "description": ("A description",),
        "twitter:card": ("summary",),
        "image": ("/img.png",),
        "thumbnailurl": ("/img.png",),
    }
    assert page.links == (
        LinkTag(
            rel=("shortcut", "icon"), href="https://news.example/favicon.png", type="image/png"
        ),
        LinkTag(rel=("apple-touch-icon",), href="https://cdn.example/apple.png", sizes="180x180"),
    )
    assert page.encoding == "utf-8"


def test_meta_values_keep_document_order_and_first_wins() -> None:
    page = parse_page(
        b'<meta property="og:image" content=""><meta property="og:image" content="/a.png">'
        b'<meta property="og:image" content="/b.png">',
        url=URL,
    )
    assert page.meta["og:image"] == ("", "/a.png", "/b.png")
    assert page.first("og:image") == "/a.png"
    assert page.first("missing", "og:image") == "/a.png"
    assert page.first("missing") is None


def test_a_meta_with_both_name_and_property_counts_under_both() -> None:
    page = parse_page(
        b'<meta name="description" property="og:description" content="both">', url=URL
    )
    assert page.meta == {"og:description": ("both",), "description": ("both",)}


def test_meta_without_content_is_ignored() -> None:
    page = parse_page(b'<meta property="og:title"><meta name="x">', url=URL)
    assert page.meta == {}


def test_value_stands_in_for_a_missing_content() -> None:
    page = parse_page(b'<meta name="description" value="Pastebin.com is the number one">', url=URL)
    assert page.meta == {"description": ("Pastebin.com is the number one",)}


def test_entities_in_attributes_are_decoded_once() -> None:
    page = parse_page(
        b'<meta property="og:title" content="Tom &amp; Jerry &quot;ok&quot;">', url=URL
    )
    assert page.first("og:title") == 'Tom & Jerry "ok"'


def test_link_hrefs_resolve_against_the_base_element() -> None:
    page = parse_page(
        b'<link rel="icon" href="icons/a.png"><base href="https://static.example/assets/">'
        b'<base href="https://ignored.example/">',
        url=URL,
    )
    assert page.base_url == "https://static.example/assets/"
    assert page.links[0].href == "https://static.example/assets/icons/a.png"
    assert page.resolve("/x.png") == "https://static.example/x.png"


def test_link_hrefs_without_base_resolve_against_the_page() -> None:
    page = parse_page(
        b'<link rel="icon" href="/root.png"><link rel="icon" href="rel.png">'
        b'<link rel="icon" href="//cdn.example/proto.png">',
        url=URL,
    )
    assert [link.href for link in page.links] == [
        "https://news.example/root.png",
        "https://news.example/articles/rel.png",
        "https://cdn.example/proto.png",
    ]


def test_script_and_data_hrefs_and_loading_hints_are_not_links() -> None:
    page = parse_page(
        b'<link rel="icon" href="javascript:alert(1)">'
        b'<link rel="icon" href="data:image/png;base64,AAAA">'
        b'<link rel="icon" href=" JaVaScRiPt:alert(1)">'
        b'<link rel="stylesheet" href="/s.css"><link rel="preload" href="/p.js" as="script">'
        b'<link rel="alternate" hreflang="fr" href="/fr">'
        b'<link rel="alternate" type="application/json+oembed" href="/oembed?url=x">'
        b'<link href="/no-rel.png"><link rel="icon">',
        url=URL,
    )
    assert page.links == (
        LinkTag(
            rel=("alternate",),
            href="https://news.example/oembed?url=x",
            type="application/json+oembed",
        ),
    )


def test_json_ld_graph_is_flattened_and_garbage_tolerated() -> None:
    page = parse_page(
        b"""<script type="application/ld+json">{"@context": "https://schema.org",
            "@graph": [{"@type": "WebSite", "name": "Site"}, {"@type": "Article", "headline": "A"}]}
        </script>
        <script type="application/ld+json">[{"@type": "Person", "name": "P"}, 3, "x"]</script>
        <script type="application/ld+json">{not json at all</script>
        <script type="application/ld+json">
          <!-- {"@type": "Thing", "name": "wrapped",
                "text": "raw
newline"} -->
        </script>""",
        url=URL,
    )
    assert page.json_ld == (
        {"@type": "WebSite", "name": "Site"},
        {"@type": "Article", "headline": "A"},
        {"@type": "Person", "name": "P"},
        {"@type": "Thing", "name": "wrapped", "text": "raw\nnewline"},
    )


def test_json_ld_objects_are_capped() -> None:
    items = ",".join('{"@type": "Thing"}' for _ in range(500))
    page = parse(f'<script type="application/ld+json">[{items}]</script>')
    assert len(page.json_ld) == 100


def test_deeply_nested_json_ld_is_refused_not_crashed() -> None:
    page = parse(
        '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    )
    assert page.json_ld == ()


def test_json_scripts_are_kept_raw_by_id() -> None:
    page = parse_page(
        b"""<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"a": 1}
        </script>
        <script id="SIGI_STATE" type="text/javascript">{"b": 2}</script>
        <script id="__NEXT_DATA__">{"c": 3}</script>
        <script id="config" type="application/json">{"d": 4}</script>
        <script id="config" type="application/json">{"second": true}</script>
        <script type="application/json">{"no": "id"}</script>
        <script id="app">window.x = {"js": true}</script>
        <script src="/app.js"></script>""",
        url=URL,
    )
    assert page.json_scripts == {
        "__UNIVERSAL_DATA_FOR_REHYDRATION__": '{"a": 1}\n        ',
        "SIGI_STATE": '{"b": 2}',
        "__NEXT_DATA__": '{"c": 3}',
        "config": '{"d": 4}',
    }


def test_summary_only_when_the_page_declares_no_description() -> None:
    paragraph = "<p>" + "A paragraph of body text. " * 4 + "</p>"
    summary = parse(f"<title>t</title>{paragraph}").summary
    assert summary is not None
    assert summary.startswith("A paragraph")
    described = parse(f'<meta name="description" content="d">{paragraph}')
    assert described.summary is None
    json_ld = '<script type="application/ld+json">{"@type": "Article", "description": "d"}'
    assert parse(f"{json_ld}</script>{paragraph}").summary is None


def test_summary_skips_short_chrome_and_stops_after_enough_text() -> None:
    page = parse(
        "<p>Share</p><p>First real paragraph, long enough to count.</p>"
        + "<p>Another paragraph that adds more words to the summary text.</p>" * 20
    )
    summary = page.summary
    assert summary is not None
    assert summary.startswith("First real paragraph")
    assert "Share" not in summary
    assert len(summary) <= 500


def test_unclosed_comment_or_script_swallows_the_rest_as_browsers_do() -> None:
    assert parse("<title>a</title><!-- <title>b</title>").title == "a"
    page = parse("<script>var x; <meta property='og:title' content='in script'>")
    assert page.meta == {}
