"""End to end: a real origin on loopback, the real SafeFetcher, the store, and the pixels the
media route serves, decoded and measured."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest

import media.service
from fetching import SafeFetcher
from media import MediaService, build_media_service
from media.limits import ImageLimits
from media.processing import ProcessedImage, process_image
from model.record import ImageRef
from tests.media import images
from tests.media.conftest import PUBLIC_URL, make_policy
from tests.media.helpers import get_image, variants
from tests.media.origin import ImageOrigin


async def ingest(service: MediaService, url: str) -> ImageRef:
    ref = await service.ingest_image(ImageRef(source_url=url, width=720, height=720))
    assert ref is not None
    return ref


@pytest.mark.parametrize(
    ("body", "content_type", "sizes", "served_type"),
    [
        (
            images.jpeg(404, 404),
            "image/jpeg",
            [(320, 320), (404, 404), (404, 404), (404, 404)],
            "image/jpeg",
        ),
        (
            images.alpha_png(2000, 1000),
            "image/png",
            [(320, 160), (640, 320), (1280, 640), (2000, 1000)],
            "image/webp",
        ),
        (images.jpeg(100, 100), "image/jpeg", [(100, 100)] * 4, "image/jpeg"),
        (
            images.webp(900, 300),
            "image/webp",
            [(320, 107), (640, 213), (900, 300), (900, 300)],
            "image/jpeg",
        ),
    ],
    ids=["avatar-404", "wide-alpha-2000", "tiny-100", "webp-900"],
)
async def test_served_pixels_match_the_stated_sizes(
    image_origin: ImageOrigin,
    service: MediaService,
    client: httpx.AsyncClient,
    body: bytes,
    content_type: str,
    sizes: list[tuple[int, int]],
    served_type: str,
) -> None:
    ref = await ingest(service, image_origin.serve("/image", body, content_type))
    stated = [(v.width, v.height) for v in variants(ref)]
    assert stated == sizes
    served = []
    for variant in variants(ref):
        assert variant.url.startswith(f"{PUBLIC_URL}/media/")
        response, image = await get_image(client, variant.url)
        assert response.headers["content-type"] == served_type
        served.append(image.size)
    assert served == stated
    widths = [w for w, _ in served]
    assert widths == sorted(widths)
    assert (ref.width, ref.height) == sizes[-1]  # the real size replaces the declared 720


async def test_record_gets_placeholder_and_dominant_color(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    ref = await ingest(service, image_origin.serve("/avatar.jpg", images.jpeg(404, 404)))
    assert ref.placeholder is not None
    assert ref.placeholder.startswith("data:image/webp;base64,")
    assert ref.dominant_color is not None
    assert len(ref.dominant_color) == 7
    assert ref.dominant_color.startswith("#")


async def test_mislabelled_octet_stream_is_sniffed(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    url = image_origin.serve("/cdn/blob", images.jpeg(404, 404), "application/octet-stream")
    ref = await ingest(service, url)
    _, image = await get_image(client, variants(ref)[0].url)
    assert image.size == (320, 320)


async def test_animated_gif_variants_are_its_first_frame(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    ref = await ingest(
        service, image_origin.serve("/a.gif", images.animated_gif(400, 200), "image/gif")
    )
    _, image = await get_image(client, variants(ref)[0].url)
    assert image.size == (320, 160)
    red, green, blue, _ = images.rgba(image, (160, 80))
    assert red > 200
    assert green < 50
    assert blue < 50


async def test_exif_rotation_is_applied_and_metadata_is_not_served(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    body = images.jpeg_with_exif(600, 400, orientation=6, gps=True)
    ref = await ingest(service, image_origin.serve("/rotated.jpg", body))
    assert (ref.width, ref.height) == (400, 600)
    for variant in variants(ref):
        response, image = await get_image(client, variant.url)
        assert image.size == (variant.width, variant.height)
        assert image.height > image.width
        assert not image.getexif()
        assert b"SecretCamera" not in response.content


# Refusals: the caller gets None and drops the field (E1-E6).


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (images.png_header_bomb(60_000, 60_000), "image/png"),
        (images.jpeg_header_bomb(), "image/jpeg"),
        (images.gif_patched(frame=(5_000, 5_000)), "image/gif"),
        (images.tiff(), "image/png"),
        (images.psd_header(), "image/png"),
        (images.fits(), "image/png"),
        (images.SVG, "image/svg+xml"),
        (images.truncated_jpeg(), "image/jpeg"),
        (b"<html>not an image</html>", "application/octet-stream"),
    ],
    ids=["png-bomb", "jpeg-bomb", "gif-extent", "tiff", "psd", "fits", "svg", "truncated", "html"],
)
async def test_refused_images_give_none_and_store_nothing(
    image_origin: ImageOrigin, service: MediaService, body: bytes, content_type: str
) -> None:
    url = image_origin.serve("/bad", body, content_type)
    assert await service.ingest_image(ImageRef(source_url=url)) is None
    assert image_origin.count("/bad") == 1
    assert not await service.store.list()


async def test_non_image_content_type_is_refused_unread(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    url = image_origin.serve("/page", b"<html></html>", "text/html")
    assert await service.ingest_image(ImageRef(source_url=url)) is None
    assert image_origin.count("/page") == 1


async def test_missing_image_gives_none(image_origin: ImageOrigin, service: MediaService) -> None:
    assert await service.ingest_image(ImageRef(source_url=image_origin.url("/nope.jpg"))) is None
    assert image_origin.count("/nope.jpg") == 1


async def test_blocked_image_host_is_never_contacted(
    blocked_origin: ImageOrigin, image_origin: ImageOrigin, service: MediaService
) -> None:
    body = images.jpeg(64, 64)
    url = blocked_origin.serve("/internal.jpg", body)
    assert await service.ingest_image(ImageRef(source_url=url)) is None
    assert blocked_origin.count() == 0
    # The same bytes on an allowed origin are kept: only the destination made the difference.
    allowed = image_origin.serve("/internal.jpg", body)
    assert await service.ingest_image(ImageRef(source_url=allowed)) is not None


async def test_image_over_the_byte_cap_is_refused(
    image_origin: ImageOrigin, fetcher: SafeFetcher, tmp_path: Path
) -> None:
    small = build_media_service(
        data_dir=tmp_path,
        media_key="",
        public_url=PUBLIC_URL,
        fetcher=fetcher,
        limits=ImageLimits(max_bytes=10_000),
    )
    url = image_origin.serve("/big.png", images.opaque_png(400, 400), "image/png")
    assert await small.ingest_image(ImageRef(source_url=url)) is None
    fits = image_origin.serve("/small.png", images.opaque_png(20, 20), "image/png")
    assert await small.ingest_image(ImageRef(source_url=fits)) is not None
    await small.aclose()


async def test_slow_image_times_out_to_none(image_origin: ImageOrigin, tmp_path: Path) -> None:
    async with SafeFetcher(make_policy(total_timeout=0.5)) as fetcher:
        service = build_media_service(
            data_dir=tmp_path, media_key="", public_url=PUBLIC_URL, fetcher=fetcher
        )
        url = image_origin.serve("/slow.jpg", images.jpeg(64, 64), delay=2.0)
        # Without the deadline the image would arrive after 2 s and be kept.
        assert await service.ingest_image(ImageRef(source_url=url)) is None
        assert image_origin.count("/slow.jpg") == 1
        await service.aclose()


# Sharing, concurrency and persistence.


async def test_concurrent_ingests_of_one_source_fetch_it_once(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    url = image_origin.serve("/popular.jpg", images.jpeg(404, 404), delay=0.2)
    refs = await asyncio.gather(
        *(service.ingest_image(ImageRef(source_url=url)) for _ in range(20))
    )
    assert image_origin.count("/popular.jpg") == 1
    assert all(ref is not None for ref in refs)
    assert len({ref.thumbnail for ref in refs if ref is not None}) == 1


async def test_a_cancelled_caller_does_not_cancel_the_others(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    url = image_origin.serve("/shared.jpg", images.jpeg(300, 300), delay=0.3)
    impatient = asyncio.create_task(service.ingest_image(ImageRef(source_url=url)))
    patient = asyncio.create_task(service.ingest_image(ImageRef(source_url=url)))
    await asyncio.sleep(0.1)
    impatient.cancel()
    ref = await patient
    assert ref is not None
    assert image_origin.count("/shared.jpg") == 1


async def test_decoding_runs_off_the_event_loop_within_the_concurrency_cap(
    image_origin: ImageOrigin, service: MediaService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each decode waits until the event loop itself sees the cap's worth of decodes running
    at once: a decode on the loop's thread would stop the loop from ever seeing that (every
    wait then runs out), and so would a cap below two. No clock decides the outcome."""
    lock = threading.Lock()
    running = 0
    peak = 0
    threads: set[int] = set()
    release = threading.Event()
    released: list[bool] = []

    def slow_process(data: bytes, limits: ImageLimits) -> ProcessedImage:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        released.append(release.wait(timeout=10))
        with lock:
            running -= 1
        return process_image(data, limits)

    monkeypatch.setattr(media.service, "process_image", slow_process)
    urls = [image_origin.serve(f"/many/{i}.jpg", images.jpeg(64 + i, 64)) for i in range(6)]

    async def watcher() -> None:
        while True:
            await asyncio.sleep(0.01)
            with lock:
                if running == service.limits.concurrency:
                    release.set()

    watching = asyncio.create_task(watcher())
    refs = await asyncio.gather(*(service.ingest_image(ImageRef(source_url=u)) for u in urls))
    watching.cancel()
    assert all(ref is not None for ref in refs)
    assert peak == service.limits.concurrency == 2
    assert threading.get_ident() not in threads
    assert released == [True] * 6, "the loop never saw two decodes running at once"


