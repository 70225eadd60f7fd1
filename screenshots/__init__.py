"""Pictures of pages rendered by a real headless Chromium, every request it makes fetched by
the guarded fetcher."""

from screenshots.browser import ScreenshotPolicy, Screenshots, find_chromium

__all__ = ["ScreenshotPolicy", "Screenshots", "find_chromium"]
