"""The built site in a real browser: headless Chromium driven by Playwright.

Every page must load with no console error, no failed request and no request to another host,
with its math typeset; fit a phone's screen; stay legible in dark mode; and pass axe-core's
accessibility rules at the serious and critical levels.

Chromium is Debian's (``apt-get install chromium``); Playwright only drives it. Where it is
missing these tests skip with that hint, except under CI (``CI=true``), where a missing
browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-features=Translate,MediaRouter"]


def _require_chromium():
    if CHROMIUM:
        return
    message = "Chromium is not installed: run `sudo apt-get install chromium` to run these tests"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (under CI a missing browser is a failure)")
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the base class's
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Serve the built site on a free localhost port for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def pages(built_site: Path) -> list[str]:
    """Every HTML page of the book, as a path relative to the site root.

    Left out: the root redirect to book/index.html, and Sphinx's generated search page, which
    holds no content until a query is typed.
    """
    skip = {"index.html", "search.html"}
    found = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
                   if "_static" not in p.parts and "reports" not in p.parts)
    return [p for p in found if p not in skip]


class PageVisit:
    """Open one page, recording console errors, failed requests and every request's host."""

    def __init__(self, browser, base_url: str, *, viewport=None, color_scheme="light"):
        self.base = base_url
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                           color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed",
                     lambda r: self.errors.append(f"failed request: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400
                     and self.errors.append(f"HTTP {r.status}: {r.url}"))

    def open(self, path: str):
        self.page.goto(f"{self.base}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
        }""")
        return self.page

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]

    def close(self):
        self.context.close()


def test_every_page_loads_cleanly_offline_with_math_typeset(browser, site_url, pages):
    problems = {}
    for path in pages:
        visit = PageVisit(browser, site_url)
        page = visit.open(path)
        found = list(visit.errors)
        found += [f"request to another host: {u}" for u in visit.foreign_requests()]
        has_math = page.evaluate("document.querySelectorAll('.math').length")
        typeset = page.evaluate("document.querySelectorAll('mjx-container').length")
        if has_math and not typeset:
            found.append(f"{has_math} math elements but none typeset by MathJax")
        if found:
            problems[path] = found
        visit.close()
    assert len(pages) >= 5
    assert not problems, problems


def test_math_is_typeset_on_the_model_page(browser, site_url):
    visit = PageVisit(browser, site_url)
    page = visit.open("book/01-calculus/rise-over-run.html")
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 20
    visit.close()


def test_no_page_overflows_a_phone_screen(browser, site_url, pages):
    overflowing = {}
    for path in pages:
        visit = PageVisit(browser, site_url, viewport={"width": 375, "height": 740})
        page = visit.open(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375 + 1:
            overflowing[path] = width
        visit.close()
    assert not overflowing, f"pages wider than a 375 px phone: {overflowing}"


def test_figures_stay_legible_in_dark_mode(browser, site_url):
    """In dark mode the page turns dark, but figures keep their white card and dark ink."""
    from PIL import Image, ImageStat

    visit = PageVisit(browser, site_url, color_scheme="dark")
    page = visit.open("book/01-calculus/rise-over-run.html")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
    assert max(channels) < 80, f"the page should be dark, got {background}"
    figure = page.locator("figure img").first
    image = Image.open(io.BytesIO(figure.screenshot())).convert("L")
    mean = ImageStat.Stat(image).mean[0]
    darkest = image.getextrema()[0]
    assert mean > 200, f"the figure card should stay white in dark mode (mean grey {mean:.0f})"
    assert darkest < 60, "the figure's ink should stay dark in dark mode"
    visit.close()


def test_no_serious_accessibility_violations(browser, site_url, pages):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}
    for path in pages:
        visit = PageVisit(browser, site_url)
        page = visit.open(path)
        results = axe.run(page)
        serious = [f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
                   for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
        visit.close()
    assert not problems, problems
