"""The fallback chains of read_metadata with the article (extraction/article.py): each source
taken only when every more trustworthy one is missing, on small pages written here."""

from __future__ import annotations

from datetime import UTC, datetime

from extraction.article import read_article
from extraction.metadata import PageMetadata, read_metadata
from extraction.page import parse_page
from extraction.text import reading_minutes

URL = "https://news.example.com/2024/story"
PARAGRAPH = (
    "The council voted on Tuesday to rebuild the old harbour wall, which storms breached "
    "twice last winter, and to open the new footpath along it before the summer season. "
)


def read(html: str, *, content_language: str | None = None, url: str = URL) -> PageMetadata:
    page = parse_page(html.encode(), url=url)
    return read_metadata(page, read_article(html, url), content_language=content_language)


def article_page(head: str, body: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><nav>Home News Sport</nav>"
        f"<article>{body}<p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></article>"
        "<footer>© Example News</footer></body></html>"
    )


def test_without_title_tags_the_h1_is_the_title() -> None:
    result = read(article_page("", "<h1>Harbour wall to be rebuilt</h1>"))
    assert result.title == "Harbour wall to be rebuilt"
    assert result.headline == "Harbour wall to be rebuilt"


def test_citation_title_outranks_a_title_with_the_site_suffix() -> None:
    result = read(
        article_page(
            '<meta name="citation_title" content="Harbour walls and winter storms">'
            "<title>Harbour walls and winter storms | Example News</title>"
        )
    )
    assert result.title == "Harbour walls and winter storms"


def test_headline_drops_the_site_name_the_title_carries() -> None:
    result = read(
        article_page(
            '<meta property="og:site_name" content="Example News">'
            '<meta property="og:title" content="Harbour wall to be rebuilt | Example News">'
        )
    )
    assert result.title == "Harbour wall to be rebuilt | Example News"
    assert result.headline == "Harbour wall to be rebuilt"
    assert result.site_name == "Example News"


def test_site_name_from_the_title_part_naming_the_domain() -> None:
    result = read(
        "<html><head><title>Albert Einstein - Wikipedia</title></head></html>",
        url="https://en.wikipedia.org/wiki/Albert_Einstein",
    )
    assert result.site_name == "Wikipedia"
    assert result.headline == "Albert Einstein"


def test_description_is_never_the_title_again_nor_wrapped_in_a_stray_quote() -> None:
    result = read(
        article_page(
            "<title>Harbour wall</title>"
            '<meta property="og:description" content="Harbour wall">'
            '<meta name="description" content="&quot; The council voted to rebuild it.">'
        )
    )
    assert result.description == "The council voted to rebuild it."


def test_a_cut_short_description_gives_way_to_the_whole_one() -> None:
    whole = "The council voted on Tuesday to rebuild the harbour wall before summer."
    result = read(
        article_page(
            '<meta property="og:description" content="The council voted on Tuesday to…">'
            f'<meta name="description" content="{whole}">'
        )
    )
    assert result.description == whole


def test_image_falls_back_to_the_articles_picture_then_the_logo() -> None:
    picture = '<img src="/photos/wall.jpg" width="1200" height="800"><img src="/icon.png">'
    with_picture = read(article_page("<title>T</title>", picture))
    assert with_picture.image is not None
    assert with_picture.image.source_url == "https://news.example.com/photos/wall.jpg"
    logo = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T", '
        '"publisher": {"@type": "Organization", "name": "Example News", '
        '"logo": {"@type": "ImageObject", "url": "/logo.png"}}}</script>'
    )
    with_logo = read(article_page(logo))
    assert with_logo.image is not None
    assert with_logo.image.source_url == "https://news.example.com/logo.png"
    assert with_logo.site_name == "Example News"


def test_authors_and_dates_from_json_ld_before_meta_tags() -> None:
    result = read(
        article_page(
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T", '
            '"author": [{"@type": "Person", "name": "Ada Byron"}, "Alan Turing"], '
            '"datePublished": "2024-05-01T08:30:00+02:00", "dateModified": "2024-05-02"}'
            "</script>"
            '<meta name="author" content="Someone Else">'
        )
    )
    assert result.authors == ("Ada Byron", "Alan Turing")
    assert result.published_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert result.modified_at == datetime(2024, 5, 2, tzinfo=UTC)


def test_meta_byline_and_date_when_there_is_no_json_ld() -> None:
    result = read(
        article_page(
            '<meta name="author" content="By Grace Hopper">'
            '<meta property="article:published_time" content="2023-11-30">'
            '<meta name="theme-color" content="#0a7cff">'
        )
    )
    assert result.authors == ("Grace Hopper",)
    assert result.published_at == datetime(2023, 11, 30, tzinfo=UTC)
    assert result.theme_color == "#0a7cff"


def test_language_declared_before_detected() -> None:
    assert read('<html lang="pt-BR"><head></head></html>').language == "pt"
    assert read('<meta http-equiv="content-language" content="de-AT">').language == "de"
    assert read("<title>x</title>", content_language="fr, en").language == "fr"
    german = (
        "Der Gemeinderat hat am Dienstag beschlossen, die alte Hafenmauer wieder aufzubauen, "
        "die im letzten Winter zweimal von Stürmen durchbrochen wurde, und den neuen Fußweg "
        "entlang der Mauer noch vor der Sommersaison zu eröffnen. "
    )
    detected = read(f"<html><body><article><p>{german * 3}</p></article></body></html>")
    assert detected.language == "de"
    # Too little text to tell: no guess.
    assert read("<html><body><p>Hallo Welt</p></body></html>").language is None


def test_article_text_and_reading_time() -> None:
    html = article_page("<title>T</title>", "<h1>Harbour</h1>")
    article = read_article(html, URL)
    assert article is not None
    assert article.text is not None
    assert PARAGRAPH.strip()[:60] in article.text
    assert "Home News Sport" not in article.text  # navigation is not the article
    assert article.markdown is not None
    assert article.html is not None
    assert "<script" not in article.html
    assert article.reading_minutes == -(-article.words // 230)  # rounded up


def test_an_oversized_document_is_not_read() -> None:
    assert read_article("<p>" + "word " * 500_000 + "</p>", URL) is None


def test_a_headline_carrying_a_section_and_site_gives_way_to_its_start() -> None:
    result = read(
        article_page(
            '<script type="application/ld+json">{"@type": "BlogPosting", '
            '"headline": "Harbour wall rebuilt - Local - Example News"}</script>'
            '<meta property="og:title" content="Harbour wall rebuilt">'
        )
    )
    assert result.headline == "Harbour wall rebuilt"


def test_only_a_stray_quote_is_dropped_from_a_description() -> None:
    def description(text: str) -> str | None:
        return read(f'<meta name="description" content="{text}">').description

    assert description("&quot; He said &quot;yes&quot;") == 'He said "yes"'
    assert description("&quot;Yes&quot; was his answer") == '"Yes" was his answer'
    assert description("“A whole quote”") == "“A whole quote”"


def test_reading_time_is_one_rule_rounded_up() -> None:
    assert reading_minutes(0) is None
    assert [reading_minutes(words) for words in (1, 230, 231, 460, 461)] == [1, 1, 2, 2, 3]
    assert reading_minutes(454, per_minute=200) == 3
