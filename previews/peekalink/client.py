"""The Peekalink backend: previews come from Peekalink's hosted API instead of our fetcher.

Peekalink's troubles (its quota, its key check, its availability) are not the link's: they
come back as UPSTREAM_* failures, which the service answers but does not cache. Calls are
capped per process, because Peekalink counts bursts per account, and a 429/503 is retried
after the wait Peekalink asks for, within the link's overall deadline.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Final

import certifi
import httpx
from pydantic import SecretStr

from model.record import ErrorCode, Failure, Outcome, Shoot
from previews.peekalink.convert import (
    QUOTA_CODES,
    UNAUTHORIZED_CODE,
    decode_body,
    error_code,
    failure_from_body,
    to_preview,
)

MAX_BODY_BYTES: Final = 2 * 1024 * 1024
# Longest single wait between retries, whatever Retry-After says.
MAX_RETRY_WAIT: Final = 10.0
# First backoff when Peekalink sends no Retry-After; doubled on each retry.
FIRST_BACKOFF: Final = 0.5
_RETRY_STATUSES: Final = frozenset({429, 503})


class _UnavailableError(Exception):
    """The API did not give a usable answer (connection, timeout, garbage, too large)."""


class PeekalinkBackend:
    def __init__(
        self,
        *,
        api_key: SecretStr,
        url: str = "https://api.peekalink.io/",
        concurrency: int = 8,
        timeout: float = 30.0,
        retries: int = 3,
        ca_bundle: Path | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        """`timeout` is the whole budget of one link, retries and waits included. The key
        stays a secret string until the one header that carries it (httpx hides that header
        in its reprs)."""
        self._url = url
        self._timeout = timeout
        self._retries = retries
        self._max_body_bytes = max_body_bytes
        self._slots = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {api_key.get_secret_value()}"},
            verify=_ssl_context(ca_bundle),
            # Peekalink is reached directly: no proxy or netrc from the environment.
            trust_env=False,
            # The link's deadline is enforced around each call; this only bounds each phase.
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency),
        )

    async def preview(
        self, url: str, language: str | None = None, *, shoot: Shoot = Shoot.NEVER
    ) -> Outcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        attempt = 0
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return _unavailable(url, "Peekalink did not answer in time.")
            try:
                # The wait for a free slot counts too: the deadline is the link's.
                async with asyncio.timeout(remaining):
                    status, headers, body = await self._call(url, language)
            except TimeoutError:
                return _unavailable(url, "Peekalink did not answer in time.")
            except _UnavailableError as error:
                return _unavailable(url, str(error))
            code, answer = error_code(body), _json_object(body)
            if status == 401 or code == UNAUTHORIZED_CODE:
                return Failure(
                    url=url,
                    code=ErrorCode.UPSTREAM_UNAUTHORIZED,
                    message="Peekalink refused the configured API key.",
                )
            if answer is not None and code is not None and code not in QUOTA_CODES:
                return failure_from_body(url, answer)
            if status in _RETRY_STATUSES or code in QUOTA_CODES:
                after = _retry_after(headers)
                wait = min(FIRST_BACKOFF * 2**attempt if after is None else after, MAX_RETRY_WAIT)
                if attempt >= self._retries or loop.time() + wait >= deadline:
                    return Failure(
                        url=url,
                        code=ErrorCode.UPSTREAM_QUOTA_EXCEEDED,
                        message="Peekalink's quota or burst limit is exhausted; try again later.",
                    )
                attempt += 1
                await asyncio.sleep(wait)
                continue
            if status == 200 and answer is not None:
                return to_preview(url, answer, fetched_at=datetime.now(UTC))
            return _unavailable(url, f"Peekalink answered {status} without a preview.")

    async def _call(self, url: str, language: str | None) -> tuple[int, httpx.Headers, object]:
        """One API call within the concurrency cap: its status, headers and decoded JSON
        (None when the body is not JSON). The reader's language is Peekalink's `language`
        parameter, sent only when there is one (as the request always was without it)."""
        payload = {"link": url} if language is None else {"link": url, "language": language}
        async with self._slots:
            request = self._client.build_request("POST", self._url, json=payload)
            try:
                response = await self._client.send(request, stream=True)
                try:
                    raw = await self._read(response)
                finally:
                    await response.aclose()
            except httpx.HTTPError as error:
                raise _UnavailableError("Peekalink could not be reached.") from error
        return response.status_code, response.headers, decode_body(raw)

    async def _read(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise _UnavailableError("Peekalink's answer was larger than this service reads.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def aclose(self) -> None:
        await self._client.aclose()


def _unavailable(url: str, message: str) -> Failure:
    return Failure(url=url, code=ErrorCode.UPSTREAM_UNAVAILABLE, message=message)


def _retry_after(headers: httpx.Headers) -> float | None:
    """Retry-After in seconds, from seconds or an HTTP date; None when absent or unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """What httpx trusts (certifi), plus LINKGRAPH_CA_BUNDLE's certificates when set."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def _json_object(body: object) -> Mapping[str, Any] | None:
    return body if isinstance(body, Mapping) else None