async def test_source_gone_later_keeps_serving_from_the_store(
    image_origin: ImageOrigin, service: MediaService, client: httpx.AsyncClient
) -> None:
    url = image_origin.serve("/expiring.jpg?x-expires=1700000000", images.jpeg(404, 404))
    ref = await ingest(service, url)
    first = [(await get_image(client, v.url))[0].content for v in variants(ref)]
    image_origin.remove("/expiring.jpg?x-expires=1700000000")
    hits = image_origin.count()
    again = [(await get_image(client, v.url))[0].content for v in variants(ref)]
    assert again == first
    assert image_origin.count() == hits  # serving never goes back to the source
    assert await service.ingest_image(ImageRef(source_url=url)) is None  # the source is gone


async def test_a_restarted_service_on_the_same_data_dir_serves_old_urls(
    image_origin: ImageOrigin, fetcher: SafeFetcher, data_dir: Path
) -> None:
    first = build_media_service(
        data_dir=data_dir, media_key="", public_url=PUBLIC_URL, fetcher=fetcher
    )
    ref = await ingest(first, image_origin.serve("/kept.jpg", images.jpeg(404, 404)))
    await first.aclose()
    second = build_media_service(
        data_dir=data_dir, media_key="", public_url=PUBLIC_URL, fetcher=fetcher
    )
    url = variants(ref)[0].url
    signature, key, filename = url.removeprefix(f"{PUBLIC_URL}/media/").split("/")
    stored = await second.open(signature, key, filename)
    assert stored is not None
    assert images.decode(stored.body).size == (320, 320)
    await second.aclose()


async def test_inline_data_uri_images_are_decoded_without_a_fetch(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    import base64

    uri = "data:image/png;base64," + base64.b64encode(images.opaque_png(50, 40)).decode()
    ref = await service.ingest_image(ImageRef(source_url=uri))
    assert ref is not None
    assert (ref.width, ref.height) == (50, 40)
    assert image_origin.count() == 0


async def test_bytes_already_read_are_stored_without_a_download(
    image_origin: ImageOrigin, service: MediaService
) -> None:
    body = images.opaque_png(200, 100)
    url = image_origin.serve("/held.png", body, "image/png")
    ref = await service.ingest_image(ImageRef(source_url=url), data=body)
    assert ref is not None
    assert (ref.width, ref.height) == (200, 100)
    assert image_origin.count("/held.png") == 0
    # Held bytes meet the same checks as downloaded ones: a non-image is refused.
    junk = image_origin.serve("/junk.png", b"not an image", "image/png")
    assert await service.ingest_image(ImageRef(source_url=junk), data=b"not an image") is None
    assert image_origin.count("/junk.png") == 0
