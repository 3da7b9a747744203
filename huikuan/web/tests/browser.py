"""Real headless Chromium for the page tests: Debian's chromium driven by Playwright with
``executable_path`` (scripts/install-browser installs it). Every request a page makes is checked:
one to any host but the test server fails the test. Screenshots go to ``var/screenshots/``
(``HUIKUAN_SCREENSHOT_DIR``), kept as test output."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 812}
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = Path(os.environ.get("HUIKUAN_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
# Flags of a browser on a closed network: no background requests to the vendor's services.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    configured = os.environ.get("HUIKUAN_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch() -> Iterator[object]:
    """The browser for a test session, or a skip (a failure in CI) saying what is missing."""
    required = os.environ.get("HUIKUAN_BROWSER_REQUIRED") == "1"
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = None
    if executable is None:
        missing = "Debian's chromium is not installed: run scripts/install-browser"
    elif sync_playwright is None:
        missing = "the playwright package is not installed: scripts/test installs the dev extras"
    if missing:
        if required:
            pytest.fail(missing)
        pytest.skip(missing)
    # Playwright's sync API runs an event loop in this thread; the test's own database calls are
    # still synchronous, which Django would otherwise refuse inside a running loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A browser context at one width on the live server, refusing requests to other hosts."""

    def __init__(self, browser: object, base_url: str, viewport: dict[str, int], language: str = "zh-CN") -> None:
        self.base_url = base_url
        self.foreign: list[str] = []
        self.context = browser.new_context(base_url=base_url, viewport=viewport, locale=language, accept_downloads=True)
        self.context.route("**/*", self._only_our_server)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.width = viewport["width"]

    def _only_our_server(self, route: object) -> None:
        url = route.request.url
        ours = urlsplit(self.base_url).netloc
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == ours:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def shot(self, name: str) -> Path:
        """A full-page screenshot, after checking that nothing scrolls sideways."""
        assert self.no_sideways_scroll(), f"{name} scrolls sideways at {self.width} px: {self.too_wide()}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def no_sideways_scroll(self) -> bool:
        """Nothing reaches past the window's right edge, except inside a table's own scroll box
        (the page hides horizontal overflow, so the document's width alone would not tell)."""
        # measured once the layout has settled (fonts loaded, two frames drawn), and again after a
        # moment if it does not fit yet: a page measured mid-layout once failed with nothing too wide
        for attempt in range(3):
            fits = self.page.evaluate(
                """async () => {
                  await document.fonts.ready;
                  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
                  const width = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
                  return width <= window.innerWidth + 1;
                }"""
            )
            if fits and not self.too_wide():
                return True
            if attempt < 2:
                self.page.wait_for_timeout(250)
        return False

    def too_wide(self) -> list[str]:
        """The outermost elements reaching past the window's right edge, leaving out what lies in
        a box that scrolls or clips by itself (a wide table in its .table-responsive)."""
        return list(
            self.page.evaluate(
                """() => {
                  const clipped = e => {
                    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
                    }
                    return false;
                  };
                  const wide = e => e.getBoundingClientRect().right > window.innerWidth + 1;
                  return [...document.body.querySelectorAll('*')]
                    .filter(e => wide(e) && !clipped(e) && !(e.parentElement && wide(e.parentElement)
                                                              && e.parentElement !== document.body))
                    .slice(0, 5)
                    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
                }"""
            )
        )

    def close(self) -> None:
        self.context.close()
        assert self.foreign == [], f"a page asked another host: {self.foreign}"
        assert self.errors == [], f"script errors on the page: {self.errors}"
