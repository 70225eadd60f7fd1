"""Size, time, content type and status against the hostile origin (rows C1-C11)."""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
from collections.abc import Iterator

import pytest

from fetching import BodyLimit, FetchError, SafeFetcher
from fetching.errors import TimedOutError, TooLargeError
from fetching.host_limit import HostRate
from fetching.slots import fetching_for
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.conftest import MakeFetcher
from tests.fetching.harness import ORIGIN_HOST, FakeDns, HostileOrigin, MiB, SpyBackend, loads

HTML = ["text/html"]


async def fetch_error(
    fetcher: SafeFetcher, url: str, *, accept: list[str] = HTML, **kwargs: object
) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url, accept=accept, max_bytes=MiB, **kwargs)  # type: ignore[arg-type]
    return caught.value


async def assert_hung_up(origin: HostileOrigin, path: str, limit: int = 64 * MiB) -> None:
    """The origin's write failed: the fetcher closed the connection instead of reading on."""
    exchange = origin.seen(path)[0]
    await asyncio.wait_for(exchange.done.wait(), 5)
    assert exchange.aborted
    assert exchange.body_sent < limit


async def test_declared_length_over_the_cap_is_refused_unread(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C1: Content-Length 10 GB
    error = await fetch_error(fetcher, origin.url("/huge-length"))
    assert error_code(error) is ErrorCode.LINK_TOO_LARGE
    assert error.status == 200
    await assert_hung_up(origin, "/huge-length")


async def test_declared_length_over_the_cap_is_refused_even_when_truncating(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C3 with a declared length: the interface's contract
    error = await fetch_error(fetcher, origin.url("/big-declared"), truncate=True)
    assert error_code(error) is ErrorCode.LINK_TOO_LARGE


async def test_endless_stream_stops_at_the_cap(fetcher: SafeFetcher, origin: HostileOrigin) -> None:
    error = await fetch_error(fetcher, origin.url("/endless"))  # C2
    assert error_code(error) is ErrorCode.LINK_TOO_LARGE
    assert error.status == 200
    await assert_hung_up(origin, "/endless")


@pytest.mark.parametrize("path", ["/endless", "/big-chunked"])
async def test_truncate_returns_the_prefix(
    path: str, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C2, C3: 20 MB of HTML, the head is what matters
    response = await fetcher.fetch(origin.url(path), accept=HTML, max_bytes=MiB, truncate=True)
    assert response.truncated is True
    assert len(response.body) == MiB
    await assert_hung_up(origin, path)


@pytest.mark.parametrize(("size", "truncated"), [(1000, False), (1001, True)])
async def test_the_cap_is_exact(
    size: int, truncated: bool, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    url = origin.url(f"/exact?n={size}")
    response = await fetcher.fetch(url, accept=["text/*"], max_bytes=1000, truncate=True)
    assert response.body == b"x" * 1000
    assert response.truncated is truncated
    if truncated:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(url, accept=["text/*"], max_bytes=1000)
        assert error_code(caught.value) is ErrorCode.LINK_TOO_LARGE
    declared = await fetcher.fetch(
        origin.url("/exact?n=1000&declared=1"), accept=["text/*"], max_bytes=1000
    )
    assert declared.body == b"x" * 1000


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compression_bombs_stop_at_the_decoded_cap_with_flat_memory(
    encoding: str, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C4: ~1 MB (br: bytes) on the wire, 1 GiB decoded
    url = origin.url(f"/bomb/{encoding}")
    tracemalloc.start()
    try:
        response = await fetcher.fetch(url, accept=HTML, max_bytes=MiB, truncate=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.truncated is True
    assert response.body == bytes(MiB)
    assert peak < 6 * MiB  # the cap, one decoder step and buffers; not a gigabyte
    error = await fetch_error(fetcher, url)
    assert error_code(error) is ErrorCode.LINK_TOO_LARGE
    assert error.status == 200


async def test_advertises_exactly_the_bounded_encodings(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    response = await fetcher.fetch(
        origin.url("/echo"),
        accept=["application/json"],
        max_bytes=4096,
        headers={"Accept-Encoding": "zstd", "Host": "evil.example", "X-Extra": "1"},
    )
    seen = loads(response.body)["headers"]
    assert seen["accept-encoding"] == "gzip, deflate, br"
    assert seen["host"] == f"{ORIGIN_HOST}:{origin.port}"
    assert seen["accept"] == "application/json"
    assert seen["user-agent"] == "Linkgraph"
    assert seen["x-extra"] == "1"


@pytest.mark.parametrize("path", ["/zstd", "/corrupt-gzip"])
async def test_unadvertised_or_corrupt_encodings_are_content_errors(
    path: str, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    error = await fetch_error(fetcher, origin.url(path))
    assert error_code(error) is ErrorCode.LINK_CONTENT_ERROR
    assert error.status == 200


async def test_a_slow_drip_cannot_stretch_the_deadline(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:  # C5: each byte arrives well within any per-read timeout
    fetcher = make_fetcher(total_timeout=1.5)
    error = await asyncio.wait_for(fetch_error(fetcher, origin.url("/drip")), 10)
    assert error_code(error) is ErrorCode.LINK_TOOK_TOO_LONG
    assert error.status == 200
    await assert_hung_up(origin, "/drip")


async def test_an_origin_that_never_answers_times_out(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:  # C6
    fetcher = make_fetcher(total_timeout=0.5)
    error = await asyncio.wait_for(fetch_error(fetcher, origin.url("/silent")), 10)
    assert error_code(error) is ErrorCode.LINK_TOOK_TOO_LONG
    assert error.status is None


@pytest.fixture
def blackholes() -> Iterator[list[str]]:
    """Listeners whose accept queue is full: the kernel drops further SYNs, so a connect
    hangs like one to a firewalled host, without leaving loopback."""
    sockets: list[socket.socket] = []
    addresses = []
    port = 0
    for host in ("127.9.0.2", "127.9.0.3", "127.9.0.4"):
        listener = socket.socket()
        listener.bind((host, port))
        port = listener.getsockname()[1]
        listener.listen(0)
        filler = socket.create_connection((host, port), timeout=2)
        sockets += [listener, filler]
        addresses.append(f"{host}:{port}")
    yield addresses
    for sock in sockets:
        sock.close()


async def test_blackholed_records_share_one_connect_budget(
    make_fetcher: MakeFetcher, blackholes: list[str], dns: FakeDns, spy: SpyBackend
) -> None:  # C7
    port = blackholes[0].split(":")[1]
    dns.answers["blackhole.example"] = [[address.split(":")[0] for address in blackholes]]
    fetcher = make_fetcher(connect_timeout=0.6)
    error = await fetch_error(fetcher, f"http://blackhole.example:{port}/")
    assert error_code(error) is ErrorCode.LINK_CONNECTION_ERROR
    assert len(spy.attempts) == 3  # every record was tried...
    given = [timeout for timeout in spy.timeouts if timeout is not None]
    assert len(given) == 3
    assert sum(given) <= 0.6 + 1e-6  # ...within one budget, not three


async def test_a_blackholed_first_record_leaves_time_for_the_next(
    make_fetcher: MakeFetcher, origin: HostileOrigin, dns: FakeDns, spy: SpyBackend
) -> None:  # C7: the origin listens on 127.9.0.1, the blackhole on 127.9.0.2
    fetcher = make_fetcher(connect_timeout=1.0)
    hole = socket.socket()
    try:
        hole.bind(("127.9.0.2", origin.port))
        hole.listen(0)
        filler = socket.create_connection(("127.9.0.2", origin.port), timeout=2)
        dns.answers["twice.example"] = [["127.9.0.2", ORIGIN_HOST]]
        response = await fetcher.fetch(
            f"http://twice.example:{origin.port}/html", accept=HTML, max_bytes=1024
        )
        assert response.status == 200
        assert [host for host, _ in spy.attempts] == ["127.9.0.2", ORIGIN_HOST]
        filler.close()
    finally:
        hole.close()


async def test_connection_refused_is_a_connection_error(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    free = socket.socket()
    free.bind((ORIGIN_HOST, 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there now
    error = await fetch_error(fetcher, f"http://{ORIGIN_HOST}:{port}/")
    assert error_code(error) is ErrorCode.LINK_CONNECTION_ERROR
    assert error.status is None


async def test_a_connection_cut_mid_body_is_a_connection_error(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:
    error = await fetch_error(fetcher, origin.url("/cut"))
    assert error_code(error) is ErrorCode.LINK_CONNECTION_ERROR
    assert error.status == 200


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/video", "video/mp4"), ("/audio", "audio/mpeg"), ("/zip", "application/zip")],
)
async def test_unwanted_media_types_are_refused_on_headers(
    path: str, media_type: str, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C8: 50 MB behind each, never downloaded
    error = await fetch_error(fetcher, origin.url(path), accept=["text/html", "image/*"])
    assert error_code(error) is ErrorCode.LINK_IS_NOT_SUPPORTED
    assert error.media_type == media_type
    assert error.status == 200
    await assert_hung_up(origin, path)


async def test_a_missing_content_type_is_octet_stream(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C9
    error = await fetch_error(fetcher, origin.url("/no-type"), accept=["text/html", "image/*"])
    assert error_code(error) is ErrorCode.LINK_IS_NOT_SUPPORTED
    assert error.media_type == "application/octet-stream"
    response = await fetcher.fetch(
        origin.url("/no-type"), accept=["application/octet-stream"], max_bytes=1024
    )
    assert response.media_type == "application/octet-stream"
    assert response.charset is None
    assert response.body.startswith(b"\x00\x01")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (404, ErrorCode.LINK_NOT_FOUND),
        (410, ErrorCode.LINK_IS_GONE),
        (500, ErrorCode.LINK_SERVER_ERROR),
        (502, ErrorCode.LINK_SERVER_ERROR),
        (503, ErrorCode.LINK_SERVER_ERROR),
        (400, ErrorCode.LINK_CONTENT_ERROR),
        (401, ErrorCode.LINK_CONTENT_ERROR),
        (403, ErrorCode.LINK_CONTENT_ERROR),
        (429, ErrorCode.LINK_CONTENT_ERROR),
    ],
)
async def test_non_2xx_statuses_map_to_codes(
    status: int, code: ErrorCode, fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C10
    error = await fetch_error(fetcher, origin.url(f"/status?code={status}"))
    assert error_code(error) is code
    assert error.status == status


async def test_bodies_come_back_byte_exact_with_their_label(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # C11: Shift_JIS labelled UTF-8; decoding is the page parser's job
    response = await fetcher.fetch(origin.url("/sjis"), accept=HTML, max_bytes=4096)
    assert response.body == "<html><title>日本語のページ</title></html>".encode("shift_jis")
    assert response.media_type == "text/html"
    assert response.charset == "utf-8"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.redirected is False
    assert response.final_url == response.url == origin.url("/sjis")


async def test_concurrency_is_capped(make_fetcher: MakeFetcher, origin: HostileOrigin) -> None:
    fetcher = make_fetcher(concurrency=2)
    results = await asyncio.gather(
        *(fetcher.fetch(origin.url("/slow"), accept=HTML, max_bytes=1024) for _ in range(6))
    )
    assert all(result.status == 200 for result in results)
    assert origin.peak_in_flight == 2


async def test_sub_fetches_have_slots_of_their_own(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    """A page's icon or image never queues behind other links' pages: with every page slot
    taken, sub-fetches still run (as many at once as pages may)."""
    fetcher = make_fetcher(concurrency=2)
    pages = [fetcher.fetch(origin.url("/slow"), accept=HTML, max_bytes=1024) for _ in range(4)]
    subs = [
        fetcher.fetch(origin.url("/slow"), accept=HTML, max_bytes=1024, sub_fetch=True)
        for _ in range(4)
    ]
    results = await asyncio.gather(*pages, *subs)
    assert all(result.status == 200 for result in results)
    assert origin.peak_in_flight == 4


async def test_waiting_for_a_slot_has_a_deadline(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    """A link queued behind slow ones answers "took too long" within its queue deadline
    rather than waiting without end (one client's slow links once made another's cold link
    take 59 s)."""
    fetcher = make_fetcher(concurrency=1, queue_timeout=0.5, total_timeout=5.0)
    results = await asyncio.gather(
        *(fetcher.fetch(origin.url("/slow"), accept=HTML, max_bytes=1024) for _ in range(6)),
        return_exceptions=True,
    )  # 6 x 0.2 s in a row: the last ones cannot get a slot before their deadline passes
    assert not isinstance(results[0], BaseException)
    assert results[0].status == 200
    assert isinstance(results[-1], TimedOutError)
    assert len(origin.seen("/slow")) < 6, "the ones that timed out queued were never sent"
    assert origin.peak_in_flight == 1


async def test_one_tenants_slow_fetches_leave_slots_to_another(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    """Proved by order, not by time: the other tenant's fetch is answered while the first
    tenant's fetches are all still held open by the origin."""
    fetcher = make_fetcher(concurrency=2, client_share=1)
    with fetching_for("slow client"):
        slow = [
            asyncio.create_task(fetcher.fetch(origin.url("/held"), accept=HTML, max_bytes=1024))
            for _ in range(3)
        ]
    await asyncio.sleep(0)
    with fetching_for("other client"):
        other = await asyncio.wait_for(
            fetcher.fetch(origin.url("/html"), accept=HTML, max_bytes=1024), timeout=4
        )
    assert other.status == 200
    assert not any(task.done() for task in slow), "answered while the slow ones are held"
    origin.release_held.set()
    assert [(await task).status for task in slow] == [200] * 3


async def test_a_client_alone_uses_all_but_the_reserve(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    """Past its share a client may take slots while a reserve stays free: alone, its burst
    has 7 of 8 slots (not its share of 2), and another client still finds the eighth."""
    fetcher = make_fetcher(concurrency=8, client_share=2)
    with fetching_for("bursting client"):
        burst = [
            asyncio.create_task(fetcher.fetch(origin.url("/held"), accept=HTML, max_bytes=1024))
            for _ in range(10)
        ]
    for _ in range(500):  # until the origin holds every request the slots let through
        if len(origin.seen("/held")) >= 7:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # room for an eighth that must not come
    assert len(origin.seen("/held")) == 7
    with fetching_for("other client"):
        other = await asyncio.wait_for(
            fetcher.fetch(origin.url("/html"), accept=HTML, max_bytes=1024), timeout=4
        )
    assert other.status == 200
    assert not any(task.done() for task in burst)
    origin.release_held.set()
    assert [(await task).status for task in burst] == [200] * 10


async def test_a_wait_for_the_site_limit_holds_no_slot(
    make_fetcher: MakeFetcher, origin: HostileOrigin
) -> None:
    """A fetch paced by the per-site limit gives its slot back while it waits."""
    fetcher = make_fetcher(concurrency=1, host_limit=HostRate(rate=2, burst=1))
    paced = [
        asyncio.create_task(fetcher.fetch(origin.url("/html"), accept=HTML, max_bytes=1024))
        for _ in range(2)
    ]  # the second waits ~0.5 s for the origin's site
    await asyncio.sleep(0.05)
    # The same server under a name of its own: another site, not paced.
    elsewhere = origin.url("/html").replace(ORIGIN_HOST, "origin.test")
    other = await asyncio.wait_for(fetcher.fetch(elsewhere, accept=HTML, max_bytes=1024), timeout=4)
    assert not paced[1].done(), "answered while the paced fetch still waits for its site"
    assert [(await task).status for task in paced] == [200, 200]
    assert other.status == 200


async def test_limits_per_media_type_are_chosen_from_the_headers(
    fetcher: SafeFetcher, origin: HostileOrigin
) -> None:  # one request serves a link whose kind only its answer names
    limits = {
        "video/*": BodyLimit(64 * 1024, head=True),
        "audio/mpeg": BodyLimit(MiB),
        "text/plain": BodyLimit(4),
    }
    accept = ["text/html", "video/*", "audio/*"]
    # Only the head of a video is wanted: its declared 50 MB is no refusal, and no more than
    # the head is read before the connection is closed.
    video = await fetcher.fetch(origin.url("/video"), accept=accept, max_bytes=1, limits=limits)
    assert (video.media_type, len(video.body), video.truncated) == ("video/mp4", 64 * 1024, True)
    await assert_hung_up(origin, "/video")
    # A whole-read type over its own cap is refused, naming the type it was.
    audio = await fetch_error(fetcher, origin.url("/audio"), accept=accept, limits=limits)
    assert (type(audio), audio.media_type, audio.status) == (TooLargeError, "audio/mpeg", 200)
    # Types the limits do not name keep the call's own cap.
    page = await fetch_error(fetcher, origin.url("/huge-length"), accept=accept, limits=limits)
    assert type(page) is TooLargeError
