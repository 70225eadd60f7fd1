"""A page's own rendering, as a PNG, made by Debian's Chromium driven by Playwright.

Why every request goes through the guarded fetcher: a page is hostile input that runs code.
Its scripts, images, frames and XHRs would otherwise reach whatever the browser can, the
internal network first (SECURITY-CASES.md). So the browser reaches nothing by itself:
Playwright's request interception hands each request to `SafeFetcher`, which checks the
address at connect time, follows redirects by hand and reads within a byte cap, exactly as
for the page's own fetch, and answers the browser with what it read. What the fetcher
refuses, the browser gets as a failed load. Behind that, Chromium is launched with a proxy
that does not exist and a resolver that resolves nothing, so a request that escaped
interception (a preconnect, a prefetch, a feature added in a later version) fails too.
WebSockets are closed, service workers blocked; only GET and HEAD are fetched, so a page
cannot post anywhere.

A shot has a deadline (the page is drawn as far as it got), a cap on the requests it may
make, and a JavaScript heap limit; dialogs are dismissed, popups closed, downloads refused,
and nothing is granted. One browser serves the process, started on the first shot, with a
fresh context (no cookies, no storage) per shot and `concurrency` shots at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Final

from playwright.async_api import (
    Browser,
    BrowserContext,
    Playwright,
    Route,
    WebSocketRoute,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from fetching import FetchError, SafeFetcher, normalize_url

logger = logging.getLogger(__name__)

CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "chrome")
# Headers of the fetched answer that no longer describe the body handed to the browser: the
# fetcher has already decoded and measured it.
_DROPPED_HEADERS: Final = frozenset(
    {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
)
_FLAGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-features=DnsOverHttps,NetworkPrediction,Prerender2",
    "--dns-prefetch-disable",
    # Anything that is not intercepted goes to a proxy that is not there...
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    # ...and finds no name resolved.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """The Chromium executable on PATH, or None (screenshots are then off)."""
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


@dataclass(frozen=True, slots=True)
class ScreenshotPolicy:
    executable: str
    concurrency: int = 2
    timeout: float = 15.0  # seconds per shot, from the first request to the picture
    width: int = 1280
    height: int = 800
    max_requests: int = 150  # per shot; further requests fail
    max_resource_bytes: int = 5 * 1024 * 1024
    js_heap_mb: int = 256


class Screenshots:
    def __init__(self, fetcher: SafeFetcher, policy: ScreenshotPolicy) -> None:
        self._fetcher = fetcher
        self._policy = policy
        self._slots = asyncio.Semaphore(policy.concurrency)
        self._start = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def shoot(self, url: str) -> bytes | None:
        """A PNG of `url` as a browser draws it in the viewport; None when the page could not
        be loaded at all (refused, failed, not HTML) or the browser is unavailable."""
        async with self._slots:
            try:
                browser = await self._browser_started()
                context = await browser.new_context(
                    viewport={"width": self._policy.width, "height": self._policy.height},
                    java_script_enabled=True,
                    accept_downloads=False,
                    service_workers="block",
                    permissions=[],
                )
            except PlaywrightError:
                logger.warning("screenshot of %s not taken: the browser failed", url, exc_info=True)
                await self._forget_browser()
                return None
            try:
                return await self._shoot(context, url)
            finally:
                await _quietly_close(context)

    async def aclose(self) -> None:
        await self._forget_browser()

    async def _shoot(self, context: BrowserContext, url: str) -> bytes | None:
        budget = _Budget(self._policy.max_requests)
        await context.route("**/*", lambda route: self._fetch_for_browser(route, budget))
        await context.route_web_socket("**/*", _refuse_socket)
        page = await context.new_page()
        chores: set[asyncio.Task[None]] = set()
        context.on(
            "page", lambda popup: _later(chores, popup.close()) if popup is not page else None
        )
        page.on("dialog", lambda dialog: _later(chores, dialog.dismiss()))
        deadline = asyncio.get_running_loop().time() + self._policy.timeout
        try:
            async with asyncio.timeout(self._policy.timeout * 0.8):
                answer = await page.goto(url, wait_until="domcontentloaded")
                if answer is None or not answer.ok:
                    return None
                with contextlib.suppress(PlaywrightError):
                    await page.wait_for_load_state("load")
        except TimeoutError:
            if page.url in ("about:blank", ""):
                return None  # not even the document arrived
        except PlaywrightError as error:
            logger.info("screenshot of %s not taken: %s", url, error.message.splitlines()[0])
            return None
        remaining = max(1.0, deadline - asyncio.get_running_loop().time())
        try:
            return await page.screenshot(
                type="png", timeout=remaining * 1000, animations="disabled"
            )
        except PlaywrightError as error:
            logger.info("screenshot of %s not taken: %s", url, error.message.splitlines()[0])
            return None

    async def _fetch_for_browser(self, route: Route, budget: _Budget) -> None:
        request = route.request
        if request.method not in ("GET", "HEAD") or not budget.take():
            await _abort(route)
            return
        try:
            url = normalize_url(request.url, self._fetcher.policy)
            response = await self._fetcher.fetch(
                url,
                accept=("*/*",),
                max_bytes=self._policy.max_resource_bytes,
                headers=_forwarded(request.headers),
            )
        except FetchError as error:
            logger.debug("browser request %s refused: %s", request.url, error)
            await _abort(route)
            return
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in _DROPPED_HEADERS
        }
        with contextlib.suppress(PlaywrightError):  # the page may have gone away meanwhile
            await route.fulfill(status=response.status, headers=headers, body=response.body)

    async def _browser_started(self) -> Browser:
        async with self._start:
            if self._browser is None or not self._browser.is_connected():
                await self._forget_browser()
                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self._policy.executable,
                    headless=True,
                    args=[*_FLAGS, f"--js-flags=--max-old-space-size={self._policy.js_heap_mb}"],
                )
            return self._browser

    async def _forget_browser(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        if browser is not None:
            with contextlib.suppress(PlaywrightError):
                await browser.close()
        if playwright is not None:
            with contextlib.suppress(PlaywrightError):
                await playwright.stop()


class _Budget:
    """How many more requests one shot may make."""

    def __init__(self, requests: int) -> None:
        self._left = requests

    def take(self) -> bool:
        self._left -= 1
        return self._left >= 0


def _forwarded(headers: dict[str, str]) -> dict[str, str]:
    """What of the browser's request headers the origin may see: its language and what it
    accepts; never cookies or credentials (the context has none, and none are passed)."""
    kept = {}
    for name in ("accept-language",):
        if name in headers:
            kept[name] = headers[name]
    return kept


async def _abort(route: Route) -> None:
    with contextlib.suppress(PlaywrightError):
        await route.abort("blockedbyclient")


async def _refuse_socket(socket: WebSocketRoute) -> None:
    await socket.close()


def _later(chores: set[asyncio.Task[None]], chore: Coroutine[Any, Any, None]) -> None:
    """Run `chore` (closing a popup, dismissing a dialog) without blocking the event that
    asked for it; `chores` holds the task until it is done."""
    task = asyncio.ensure_future(chore)
    chores.add(task)
    task.add_done_callback(chores.discard)


async def _quietly_close(context: BrowserContext) -> None:
    with contextlib.suppress(PlaywrightError):
        await context.close()
