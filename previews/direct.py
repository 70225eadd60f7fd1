"""The direct backend: fetch the page safely, read it, apply site rules, keep the images.

It follows Synapse's previewer: platform data first, generic metadata under it, and every
sub-fetch (images, icons) allowed to fail on its own, dropping only its field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

import msgspec

from extraction.metadata import IconCandidate, PageMetadata, read_metadata
from extraction.page import parse_page
from fetching import FetchError, SafeFetcher
from previews.domains import registrable_domain
from previews.record import (
    ErrorCode,
    Failure,
    Icon,
    ImageRef,
    LinkType,
    Outcome,
    Preview,
    TiktokUser,
)
from sites import apply_site_rules

HTML_TYPES = ("text/html", "application/xhtml+xml")


class MediaIngest(Protocol):
    """What the backend needs of the media store (see media/service.py)."""

    async def ingest_image(self, ref: ImageRef) -> ImageRef | None: ...

    async def ingest_icon(
        self, candidates: Sequence[IconCandidate], *, page_url: str, manifest_url: str | None
    ) -> Icon | None: ...


class DirectBackend:
    def __init__(self, fetcher: SafeFetcher, *, max_html_bytes: int, media: MediaIngest) -> None:
        self._fetcher = fetcher
        self._max_html_bytes = max_html_bytes
        self._media = media

    async def preview(self, url: str) -> Outcome:
        try:
            response = await self._fetcher.fetch(
                url, accept=HTML_TYPES, max_bytes=self._max_html_bytes, truncate=True
            )
        except FetchError as error:
            return _failure(url, error)
        page = parse_page(response.body, url=response.final_url, http_charset=response.charset)
        metadata = read_metadata(page)
        site = apply_site_rules(response.final_url, page) or apply_site_rules(url, page)
        preview = Preview(
            url=url,
            final_url=response.final_url,
            domain=registrable_domain(url),
            type=site.link_type if site else LinkType.PAGE,
            status=response.status,
            updated_at=datetime.now(UTC),
            redirected=response.redirected,
            size=len(response.body),
            title=(site and site.title) or metadata.title,
            description=(site and site.description) or metadata.description,
            image=(site and site.image) or metadata.image,
            details=site.details if site else None,
        )
        return await self._with_media(preview, metadata)

    async def aclose(self) -> None:
        """Nothing to release: the fetcher and media store belong to the app, which shares
        them with other parts."""

    async def _with_media(self, preview: Preview, metadata: PageMetadata) -> Preview:
        """Swap source images for stored copies; one that cannot be stored drops its field."""
        media = self._media
        avatar = preview.details.avatar if isinstance(preview.details, TiktokUser) else None
        # The media store de-duplicates by source URL, so an avatar that is also the page
        # image is downloaded once.
        icon, image, stored_avatar = await asyncio.gather(
            media.ingest_icon(
                metadata.icons, page_url=preview.final_url, manifest_url=metadata.manifest_url
            ),
            _ingest(media, preview.image),
            _ingest(media, avatar),
        )
        details = preview.details
        if isinstance(details, TiktokUser):
            details = msgspec.structs.replace(details, avatar=stored_avatar)
        return msgspec.structs.replace(preview, icon=icon, image=image, details=details)


async def _ingest(media: MediaIngest, ref: ImageRef | None) -> ImageRef | None:
    return None if ref is None else await media.ingest_image(ref)


def _failure(url: str, error: FetchError) -> Failure:
    if error.code is ErrorCode.LINK_IS_NOT_SUPPORTED and error.media_type:
        message = f"Links to {error.media_type} content are not previewed."
    else:
        message = error.message
    return Failure(url=url, code=error.code, message=message, status=error.status)
