"""MediaService: turns image and icon URLs found on pages into stored, signed copies.

Every method returns None instead of raising: an image that cannot be fetched, is refused or
fails to decode costs the preview that one field (SECURITY-CASES E5, E6), never the preview.
Work on one source URL is shared by everyone who asks for it while it is in flight, so a
page whose og:image is also its avatar, or a hundred previews of one profile, download and
decode it once. CPU work runs in a dedicated executor with `concurrency` threads: unlike a
semaphore around `asyncio.to_thread`, its cap holds even when a waiting caller is cancelled
while a thread is still decoding.

Stored objects can go away (the retention sweep's budget, or an operator's `rm`): `holds`
says whether a cached record's media are all still there, so the preview service fetches a
record that lost one again rather than hand out URLs that answer 404.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol, TypeVar

import msgspec

from common.flight import SingleFlight
from common.memo import TtlLru
from extraction.icons import favicon_url, manifest_icon_urls
from fetching import FetchPolicy
from fetching.errors import FetchError
from fetching.response import FetchedResponse
from fetching.urls import normalize_url
from media.datauri import decode_data_uri
from media.decode import configure_pillow
from media.errors import ImageRejectedError
from media.limits import ImageLimits
from media.processing import process_icon, process_image
from media.retention import MediaRetention
from media.signing import MediaSigner, load_or_create_key
from media.store import EXTENSIONS, FileMediaStore, MediaStore, StoredObject
from media.urls import MediaUrls
from media.variants import Rendition
from model.record import Icon, ImageRef, ImageVariant

logger = logging.getLogger(__name__)

# CDNs label images application/octet-stream (S3: binary/octet-stream); the decoder sniffs.
IMAGE_TYPES = ("image/*", "application/octet-stream", "binary/octet-stream")
MANIFEST_TYPES = (
    "application/manifest+json",
    "application/json",
    "text/json",
    "text/plain",
    "application/octet-stream",
)
# Bound the fetches one page's icon can cost: a few declared, a few from the manifest, then
# /favicon.ico.
MAX_ICON_TRIES = 3
# Icon results are remembered so that previews of many pages on one site fetch that site's
# /favicon.ico once an hour rather than once per page (SECURITY-CASES F5: many URLs on one
# host must not multiply requests to it), and a failing icon is not asked for again on every
# preview (F2).
RECENT_ICONS: Final = 4096
ICON_TTL: Final = 3600.0
FAILED_ICON_TTL: Final = 900.0
# Keys found present are trusted this long before `holds` asks the store again, so a warm
# batch of cached previews costs no stat or HEAD per image; a key known gone (a /media 404 on
# a URL we signed, or the retention sweep) is acted on at once.
VERIFY_TTL: Final = 60.0
# Keys known present / known gone, remembered at most.
MAX_CHECKED_KEYS: Final = 65_536
_record_json = msgspec.json.Encoder()

T = TypeVar("T")


class _Unknown(enum.Enum):
    """What the icon memo answers for a URL it holds nothing about (None is a failure)."""

    ICON = enum.auto()


class ImageFetcher(Protocol):
    """The part of fetching.SafeFetcher this service uses."""

    @property
    def policy(self) -> FetchPolicy: ...

    async def fetch(
        self,
        url: str,
        *,
        accept: Collection[str],
        max_bytes: int,
        truncate: bool = False,
        headers: Mapping[str, str] | None = None,
        sub_fetch: bool = False,
    ) -> FetchedResponse: ...


@dataclass(frozen=True, slots=True)
class StoredImage:
    width: int
    height: int
    variants: dict[str, ImageVariant]
    placeholder: str
    dominant_color: str | None


class MediaService:
    def __init__(
        self,
        *,
        fetcher: ImageFetcher,
        store: MediaStore,
        signer: MediaSigner,
        public_url: str,
        limits: ImageLimits | None = None,
        retention: MediaRetention | None = None,
        verify_ttl: float = VERIFY_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`retention` is told of every use (stored, served) and tells back what it removed;
        `verify_ttl` and `clock` are how long a key seen in the store is trusted (`holds`)."""
        self.store = store
        self.retention = retention
        self.limits = limits or ImageLimits()
        self.urls = MediaUrls(public_url, signer)
        self._fetcher = fetcher
        self._executor = ThreadPoolExecutor(
            max_workers=self.limits.concurrency, thread_name_prefix="media"
        )
        self._image_flights: SingleFlight[str, StoredImage | None] = SingleFlight()
        self._icon_flights: SingleFlight[str, Icon | None] = SingleFlight()
        self._recent_icons: TtlLru[str, Icon | None] = TtlLru(RECENT_ICONS, ttl=ICON_TTL)
        self._verify_ttl = verify_ttl
        self._present: TtlLru[str, bool] = TtlLru(MAX_CHECKED_KEYS, ttl=verify_ttl, clock=clock)
        self._lost: TtlLru[str, bool] = TtlLru(MAX_CHECKED_KEYS)
        if retention is not None:
            retention.on_lost = self.lost
        configure_pillow(self.limits)

    def lost(self, key: str) -> None:
        """`key` is no longer stored: records naming it are to be fetched again."""
        self._lost.put(key, True)
        self._present.pop(key)

    async def holds(self, record: object) -> bool:
        """Whether every stored object the media URLs in `record` name is still there. A
        store that cannot answer counts as holding them: the preview is served as it is."""
        keys = self.urls.keys_in(_record_json.encode(record).decode())
        if any(self._lost.get(key, False) for key in keys):
            return False
        unchecked = [key for key in keys if not self._present.get(key, False)]
        if not unchecked:
            return True
        try:
            present = await asyncio.gather(*(self.store.exists(key) for key in unchecked))
        except Exception:
            logger.exception("the media store could not say whether it holds %d keys", len(keys))
            return True
        for key, here in zip(unchecked, present, strict=True):
            if here:
                if self._verify_ttl > 0:
                    self._present.put(key, True)
            else:
                self.lost(key)
        return all(present)

    async def ingest_image(self, ref: ImageRef, *, data: bytes | None = None) -> ImageRef | None:
        """`ref` with its four variants pointing at stored copies, its real size, a
        placeholder and a dominant colour; None if the image cannot be kept.

        `data` is the source's bytes when the caller already fetched them (a direct link to
        an image), so the image is not downloaded a second time; they are held to the same
        byte cap as a download.
        """
        try:
            url = self._canonical(ref.source_url)
        except FetchError as exc:
            logger.info("image %s not kept: %s", ref.source_url, _reason(exc))
            return None
        stored = await self._image_flights.run(url, lambda: self._store_image(url, data))
        if stored is None:
            return None
        return msgspec.structs.replace(
            ref,
            width=stored.width,
            height=stored.height,
            thumbnail=stored.variants["thumbnail"],
            medium=stored.variants["medium"],
            large=stored.variants["large"],
            original=stored.variants["original"],
            placeholder=stored.placeholder,
            dominant_color=stored.dominant_color,
        )

    async def ingest_icon(
        self, urls: Sequence[str], *, page_url: str, manifest_url: str | None
    ) -> Icon | None:
        """The first icon that can be kept: of the page's declared icons `urls` (best first,
        as extraction.icons ranks them), then of the manifest's, then /favicon.ico."""
        for url in urls[:MAX_ICON_TRIES]:
            if icon := await self._icon(url):
                return icon
        if manifest_url:
            for url in (await self._manifest_icons(manifest_url))[:MAX_ICON_TRIES]:
                if icon := await self._icon(url):
                    return icon
        fallback = favicon_url(page_url)
        return await self._icon(fallback) if fallback else None

    async def store_document(self, text: str, *, variant: str, content_type: str) -> str | None:
        """A page's text kept under its content hash; the signed URL that serves it, or None
        when the store refuses it (the preview then goes without that URL)."""
        try:
            key = await self.store.put(text.encode("utf-8"), content_type)
        except (OSError, ValueError) as exc:
            logger.warning("document not kept: %s", exc)
            return None
        return self.urls.url(key, variant, EXTENSIONS[content_type])

    async def open(self, signature: str, key: str, filename: str) -> StoredObject | None:
        """The stored object a media URL names, if this service signed that URL."""
        path = self.urls.resolve(signature, key, filename)
        if path is None:
            return None
        stored = await self.store.get(path.key)
        if stored is None:
            # A URL we issued whose object is gone: the previews naming it must fetch again.
            self.lost(path.key)
            return None
        if stored.content_type != path.content_type:
            return None
        if self.retention is not None:
            self.retention.served(path.key)
        return stored

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self.retention is not None:
            await self.retention.aclose()

    async def _store_image(self, url: str, held: bytes | None = None) -> StoredImage | None:
        try:
            if held is not None and len(held) > self.limits.max_bytes:
                raise ImageRejectedError("too_large", "the image is larger than the byte cap")
            data = held if held is not None else await self._download(url)
            processed = await self._run(process_image, data)
            keys: dict[int, str] = {}
            variants: dict[str, ImageVariant] = {}
            for name, rendition in processed.renditions.items():
                if id(rendition) not in keys:
                    keys[id(rendition)] = await self._put(rendition)
                variants[name] = ImageVariant(
                    self.urls.url(keys[id(rendition)], name, rendition.extension),
                    rendition.width,
                    rendition.height,
                )
        except (FetchError, ImageRejectedError) as exc:
            logger.info("image %s not kept: %s", url, _reason(exc))
            return None
        except Exception:
            logger.exception("image %s not kept: unexpected error", url)
            return None
        return StoredImage(
            processed.width,
            processed.height,
            variants,
            processed.placeholder,
            processed.dominant_color,
        )

    async def _icon(self, raw_url: str) -> Icon | None:
        try:
            url = self._canonical(raw_url)
        except FetchError as exc:
            logger.info("icon %s not kept: %s", raw_url, _reason(exc))
            return None
        icon = self._recent_icons.get(url, _Unknown.ICON)
        if icon is not None and not isinstance(icon, _Unknown) and not await self.holds(icon):
            icon = _Unknown.ICON  # its stored copy is gone: store it again
        if isinstance(icon, _Unknown):
            icon = await self._icon_flights.run(url, lambda: self._store_icon(url))
            self._recent_icons.put(url, icon, ttl=None if icon is not None else FAILED_ICON_TTL)
        return icon

    async def _store_icon(self, url: str) -> Icon | None:
        try:
            processed = await self._run(process_icon, await self._download(url))
            rendition = processed.rendition
            key = await self._put(rendition)
        except (FetchError, ImageRejectedError) as exc:
            logger.info("icon %s not kept: %s", url, _reason(exc))
            return None
        except Exception:
            logger.exception("icon %s not kept: unexpected error", url)
            return None
        return Icon(
            url=self.urls.url(key, "icon", rendition.extension),
            width=rendition.width,
            height=rendition.height,
            background_color=processed.background_color,
        )

    async def _manifest_icons(self, manifest_url: str) -> Sequence[str]:
        try:
            response = await self._fetcher.fetch(
                self._canonical(manifest_url),
                accept=MANIFEST_TYPES,
                max_bytes=self.limits.max_manifest_bytes,
                sub_fetch=True,
            )
        except FetchError as exc:
            logger.info("manifest %s not read: %s", manifest_url, _reason(exc))
            return ()
        return manifest_icon_urls(response.body, response.final_url)

    async def _download(self, url: str) -> bytes:
        if url[:5].lower() == "data:":
            return decode_data_uri(url, self.limits.max_bytes)
        response = await self._fetcher.fetch(
            url, accept=IMAGE_TYPES, max_bytes=self.limits.max_bytes, sub_fetch=True
        )
        return response.body

    def _canonical(self, url: str) -> str:
        """The fetcher's canonical form (the in-flight key); `data:` URLs stay as they are."""
        if url[:5].lower() == "data:":
            return url
        return normalize_url(url, self._fetcher.policy)

    async def _run(self, work: Callable[[bytes, ImageLimits], T], data: bytes) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work, data, self.limits)

    async def _put(self, rendition: Rendition) -> str:
        key = await self.store.put(rendition.data, rendition.content_type)
        self._lost.pop(key)
        if self._verify_ttl > 0:
            self._present.put(key, True)
        if self.retention is not None:
            self.retention.stored(key, len(rendition.data))
        return key


def _reason(exc: Exception) -> str:
    if isinstance(exc, FetchError):
        return f"{type(exc).__name__} {exc.message}"
    return str(exc)


def build_media_service(
    *,
    data_dir: Path,
    media_key: str,
    public_url: str,
    fetcher: ImageFetcher,
    limits: ImageLimits | None = None,
    store: MediaStore | None = None,
    max_bytes: int = 0,
    orphan_age: float | None = None,
    clock: Callable[[], float] = time.time,
) -> MediaService:
    """The embedded setup: files under `<data_dir>/media` unless `store` says otherwise, the
    signing key from `media_key` or, when that is empty, from `<data_dir>/media.key` (created
    on first run), and retention (`max_bytes`, `orphan_age`) with its ledger in `data_dir`."""
    key = media_key or load_or_create_key(data_dir / "media.key")
    store = store or FileMediaStore(data_dir / "media")
    retention = MediaRetention(
        store,
        data_dir / "media-ledger.sqlite3",
        max_bytes=max_bytes,
        orphan_age=orphan_age,
        clock=clock,
    )
    return MediaService(
        fetcher=fetcher,
        store=store,
        signer=MediaSigner(key),
        public_url=public_url,
        limits=limits,
        retention=retention,
        clock=clock,
    )
