"""The direct backend: fetch the link safely, read it, apply site rules, keep the images.

It follows Synapse's previewer: platform data first, generic metadata under it, and every
sub-fetch (oEmbed, images, icons) allowed to fail on its own, dropping only its field.

A link is fetched once. The request accepts pages (HTML) and every file kind of
files/kinds.py's table, each kind read within its own cap, chosen from the answer's
Content-Type: an image whole (it is decoded), a PDF whole up to a cap (its index is at the
end), video and audio only their head (container headers are at the start). Any other type
is refused by the fetcher from its headers, unread. A file over its cap keeps what the
headers said.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Final, Protocol, TypeVar

import msgspec

from extraction.article import Article, read_article
from extraction.embeds import find_embed
from extraction.icons import fetchable_urls
from extraction.language import primary_language
from extraction.metadata import PageMetadata, read_metadata
from extraction.oembed import OEmbed, oembed_url, parse_oembed, provider_endpoint
from extraction.page import ParsedPage, parse_page
from fetching import BodyLimit, FetchedResponse, FetchError, SafeFetcher, normalize_url
from files.formats import declared_size, file_name
from files.isolated import Isolation
from files.kinds import FILE_KINDS, Cap, Extent, FileBody, FileKind, FileRead, kind_for
from media.datauri import encode_data_uri
from media.limits import ImageLimits
from model.record import (
    DETAILS_TYPES,
    DocumentFile,
    ErrorCode,
    Failure,
    Icon,
    ImageRef,
    LinkType,
    Outcome,
    PageDetails,
    Preview,
    Shoot,
)
from previews.domains import registrable_domain
from previews.errors import error_code
from previews.screenshots import needs_screenshot
from sites import apply_site_rules, reads_body_marks

HTML_TYPES: Final = ("text/html", "application/xhtml+xml")
# JSON only (D7): an XML oEmbed answer is refused from its headers.
OEMBED_TYPES: Final = ("application/json", "application/json+oembed", "text/json")
MAX_OEMBED_BYTES: Final = 64 * 1024
MAX_FILE_PROBE_BYTES: Final = 256 * 1024
MAX_DOCUMENT_BYTES: Final = 10 * 1024 * 1024

T = TypeVar("T")


class MediaIngest(Protocol):
    """What the backend needs of the media store (see media/service.py)."""

    async def ingest_image(
        self, ref: ImageRef, *, data: bytes | None = None
    ) -> ImageRef | None: ...

    async def ingest_icon(
        self, urls: Sequence[str], *, page_url: str, manifest_url: str | None
    ) -> Icon | None: ...

    async def store_document(self, text: str, *, variant: str, content_type: str) -> str | None: ...


# A page's main text as the documents `page.rawTextUrl`, `markdownUrl` and `htmlUrl` serve:
# (Article attribute, media variant, content type).
_DOCUMENTS: Final = (
    ("text", "text", "text/plain"),
    ("markdown", "markdown", "text/markdown"),
    ("html", "article", "text/html"),
)


class PageShooter(Protocol):
    """What the backend needs of the browser (screenshots/browser.py)."""

    async def shoot(self, url: str) -> bytes | None: ...


class DirectBackend:
    def __init__(
        self,
        fetcher: SafeFetcher,
        *,
        max_html_bytes: int,
        media: MediaIngest,
        image_limits: ImageLimits | None = None,
        max_file_probe_bytes: int = MAX_FILE_PROBE_BYTES,
        max_document_bytes: int = MAX_DOCUMENT_BYTES,
        isolation: Isolation | None = None,
        screenshots: PageShooter | None = None,
    ) -> None:
        """`screenshots` is None where there is no browser: a screenshot is then tried (so
        it is not asked for again) and never taken."""
        self._fetcher = fetcher
        self._max_html_bytes = max_html_bytes
        self._media = media
        self._image_limits = image_limits or ImageLimits()
        caps = {
            Cap.PAGE: max_html_bytes,
            Cap.IMAGE: self._image_limits.max_bytes,
            Cap.PROBE: max_file_probe_bytes,
            Cap.DOCUMENT: max_document_bytes,
        }
        self._limits: Mapping[str, BodyLimit] = {
            media_type: BodyLimit(
                caps[kind.cap],
                truncate=kind.extent is not Extent.WHOLE,
                head=kind.extent is Extent.HEAD,
            )
            for kind in FILE_KINDS
            for media_type in kind.media_types
        }
        self._accept = (*HTML_TYPES, *self._limits)
        # Decoding an image or parsing a PDF is CPU work on hostile bytes: it runs here, two
        # at a time, under the fetch deadline. A parse that overruns it is abandoned (its
        # thread finishes in the background) and the link keeps what its headers said.
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="files")
        self._screenshots = screenshots
        # Pictures of files are decoded in a child process (files/isolated.py), stopped at
        # half the fetch deadline so that the link keeps its metadata when one overruns.
        self._isolation = (
            dataclasses.replace(
                isolation, timeout=min(isolation.timeout, fetcher.policy.total_timeout / 2)
            )
            if isolation
            else None
        )

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        # The reader's language goes to the page and to its oEmbed (both localise titles);
        # images are the same in every language.
        headers = {"Accept-Language": language} if language else {}
        try:
            response = await self._fetcher.fetch(
                url,
                accept=self._accept,
                max_bytes=self._max_html_bytes,
                truncate=True,
                headers=headers,
                limits=self._limits,
            )
        except FetchError as error:
            media_type = error.media_type
            if (
                error_code(error) is ErrorCode.LINK_TOO_LARGE
                and media_type
                and (kind := kind_for(media_type))
            ):
                # A file over its cap: the kind and format are all the headers gave.
                return _headers_only(url, media_type, kind, error.status)
            return _failure(url, error)
        kind = kind_for(response.media_type)
        if kind is None:
            # The article's reading gets what is left of a fetch's time once the page is in
            # (the wait for a fetch slot has its own deadline, so it is not counted here).
            deadline = asyncio.get_running_loop().time() + self._fetcher.policy.total_timeout / 2
            return await self._page(url, response, headers, shoot, deadline)
        return await self._file(url, response, kind)

    async def aclose(self) -> None:
        """The fetcher and media store belong to the app, which shares them with other parts;
        only the file readers' threads are ours."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- pages --------------------------------------------------------------------------

    async def _page(
        self,
        url: str,
        response: FetchedResponse,
        headers: Mapping[str, str],
        shoot: Shoot,
        deadline: float,
    ) -> Preview:
        page = parse_page(
            response.body,
            url=response.final_url,
            http_charset=response.charset,
            marks=reads_body_marks(response.final_url) or reads_body_marks(url),
        )
        content_language = response.headers.get("content-language")
        declared = read_metadata(page, content_language=content_language)
        # Every sub-fetch starts as soon as the page is read, concurrently with the article's
        # reading: the icon depends only on the page's own data, oEmbed only on its links,
        # and the page's own image is most often the preview's, so it is fetched now rather
        # than after them (dropped if unused).
        early = _Started(declared.image, self._media)
        icon = asyncio.ensure_future(
            self._media.ingest_icon(
                fetchable_urls(declared.icons),
                page_url=response.final_url,
                manifest_url=declared.manifest_url,
            )
        )
        oembed_fetch = asyncio.ensure_future(self._oembed(page, url, headers))
        # A wanted screenshot is drawn meanwhile too.
        shot = (
            asyncio.ensure_future(self._screenshots.shoot(response.final_url))
            if self._screenshots is not None
            and (shoot is Shoot.ALWAYS or (shoot is Shoot.IF_NO_IMAGE and declared.image is None))
            else None
        )
        try:
            metadata, article = await self._article(page, response, declared, deadline)
            oembed = await oembed_fetch
            if oembed is not None:
                page = dataclasses.replace(page, oembed=oembed)
            site = apply_site_rules(response.final_url, page) or apply_site_rules(url, page)
            details = None if site else await self._page_details(metadata, article)
            preview = Preview(
                url=url,
                final_url=response.final_url,
                domain=registrable_domain(url),
                type=site.link_type if site else LinkType.PAGE,
                status=response.status,
                updated_at=datetime.now(UTC),
                redirected=response.redirected,
                size=len(response.body),
                title=(site and site.title) or metadata.title or (oembed.title if oembed else None),
                description=(site and site.description)
                or metadata.description
                or (oembed.text if oembed else None),
                image=(site and site.image) or metadata.image or _oembed_image(oembed),
                details=site.details if site else None,
                embed=find_embed(url, registrable_domain(url), oembed),
                language=metadata.language,
                page=details,
                **_redirection(response),
            )
            stored = await self._with_media(preview, early=early)
            if needs_screenshot(stored, shoot):  # asked for, or its image could not be kept
                stored = await self._with_screenshot(stored, shot)
            return msgspec.structs.replace(stored, icon=await icon)
        finally:
            early.cancel()
            for task in (icon, oembed_fetch, shot):
                if task is not None and not task.done():
                    task.cancel()

    async def _article(
        self, page: ParsedPage, response: FetchedResponse, declared: PageMetadata, deadline: float
    ) -> tuple[PageMetadata, Article | None]:
        """The metadata with the article read too, when the page is a generic one.

        The article (trafilatura) and what depends on it (the language guess) are CPU work on
        hostile markup: a worker thread, under the link's deadline; past it, the page keeps
        what its markup declares. A page a platform rule already knows (TikTok, YouTube…) is
        not read: its rule's data outranks anything the article could add.
        """
        if apply_site_rules(response.final_url, page) or apply_site_rules(response.url, page):
            return declared, None
        content_language = response.headers.get("content-language")
        return await self._run(
            lambda: _read_with_article(page, response.body, content_language),
            (declared, None),
            deadline=deadline,
        )

    async def _page_details(self, metadata: PageMetadata, article: Article | None) -> PageDetails:
        """A PAGE's article facts, its main text stored as three signed documents."""
        urls: list[str | None] = [None, None, None]
        if article is not None:
            urls = list(
                await asyncio.gather(
                    *(
                        self._media.store_document(text, variant=variant, content_type=type_)
                        if (text := getattr(article, name))
                        else _none()
                        for name, variant, type_ in _DOCUMENTS
                    )
                )
            )
        return PageDetails(
            site_name=metadata.site_name,
            headline=metadata.headline,
            authors=metadata.authors,
            published_at=metadata.published_at,
            modified_at=metadata.modified_at,
            canonical_url=metadata.canonical_url,
            theme_color=metadata.theme_color,
            estimated_reading_time_in_minutes=article.reading_minutes if article else None,
            raw_text_url=urls[0],
            markdown_url=urls[1],
            html_url=urls[2],
        )

    async def _with_screenshot(
        self, preview: Preview, shot: asyncio.Future[bytes | None] | None
    ) -> Preview:
        """`preview` with its page's screenshot (drawn since the page was read, or now when
        its image turned out not to be keepable), stored like any image; also its image
        when it has none. Marked tried either way, so a page that cannot be drawn is not
        tried again."""
        if shot is None and self._screenshots is not None:
            shot = asyncio.ensure_future(self._screenshots.shoot(preview.final_url))
        png = await shot if shot is not None else None
        picture = (
            _kept(
                await self._media.ingest_image(
                    ImageRef(source_url=encode_data_uri(png, "image/png"))
                )
            )
            if png is not None and preview.page is not None
            else None
        )
        if picture is None or preview.page is None:
            return msgspec.structs.replace(preview, screenshot_tried=True)
        return msgspec.structs.replace(
            preview,
            page=msgspec.structs.replace(preview.page, screenshot=picture),
            screenshot_tried=True,
            image=preview.image or picture,
        )

    async def _oembed(
        self, page: ParsedPage, url: str, headers: Mapping[str, str]
    ) -> OEmbed | None:
        """The page's oEmbed answer, fetched only when the page advertises an endpoint or a
        built-in provider knows the link; any failure costs only the oEmbed."""
        endpoint = oembed_url(page) or provider_endpoint(url)
        if endpoint is None:
            return None
        try:
            response = await self._fetcher.fetch(
                normalize_url(endpoint, self._fetcher.policy),
                accept=OEMBED_TYPES,
                max_bytes=MAX_OEMBED_BYTES,
                headers=headers,
                sub_fetch=True,
            )
        except FetchError:
            return None
        return parse_oembed(response.body, base_url=response.final_url)

    # --- files --------------------------------------------------------------------------

    async def _file(self, url: str, response: FetchedResponse, kind: FileKind) -> Preview:
        size = _size(response)
        body = FileBody(
            media_type=response.media_type,
            data=response.body,
            charset=response.charset,
            url=response.final_url,
            size=size,
            # Cut at its cap, or the head of a longer declared file.
            partial=response.truncated or (size is not None and len(response.body) < size),
            image_limits=self._image_limits,
            isolation=self._isolation,
        )
        read = await self._run(lambda: kind.read(body), FileRead(kind.empty(body.media_type)))
        if read.text and isinstance(read.details, DocumentFile):
            text_url = await self._media.store_document(
                read.text, variant="text", content_type="text/plain"
            )
            read = dataclasses.replace(
                read, details=msgspec.structs.replace(read.details, raw_text_url=text_url)
            )
        # A direct image link's bytes are the image itself: store them as read.
        held = {response.final_url: response.body} if kind.link_type is LinkType.IMAGE else {}
        return await self._with_media(self._file_preview(url, response, read, size), held)

    def _file_preview(
        self, url: str, response: FetchedResponse, read: FileRead, size: int | None
    ) -> Preview:
        return Preview(
            url=url,
            final_url=response.final_url,
            domain=registrable_domain(url),
            type=DETAILS_TYPES[type(read.details)],
            status=response.status,
            updated_at=datetime.now(UTC),
            redirected=response.redirected,
            size=size,
            title=read.title or file_name(response.final_url),
            image=read.image,
            details=read.details,
            # A document states its own language (a PDF's /Lang); other files say none.
            language=primary_language(getattr(read.details, "language", None)),
            **_redirection(response),
        )

    async def _run(self, work: Callable[[], T], fallback: T, *, deadline: float | None = None) -> T:
        """`work` in the readers' threads, bounded by `deadline` (loop time) or else the
        fetch timeout from now; `fallback` if it fails or overruns."""
        loop = asyncio.get_running_loop()
        if deadline is None:
            deadline = loop.time() + self._fetcher.policy.total_timeout
        try:
            async with asyncio.timeout_at(deadline):
                return await loop.run_in_executor(self._executor, work)
        except Exception:
            return fallback

    # --- media --------------------------------------------------------------------------

    async def _with_media(
        self,
        preview: Preview,
        held: dict[str, bytes] | None = None,
        early: _Started | None = None,
    ) -> Preview:
        """Swap every source image (the preview's and each one inside `details` and `page`)
        for a stored copy; one that cannot be stored drops its own field.

        Images are ingested concurrently and once per source URL, so an avatar that is also
        the page image is downloaded once; `held` gives the bytes of sources already read,
        `early` an ingest already started.
        """
        held = held or {}
        parts = (preview.image, preview.details, preview.page)
        refs = {ref.source_url: ref for ref in _image_refs(parts)}
        ingests = [
            (early and early.take(ref)) or self._media.ingest_image(ref, data=held.get(url))
            for url, ref in refs.items()
        ]
        if early is not None:
            early.cancel()  # not the preview's image after all
        results = await asyncio.gather(*ingests)
        stored = {url: _kept(result) for url, result in zip(refs, results, strict=True)}
        return msgspec.structs.replace(
            preview,
            image=_swap(preview.image, stored),
            details=_swap(preview.details, stored),
            page=_swap(preview.page, stored),
        )


