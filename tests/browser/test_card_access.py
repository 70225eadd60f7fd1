"""The card page at 320 px and in dark mode: nothing overflows, and axe-core (npm, from this
folder's own lock) finds no serious or critical violation. The same runs take the README's
screenshots: into a temporary folder, or into `LINKGRAPH_README_SCREENSHOTS` when it names one
(`LINKGRAPH_README_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/browser/test_card_access.py`
refreshes the committed ones)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import Watched
from tests.browser.test_card import ARTICLE, TIKTOK, look_up, serve_article_images
from tests.browser.test_card_kinds import YOUTUBE_VIDEO, og_image
from tests.browser.test_card_requests import MISSING
from tests.graph.test_tiktok_media import photo, serve_page_images
from tests.support.npm import install
from tests.support.origin import CorpusOrigin

HERE = Path(__file__).resolve().parent
SERIOUS = ("serious", "critical")
Scheme = Literal["light", "dark"]


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's browser build, installed once per lock with npm ci."""
    return (install(HERE) / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture
def screenshots(shots: Path) -> Path:
    chosen = os.environ.get("LINKGRAPH_README_SCREENSHOTS")
    if not chosen:
        return shots
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shrink(path: Path) -> None:
    """Keep a screenshot small enough to commit: a 128-colour palette is plenty for a card."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128)
    small.save(path, optimize=True)


def violations(page: Page, axe: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe)
    found: list[dict[str, Any]] = page.evaluate(
        """async (levels) => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations
            .filter((v) => levels.includes(v.impact))
            .map((v) => ({
              id: v.id,
              impact: v.impact,
              nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        list(SERIOUS),
    )
    return found


def overflowing(page: Page) -> list[str]:
    """Elements whose right edge passes the viewport's (what a 320 px phone cuts off)."""
    found: list[str] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll("main *")]
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .map((el) => el.tagName.toLowerCase() + "." + el.className + " " +
                         Math.round(el.getBoundingClientRect().right));
        }"""
    )
    return found


def contrast(page: Page, selector: str) -> float:
    """WCAG contrast of an element's text colour on its own background colour."""
    colours: list[list[float]] = page.locator(selector).first.evaluate(
        """el => {
          const s = getComputedStyle(el);
          return [s.color, s.backgroundColor].map((c) => c.match(/[\\d.]+/g).map(Number));
        }"""
    )

    def luminance(rgb: list[float]) -> float:
        def channel(value: float) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(colours[0]), luminance(colours[1])), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tiktok(origin: CorpusOrigin) -> str:
    serve_page_images(origin, TIKTOK)
    return TIKTOK


def youtube(origin: CorpusOrigin) -> str:
    origin.add(og_image(YOUTUBE_VIDEO), photo(1280, 720), "image/jpeg")
    return YOUTUBE_VIDEO


def article(origin: CorpusOrigin) -> str:
    serve_article_images(origin)
    return ARTICLE[0]


def missing(origin: CorpusOrigin) -> str:
    return MISSING


CARDS: dict[str, tuple[Callable[[CorpusOrigin], str], str]] = {
    "tiktok": (tiktok, "article.card.tiktok-user"),
    "youtube": (youtube, "article.card.youtube-video"),
    "article": (article, "article.card.page"),
    "error": (missing, "article.card.problem"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(CARDS))
def test_the_card_fits_320_px_and_passes_axe(
    watched: Watched,
    app_url: str,
    origin: CorpusOrigin,
    axe: str,
    screenshots: Path,
    name: str,
    scheme: Scheme,
) -> None:
    prepare, selector = CARDS[name]
    url = prepare(origin)
    page = watched.page
    page.set_viewport_size({"width": 320, "height": 900})
    page.emulate_media(color_scheme=scheme)

    look_up(page, app_url, url)
    card = page.locator(selector)
    expect(card).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "() => [...document.images].every((image) => image.complete)", timeout=30_000
    )

    assert violations(page, axe) == []
    # What axe may pass over: the badge is a graphic (role img), 3:1 as WCAG 1.4.11 asks.
    assert contrast(page, "#preview-button") >= 4.5
    if name == "tiktok":
        assert contrast(page, ".verified") >= 3
    assert overflowing(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    shot = screenshots / f"card-{name}-{scheme}-320.png"
    page.screenshot(path=str(shot), full_page=True)
    shrink(shot)
    with Image.open(shot) as image:
        assert image.size[0] == 320
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None
        assert len(colours) > 20, "the page is not blank"


def test_the_wide_readme_screenshots(
    watched: Watched, app_url: str, origin: CorpusOrigin, axe: str, screenshots: Path
) -> None:
    """The README's pictures at desktop width, checked by axe like the phone-sized ones."""
    page = watched.page
    page.set_viewport_size({"width": 720, "height": 900})
    for name in ("tiktok", "youtube"):
        prepare, selector = CARDS[name]
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            look_up(page, app_url, prepare(origin))
            card = page.locator(selector)
            expect(card).to_be_visible(timeout=30_000)
            page.wait_for_function(
                "() => [...document.images].every((image) => image.complete)", timeout=30_000
            )
            assert violations(page, axe) == []
            shot = screenshots / f"card-{name}-{scheme}.png"
            card.screenshot(path=str(shot))
            shrink(shot)
