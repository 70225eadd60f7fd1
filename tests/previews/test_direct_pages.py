"""The direct backend on a page: the article read in a worker thread and bounded by the
link's deadline, its text kept as documents in the real media store, Content-Language used."""

from __future__ import annotations

import asyncio
import threading

from media import MediaService
from model.record import LinkType, Preview
from previews.direct import DirectBackend
from tests.fetching.harness import HostileOrigin, Reply
from tests.files import backend as fixtures
from tests.files import samples
from tests.files.backend import serve

backend = fixtures.backend
file_origin = fixtures.file_origin
media_service = fixtures.media_service

SENTENCE = (
    "Der Gemeinderat hat am Dienstag beschlossen, die alte Hafenmauer wieder aufzubauen, "
    "die im letzten Winter zweimal von Stürmen durchbrochen wurde. "
)
PAGE = f"""<html><head><title>Hafenmauer | Beispiel</title>
<meta property="og:site_name" content="Beispiel"></head>
<body><nav>Start Politik Sport</nav><article><h1>Hafenmauer</h1>
<p>{SENTENCE * 4}</p><p>{SENTENCE * 3}</p></article></body></html>""".encode()


async def test_a_page_gets_its_article_documents_and_declared_language(
    backend: DirectBackend, file_origin: HostileOrigin, media_service: MediaService
) -> None:
    @file_origin.route("/article")
    async def handler(reply: Reply) -> None:
        await reply.head(
            200,
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Language", "fr-CH"),
                ("Content-Length", str(len(PAGE))),
            ],
        )
        await reply.body(PAGE)

    preview = await backend.preview(file_origin.url("/article"))
    assert isinstance(preview, Preview)
    assert preview.type is LinkType.PAGE
    # Declared (the header) outranks what a detector would say of the German text.
    assert preview.language == "fr"
    page = preview.page
    assert page is not None
    assert page.site_name == "Beispiel"
    assert page.headline == "Hafenmauer"
    assert page.raw_text_url is not None
    assert page.markdown_url is not None
    assert page.html_url is not None
    # The stored text is the article, not the navigation.
    key, filename = page.raw_text_url.split("/")[-2:]
    signature = page.raw_text_url.split("/")[-3]
    stored = await media_service.open(signature, key, filename)
    assert stored is not None
    assert stored.content_type == "text/plain"
    text = stored.body.decode()
    assert SENTENCE.strip()[:50] in text
    assert "Start Politik Sport" not in text
    assert page.estimated_reading_time_in_minutes == -(-len(text.split()) // 230)


async def test_reading_past_the_deadline_keeps_the_fallback(backend: DirectBackend) -> None:
    """A read still running at the link's deadline is abandoned: the preview goes on with
    what the markup declares (here: the fallback) instead of waiting for it."""
    release = threading.Event()

    def stuck() -> str:
        release.wait(30)
        return "read"

    loop = asyncio.get_running_loop()
    try:
        result = await backend._run(stuck, "declared", deadline=loop.time())
        assert result == "declared"
    finally:
        release.set()


async def test_a_pdf_states_the_previews_language(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/report.pdf", samples.pdf(pages=1, lang="pt-BR"), "application/pdf")
    preview = await backend.preview(file_origin.url("/report.pdf"))
    assert isinstance(preview, Preview)
    assert preview.type is LinkType.DOCUMENT
    assert preview.language == "pt"
    assert preview.page is None  # article facts are a web page's