class _Started:
    """The ingest of a page's own image, started before the preview knows its image: taken
    by the preview if its image is that one, else cancelled (and with it the download, when
    nothing else waits for it)."""

    def __init__(self, ref: ImageRef | None, media: MediaIngest) -> None:
        self._ref = ref
        self._task = asyncio.ensure_future(media.ingest_image(ref)) if ref is not None else None

    def take(self, ref: ImageRef) -> asyncio.Future[ImageRef | None] | None:
        if self._task is None or ref != self._ref:
            return None
        task, self._task = self._task, None
        return task

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


def _read_with_article(
    page: ParsedPage, body: bytes, content_language: str | None
) -> tuple[PageMetadata, Article | None]:
    """The page's metadata with its article read too (in a worker thread: see `_page`)."""
    html = body.decode(page.encoding or "utf-8", "replace")
    article = read_article(html, page.url)
    return read_metadata(page, article, content_language=content_language), article


def _redirection(response: FetchedResponse) -> dict[str, Any]:
    """Peekalink's redirection fields, from the trail the fetcher kept."""
    trail = response.trail
    return {
        "redirection_url": response.final_url if trail else None,
        "redirection_count": max(len(trail) - 1, 0),
        "redirection_trail": trail,
    }


async def _none() -> None:
    return None


