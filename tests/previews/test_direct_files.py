"""Direct links to files through the real DirectBackend: a scriptable origin on loopback
serves real files made in the test, the real SafeFetcher fetches them and the real media
store keeps their images."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from model.record import (
    Account,
    AudioFile,
    DocumentFile,
    ErrorCode,
    Failure,
    GithubRepository,
    ImageFile,
    ImageRef,
    LinkType,
    MediaItem,
    MediaKind,
    Outcome,
    Preview,
    TextFile,
    VideoFile,
    XPost,
    XUser,
)
from previews.direct import DirectBackend
from tests.fetching.harness import HostileOrigin, MiB, Reply, repeat
from tests.files import backend as fixtures
from tests.files import samples
from tests.files.backend import PROBE_BYTES, serve

GiB = 1024 * MiB

# The shared fixtures, by name, so that pytest finds them in this module.
backend = fixtures.backend
file_origin = fixtures.file_origin
media_service = fixtures.media_service


def _preview(outcome: Outcome) -> Preview:
    assert isinstance(outcome, Preview), outcome
    return outcome


def _stored(ref: ImageRef | None) -> bool:
    return (
        ref is not None
        and ref.original is not None
        and ref.original.url.startswith("http://media.test/")
    )


async def _finished(origin: HostileOrigin, path: str) -> int:
    """Bytes of body the origin sent on its last exchange for `path`, once it is over."""
    exchange = origin.seen(path)[-1]
    await asyncio.wait_for(exchange.done.wait(), 30)
    return exchange.body_sent


async def test_png(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    body = samples.png(64, 48, alpha=True)
    serve(file_origin, "/pics/photo.png", body, "image/png")
    preview = _preview(await backend.preview(file_origin.url("/pics/photo.png")))
    assert preview.type is LinkType.IMAGE
    assert preview.status == 200
    assert preview.size == len(body)
    assert preview.title == "photo.png"
    details = preview.details
    assert isinstance(details, ImageFile)
    assert (details.width, details.height, details.format) == (64, 48, "png")
    assert details.has_alpha_channel is True
    assert details.frames == 1
    assert details.dominant_color is not None
    assert details.background_color is not None
    assert _stored(preview.image)
    assert preview.image is not None
    assert (preview.image.width, preview.image.height) == (64, 48)


async def test_jpeg(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/a.jpg", samples.jpeg(80, 60), "image/jpeg")
    preview = _preview(await backend.preview(file_origin.url("/a.jpg")))
    assert isinstance(preview.details, ImageFile)
    assert (preview.details.format, preview.details.width) == ("jpeg", 80)
    assert preview.details.has_alpha_channel is False
    assert _stored(preview.image)


async def test_gifs(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/still.gif", samples.gif(1), "image/gif")
    serve(file_origin, "/moving.gif", samples.gif(4, delay_ms=250), "image/gif")
    still, moving = await asyncio.gather(
        backend.preview(file_origin.url("/still.gif")),
        backend.preview(file_origin.url("/moving.gif")),
    )
    assert _preview(still).type is LinkType.IMAGE
    moving = _preview(moving)
    assert moving.type is LinkType.VIDEO
    assert isinstance(moving.details, VideoFile)
    assert moving.details.format == "gif"
    assert moving.details.duration == 1.0
    assert _stored(moving.image), "the still of an animated GIF is kept"


def _video_route(origin: HostileOrigin, path: str, head: bytes, length: int) -> None:
    """A video of `length` declared bytes: `head`, then zeros, streamed until the client
    hangs up (the origin counts what it managed to send)."""

    @origin.route(path)
    async def video(reply: Reply) -> None:
        await reply.head(200, [("Content-Type", "video/mp4"), ("Content-Length", str(length))])
        await reply.body(head)
        await reply.stream(repeat(b"\0" * 65536, length - len(head)))


async def test_mp4_reads_only_its_head(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    head = samples.mp4(seconds=6, width=640, height=360, title="Loopback film")
    _video_route(file_origin, "/v/clip.mp4", head, GiB)
    preview = _preview(await backend.preview(file_origin.url("/v/clip.mp4")))
    assert preview.type is LinkType.VIDEO
    assert preview.status == 200
    assert preview.size == GiB, "the whole size, from Content-Length"
    assert preview.title == "Loopback film"
    details = preview.details
    assert isinstance(details, VideoFile)
    assert (details.width, details.height, details.duration) == (640, 360, 6.0)
    assert details.video_codec == "h264"
    assert details.has_audio is True
    # One request, closed once its head was read: the gigabyte behind it is never sent.
    (exchange,) = file_origin.seen("/v/clip.mp4")
    assert "range" not in exchange.request.headers
    assert await _finished(file_origin, "/v/clip.mp4") < GiB // 4


async def test_a_1_gb_video(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    _video_route(file_origin, "/huge.mp4", samples.mp4(seconds=3600), GiB)
    preview = _preview(await backend.preview(file_origin.url("/huge.mp4")))
    assert preview.size == GiB
    assert isinstance(preview.details, VideoFile)
    assert preview.details.duration == 3600.0
    assert preview.details.bit_rate == round(GiB * 8 / 3600)
    assert await _finished(file_origin, "/huge.mp4") < GiB // 4


async def test_a_1_gb_video_with_an_unreadable_head(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    _video_route(file_origin, "/endless.mp4", b"", GiB)
    preview = _preview(await backend.preview(file_origin.url("/endless.mp4")))
    assert preview.type is LinkType.VIDEO
    assert preview.details == VideoFile(format="mp4")
    assert preview.size == GiB, "what the headers declared"
    assert preview.title == "endless.mp4"
    assert await _finished(file_origin, "/endless.mp4") < GiB // 4


async def test_an_endless_video_without_length(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    head = samples.mp4(seconds=10, width=1280, height=720)

    @file_origin.route("/live.mp4")
    async def live(reply: Reply) -> None:
        await reply.head(200, [("Content-Type", "video/mp4"), ("Connection", "close")])
        await reply.body(head)
        await reply.stream(repeat(b"\0" * 65536, GiB))

    preview = _preview(await backend.preview(file_origin.url("/live.mp4")))
    assert isinstance(preview.details, VideoFile)
    assert (preview.details.width, preview.details.height) == (1280, 720)
    assert preview.size is None, "nothing declared the size and only a prefix was read"
    assert await _finished(file_origin, "/live.mp4") < GiB // 4


async def test_mp3_with_cover(
    backend: DirectBackend, file_origin: HostileOrigin, tmp_path: Path
) -> None:
    body = samples.mp3(tmp_path / "song.mp3", frames=3000, artwork=samples.jpeg(30, 30))
    assert len(body) > PROBE_BYTES
    serve(file_origin, "/song.mp3", body, "audio/mpeg")
    preview = _preview(await backend.preview(file_origin.url("/song.mp3")))
    assert preview.type is LinkType.AUDIO
    assert preview.title == "Night Drive"
    assert preview.size == len(body)
    details = preview.details
    assert isinstance(details, AudioFile)
    assert (details.artist, details.album, details.bit_rate) == ("The Testers", "Loopback", 128000)
    assert details.duration is not None
    assert abs(details.duration - 3000 * 1152 / 44100) < 2
    assert _stored(details.album_artwork)
    assert details.album_artwork is not None
    assert not details.album_artwork.source_url.startswith("data:")
    assert preview.image == details.album_artwork


async def test_wav(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/tone.wav", samples.wav(seconds=2.0), "audio/wav")
    preview = _preview(await backend.preview(file_origin.url("/tone.wav")))
    assert isinstance(preview.details, AudioFile)
    assert preview.details.duration == 2.0
    assert preview.details.format == "wav"
    assert preview.title == "tone.wav"


async def test_pdf(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    body = samples.pdf(pages=5)
    serve(file_origin, "/docs/report.pdf", body, "application/pdf")
    preview = _preview(await backend.preview(file_origin.url("/docs/report.pdf")))
    assert preview.type is LinkType.DOCUMENT
    assert preview.title == "Quarterly Report"
    assert preview.size == len(body)
    details = preview.details
    assert isinstance(details, DocumentFile)
    assert (details.page_count, details.author, details.is_encrypted) == (5, "Ada Lovelace", False)


async def test_hostile_pdfs(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/locked.pdf", samples.pdf(password="pw"), "application/pdf")
    serve(file_origin, "/deep.pdf", samples.nested_pdf(), "application/pdf")
    serve(file_origin, "/cut.pdf", samples.pdf()[:300], "application/pdf")
    locked, deep, cut = [
        _preview(await backend.preview(file_origin.url(path)))
        for path in ("/locked.pdf", "/deep.pdf", "/cut.pdf")
    ]
    assert isinstance(locked.details, DocumentFile)
    assert locked.details.is_encrypted is True
    assert locked.title == "locked.pdf"
    assert isinstance(deep.details, DocumentFile)
    assert deep.details.format == "pdf"
    assert isinstance(cut.details, DocumentFile)
    assert cut.details.page_count is None


async def test_pdf_over_the_cap_keeps_its_type(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    @file_origin.route("/big.pdf")
    async def big(reply: Reply) -> None:
        await reply.head(200, [("Content-Type", "application/pdf"), ("Content-Length", str(GiB))])
        await reply.stream(repeat(b"%" * 65536, GiB))

    preview = _preview(await backend.preview(file_origin.url("/big.pdf")))
    assert preview.details == DocumentFile(format="pdf")
    assert await _finished(file_origin, "/big.pdf") < GiB // 4


async def test_text(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    body = ("Release notes\n\n" + "change " * 500 + "\n").encode()
    serve(file_origin, "/NOTES.txt", body, "text/plain; charset=utf-8")
    preview = _preview(await backend.preview(file_origin.url("/NOTES.txt")))
    assert preview.type is LinkType.TEXT
    assert preview.title == "Release notes"
    assert preview.size == len(body)
    details = preview.details
    assert isinstance(details, TextFile)
    assert (details.encoding, details.words_count, details.lines_count) == ("utf-8", 502, 3)
    assert details.estimated_reading_time_in_minutes == 3


async def test_wrong_and_cut_bytes(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    serve(file_origin, "/fake.png", b"<html><title>not a png</title></html>", "image/png")
    serve(file_origin, "/cut.png", samples.png(200, 200)[:120], "image/png")
    serve(file_origin, "/fake.mp4", b"<html>nope</html>", "video/mp4")
    for path, kind, details in (
        ("/fake.png", LinkType.IMAGE, ImageFile(format="png")),
        ("/cut.png", LinkType.IMAGE, ImageFile(format="png")),
        ("/fake.mp4", LinkType.VIDEO, VideoFile(format="mp4")),
    ):
        preview = _preview(await backend.preview(file_origin.url(path)))
        assert (preview.type, preview.details) == (kind, details), path
        assert preview.image is None, path


async def test_svg_is_not_rasterised(backend: DirectBackend, file_origin: HostileOrigin) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    serve(file_origin, "/logo.svg", svg, "image/svg+xml")
    preview = _preview(await backend.preview(file_origin.url("/logo.svg")))
    assert preview.details == ImageFile(format="svg")
    assert preview.image is None


async def test_archives_stay_unsupported(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/a.zip", b"PK\x03\x04" + bytes(100), "application/zip")
    serve(file_origin, "/blob", bytes(100), "application/octet-stream")
    for path in ("/a.zip", "/blob"):
        outcome = await backend.preview(file_origin.url(path))
        assert isinstance(outcome, Failure), path
        assert outcome.code is ErrorCode.LINK_IS_NOT_SUPPORTED
        assert len(file_origin.seen(path)) == 1, "refused on the first answer's headers"


async def test_a_file_link_is_fetched_once(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    """Whatever kind the answer names, that one answer is what the preview is read from."""
    files = {
        "/once/photo.png": (samples.png(32, 32), "image/png", LinkType.IMAGE),
        "/once/logo.svg": (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "image/svg+xml",
            LinkType.IMAGE,
        ),
        "/once/clip.mp4": (samples.mp4(seconds=2), "video/mp4", LinkType.VIDEO),
        "/once/tone.wav": (samples.wav(seconds=1.0), "audio/wav", LinkType.AUDIO),
        "/once/report.pdf": (samples.pdf(pages=2), "application/pdf", LinkType.DOCUMENT),
        "/once/NOTES.txt": (b"Notes\n\nsome words\n", "text/plain", LinkType.TEXT),
    }
    for path, (body, content_type, _) in files.items():
        serve(file_origin, path, body, content_type)

    @file_origin.route("/once/big.pdf")
    async def big(reply: Reply) -> None:
        await reply.head(200, [("Content-Type", "application/pdf"), ("Content-Length", str(GiB))])
        await reply.stream(repeat(b"%" * 65536, GiB))

    files["/once/big.pdf"] = (b"", "application/pdf", LinkType.DOCUMENT)
    for path, (_, _, kind) in files.items():
        preview = _preview(await backend.preview(file_origin.url(path)))
        assert preview.type is kind, path
        assert len(file_origin.seen(path)) == 1, f"{path} was requested more than once"


async def test_every_image_inside_details_is_kept(
    backend: DirectBackend, file_origin: HostileOrigin
) -> None:
    serve(file_origin, "/avatar.png", samples.png(40, 40), "image/png")
    serve(file_origin, "/photo.jpg", samples.jpeg(90, 60), "image/jpeg")
    avatar = ImageRef(source_url=file_origin.url("/avatar.png"))
    missing = ImageRef(source_url=file_origin.url("/gone.png"))
    user = XUser(username="u", profile_url="https://x.test/u", avatar=avatar, cover=missing)
    post = XPost(
        user=user,
        media=(
            MediaItem(kind=MediaKind.IMAGE, image=ImageRef(file_origin.url("/photo.jpg"))),
            MediaItem(kind=MediaKind.VIDEO, image=missing, url="https://v.test/1.mp4"),
        ),
    )
    preview = Preview(
        url="https://x.test/u/status/1",
        final_url="https://x.test/u/status/1",
        domain="x.test",
        type=LinkType.X_POST,
        status=200,
        updated_at=datetime.now(UTC),
        image=avatar,
        details=post,
    )
    stored = await backend._with_media(preview)
    details = stored.details
    assert isinstance(details, XPost)
    assert details.user is not None
    assert _stored(details.user.avatar)
    assert _stored(stored.image)
    assert details.user.cover is None, "an image that cannot be kept drops its own field"
    assert _stored(details.media[0].image)
    assert details.media[1].image is None
    assert details.media[1].url == "https://v.test/1.mp4"
    assert len(file_origin.seen("/avatar.png")) == 1, "one download per source URL"
    assert len(file_origin.seen("/gone.png")) == 1

    repository = GithubRepository(name="o/r", owner=Account(username="o", avatar=avatar))
    kept = await backend._with_media(
        Preview(
            url="https://github.test/o/r",
            final_url="https://github.test/o/r",
            domain="github.test",
            type=LinkType.GITHUB_REPOSITORY,
            status=200,
            updated_at=datetime.now(UTC),
            details=repository,
        )
    )
    assert isinstance(kept.details, GithubRepository)
    assert kept.details.owner is not None
    assert _stored(kept.details.owner.avatar)
