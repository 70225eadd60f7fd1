"""HTTPS through the pinned connection: the socket goes to the checked IP, while SNI and
certificate verification still use the hostname (a test CA from trustme, via `ca_bundle`)."""

from __future__ import annotations

import pytest

from fetching import FetchError
from model.record import ErrorCode
from previews.errors import error_code
from tests.fetching.conftest import MakeFetcher, TlsSetup
from tests.fetching.harness import ORIGIN_HOST, SpyBackend

HTML = ["text/html"]


async def test_https_by_name_is_pinned_and_verified(
    make_fetcher: MakeFetcher, tls: TlsSetup, spy: SpyBackend
) -> None:
    fetcher = make_fetcher(ca_bundle=tls.ca_path)
    url = f"https://origin.test:{tls.origin.port}/html"
    response = await fetcher.fetch(url, accept=HTML, max_bytes=1024)
    assert response.status == 200
    assert response.final_url == url
    assert tls.sni == ["origin.test"]  # the name, not the address, went into the handshake
    assert spy.attempts == [(ORIGIN_HOST, tls.origin.port)]  # while the socket was pinned


async def test_https_by_address_checks_the_ip_san(make_fetcher: MakeFetcher, tls: TlsSetup) -> None:
    fetcher = make_fetcher(ca_bundle=tls.ca_path)
    response = await fetcher.fetch(tls.origin.url("/html"), accept=HTML, max_bytes=1024)
    assert response.status == 200


async def test_a_certificate_for_another_name_is_refused(
    make_fetcher: MakeFetcher, tls: TlsSetup, spy: SpyBackend
) -> None:
    # alias.test resolves (hosts file) to the same pinned address, but the certificate
    # does not name it: hostname verification must still fail.
    fetcher = make_fetcher(ca_bundle=tls.ca_path)
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(f"https://alias.test:{tls.origin.port}/html", accept=HTML, max_bytes=9)
    assert error_code(caught.value) is ErrorCode.LINK_CONNECTION_ERROR
    assert spy.attempts == [(ORIGIN_HOST, tls.origin.port)]


async def test_an_untrusted_ca_is_refused(make_fetcher: MakeFetcher, tls: TlsSetup) -> None:
    fetcher = make_fetcher()  # no ca_bundle: only the system's and certifi's roots
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(f"https://origin.test:{tls.origin.port}/html", accept=HTML, max_bytes=9)
    assert error_code(caught.value) is ErrorCode.LINK_CONNECTION_ERROR
    assert caught.value.status is None