def _headers_only(url: str, media_type: str, kind: FileKind, status: int | None) -> Preview:
    return Preview(
        url=url,
        final_url=url,
        domain=registrable_domain(url),
        type=kind.link_type,
        status=status or 200,
        updated_at=datetime.now(UTC),
        title=file_name(url),
        details=kind.empty(media_type),
    )


def _size(response: FetchedResponse) -> int | None:
    """The whole file's size: declared by the origin, else what was read if that was all."""
    declared = declared_size(response.headers.get("content-length"))
    if declared is not None:
        return declared
    return None if response.truncated else len(response.body)


def _oembed_image(oembed: OEmbed | None) -> ImageRef | None:
    if oembed is None:
        return None
    if oembed.type == "photo" and oembed.url:
        return ImageRef(source_url=oembed.url, width=oembed.width, height=oembed.height)
    if oembed.thumbnail_url:
        return ImageRef(
            source_url=oembed.thumbnail_url,
            width=oembed.thumbnail_width,
            height=oembed.thumbnail_height,
        )
    return None


def _kept(ref: ImageRef | None) -> ImageRef | None:
    """A stored image as the record keeps it: an embedded (`data:`) source is replaced by
    its stored original, so that no record carries the bytes of a cover in its URL."""
    if ref is None or not ref.source_url.startswith("data:"):
        return ref
    if ref.original is None:
        return None
    return msgspec.structs.replace(ref, source_url=ref.original.url)


