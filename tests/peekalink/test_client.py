"""The Peekalink backend on its own against the stand-in: retries, deadlines, the cap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from pydantic import SecretStr

from model.record import ErrorCode, Failure, Preview
from previews.peekalink import PeekalinkBackend
from tests.peekalink.conftest import KEY
from tests.support.peekalink_standin import PeekalinkStandin, error_reply, page_reply


def backend(standin: PeekalinkStandin, **options: float) -> PeekalinkBackend:
    return PeekalinkBackend(
        api_key=SecretStr(KEY),
        url=standin.url,
        ca_bundle=standin.ca_path,
        concurrency=int(options.pop("concurrency", 2)),
        retries=int(options.pop("retries", 3)),
        timeout=options.pop("timeout", 20.0),
    )


async def test_retry_after_as_an_http_date_is_honoured(standin: PeekalinkStandin) -> None:
    url = "https://example.com/dated"
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    standin.script(
        url, error_reply("BURST_LIMIT_EXCEEDED", 503, **{"Retry-After": when}), page_reply(url)
    )
    client = backend(standin)
    outcome = await client.preview(url)
    await client.aclose()
    assert isinstance(outcome, Preview)
    first, second = standin.calls_for(url)
    # The date has one-second resolution, so at least the whole second before it passed.
    assert second.started - first.finished >= 0.5


async def test_a_wait_past_the_deadline_gives_up_at_once(standin: PeekalinkStandin) -> None:
    url = "https://example.com/too-long-a-wait"
    standin.script(url, error_reply("RATE_LIMIT_EXCEEDED", 429, **{"Retry-After": "3600"}))
    client = backend(standin, timeout=2.0)
    outcome = await client.preview(url)
    await client.aclose()
    assert isinstance(outcome, Failure)
    assert outcome.code is ErrorCode.UPSTREAM_QUOTA_EXCEEDED
    assert len(standin.calls_for(url)) == 1


async def test_a_slow_api_is_unavailable_within_the_deadline(standin: PeekalinkStandin) -> None:
    standin.hold = 3.0
    client = backend(standin, timeout=1.0)
    outcome = await client.preview("https://example.com/slow")
    await client.aclose()
    assert isinstance(outcome, Failure)
    assert outcome.code is ErrorCode.UPSTREAM_UNAVAILABLE


async def test_the_cap_holds_for_direct_callers(standin: PeekalinkStandin) -> None:
    standin.hold = 0.2
    client = backend(standin, concurrency=3)
    urls = [f"https://example.com/direct/{n}" for n in range(12)]
    outcomes = await asyncio.gather(*(client.preview(url) for url in urls))
    await client.aclose()
    assert [outcome.url for outcome in outcomes] == urls
    assert all(isinstance(outcome, Preview) for outcome in outcomes)
    assert 1 <= standin.max_in_flight <= 3
    assert all(call.authorized for call in standin.calls)


async def test_the_reader_language_is_passed_on(standin: PeekalinkStandin) -> None:
    url = "https://example.com/in-a-language"
    client = backend(standin)
    try:
        assert isinstance(await client.preview(url, "pt-BR"), Preview)
        assert isinstance(await client.preview(url), Preview)
    finally:
        await client.aclose()
    with_language, without = standin.calls_for(url)
    assert with_language.language == "pt-BR"
    assert without.language is None