def _image_refs(value: Any) -> Iterator[ImageRef]:
    """Every ImageRef inside `value`: structs are walked field by field, tuples item by item."""
    if isinstance(value, ImageRef):
        yield value
    elif isinstance(value, msgspec.Struct):
        for field in msgspec.structs.fields(value):
            yield from _image_refs(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _image_refs(item)


def _swap(value: T, stored: dict[str, ImageRef | None]) -> T:
    """`value` with each ImageRef replaced by its stored copy (or None when not kept)."""
    result: Any = value
    if isinstance(value, ImageRef):
        result = stored.get(value.source_url)
    elif isinstance(value, msgspec.Struct) and not isinstance(value, ImageRef):
        changes = {}
        for field in msgspec.structs.fields(value):
            current = getattr(value, field.name)
            swapped = _swap(current, stored)
            if swapped is not current:
                changes[field.name] = swapped
        if changes:
            result = msgspec.structs.replace(value, **changes)
    elif isinstance(value, tuple):
        items = [_swap(item, stored) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            # An image kept directly in a tuple that could not be stored leaves the tuple.
            result = tuple(
                new for new, old in zip(items, value, strict=True) if new is not None or old is None
            )
    return result  # type: ignore[no-any-return]


def _failure(url: str, error: FetchError) -> Failure:
    code = error_code(error)
    if code is ErrorCode.LINK_IS_NOT_SUPPORTED and error.media_type:
        message = f"Links to {error.media_type} content are not previewed."
    else:
        message = error.message
    return Failure(url=url, code=code, message=message, status=error.status)
