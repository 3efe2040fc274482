"""The built site in a real browser: headless Chromium driven by Playwright.

Every page must load with no console error, no failed request and no request to another host,
with its math typeset; fit a phone's screen; stay legible in dark mode; and pass axe-core's
accessibility rules at the serious and critical levels.

Chromium is Debian's (``apt-get install chromium``); Playwright only drives it. Where it is
missing these tests skip with that hint, except under CI (``CI=true``), where a missing
browser is a failure.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from conftest import Verified, digest, serve_folder

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
    with serve_folder(built_site, _QuietHandler) as url:
        yield url


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


PHONE = {"width": 375, "height": 740}


def _page_problems(visit: PageVisit, page, axe) -> list[str]:
    """Everything wrong with one open page: console errors, failed or foreign requests, math
    left untypeset, serious or critical accessibility violations, and (resized to a phone's
    screen) a page wider than the phone."""
    # what the page did while loading, taken before axe runs: axe fetches stylesheets itself
    found = list(visit.errors)
    found += [f"request to another host: {u}" for u in visit.foreign_requests()]
    has_math = page.evaluate("document.querySelectorAll('.math').length")
    typeset = page.evaluate("document.querySelectorAll('mjx-container').length")
    if has_math and not typeset:
        found.append(f"{has_math} math elements but none typeset by MathJax")
    results = axe.run(page)
    found += [f"accessibility: {v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
              for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    page.set_viewport_size(PHONE)
    width = page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
        requestAnimationFrame(() => done(document.documentElement.scrollWidth))))""")
    if width > PHONE["width"] + 1:
        found.append(f"wider than a {PHONE['width']} px phone: {width} px")
    return found


# What a page loads besides itself: everything in the site but the pages and the downloads
# (the notebooks and sources a page links to but never requests).
NOT_LOADED = {"_notebooks", "_sources"}


def _loaded_files_digest(site: Path) -> str:
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.suffix != ".html"
                   and not NOT_LOADED & set(p.relative_to(site).parts))
    return digest(*(part for p in files for part in (p.relative_to(site).as_posix(),
                                                     p.read_bytes())))


def test_every_page_loads_cleanly_typesets_its_math_is_accessible_and_fits_a_phone(
        browser, site_url, built_site, pages):
    """One visit per page, checking everything a page needs: it loads offline with no console
    error, failed request or request to another host; its math is typeset; axe-core finds no
    serious or critical violation; and on a phone's screen it is no wider than the screen.

    A page that passed before is not visited again while nothing it depends on has changed:
    its HTML, every file it may load (scripts, styles, fonts, images), this test's code,
    axe-core's script and the browser's version (see ``conftest.Verified``; ``make clean``
    forgets the records).
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    common = digest(_loaded_files_digest(built_site), Path(__file__).read_bytes(),
                    axe.axe_script, browser.version)
    keys = {path: digest((built_site / path).read_bytes(), common) for path in pages}
    verified = Verified("pages")
    verified.keep_only(keys.values())
    problems = {}
    for path in pages:
        if verified.passed(keys[path]):
            continue
        visit = PageVisit(browser, site_url)
        found = _page_problems(visit, visit.open(path), axe)
        visit.close()
        if found:
            problems[path] = found
        else:
            verified.record(keys[path], path)
    assert len(pages) >= 5
    assert not problems, problems


def test_math_is_typeset_on_the_model_page(browser, site_url):
    visit = PageVisit(browser, site_url)
    page = visit.open("book/01-calculus/rise-over-run.html")
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 20
    visit.close()


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


# --- the sandpit game (book/_static/sandpit.js) -------------------------------------------------

SANDPIT_PAGE = "book/02-multivariate/sandpit.html"
HARD_SANDPIT_PAGE = "book/05-optimisation/newton-rosenbrock.html"


class Game:
    """One sandpit game on an open page: its data, its state, and a player's hands."""

    def __init__(self, page, name: str):
        self.page = page
        self.root = page.locator(f"#{name}")
        self.canvas = page.locator(f"#{name}-canvas")
        self.data = json.loads(self.root.locator(".sandpit-data").text_content())
        self.root.scroll_into_view_if_needed()

    def state(self, key: str) -> str | None:
        return self.root.get_attribute(f"data-{key}")

    @property
    def pit(self) -> dict:
        return self.data["pits"][int(self.state("pit"))]

    def landscape(self):
        from mmlcalc.sandpit import Landscape

        return Landscape.from_dict(self.pit)

    def mode(self, value: str):
        self.root.locator(f".sandpit-modes input[value={value}]").check()
        assert self.state("mode") == value

    def press(self, action: str):
        self.root.locator(f"[data-action={action}]").click()

    def click_at(self, x: float, y: float):
        """Click the canvas where the point (x, y) of the pit is drawn."""
        self.canvas.scroll_into_view_if_needed()
        box = self.canvas.bounding_box()
        L = self.pit["half_width"]
        self.page.mouse.click(box["x"] + (x + L) / (2 * L) * box["width"],
                              box["y"] + (L - y) / (2 * L) * box["height"])

    def pixel_size(self) -> float:
        """How far apart in the pit two neighbouring pixels are."""
        return 2 * self.pit["half_width"] / self.canvas.bounding_box()["width"]

    def last(self) -> tuple[float, float, float, list | None]:
        gradient = self.state("last-gradient")
        return (float(self.state("last-x")), float(self.state("last-y")),
                float(self.state("last-depth")), json.loads(gradient) if gradient else None)

    def message(self) -> str:
        return self.root.locator(".sandpit-message").text_content()


def _open_game(browser, site_url, path=SANDPIT_PAGE, name="sandpit-easy", **kwargs):
    visit = PageVisit(browser, site_url, **kwargs)
    page = visit.open(path)
    return visit, Game(page, name)


@pytest.mark.parametrize(("path", "name"), [(SANDPIT_PAGE, "sandpit-easy"),
                                             (HARD_SANDPIT_PAGE, "sandpit-hard")])
def test_the_games_formula_reproduces_pythons_values(browser, site_url, path, name):
    visit, game = _open_game(browser, site_url, path, name)
    assert game.state("selfcheck") == "ok"
    worst = visit.page.evaluate("""data => {
        let worst = 0;
        for (const pit of data.pits) for (const s of pit.samples) {
            const ours = mmlSandpit.evaluate(pit, s.x[0], s.x[1]);
            const pairs = [[ours.height, s.height], [ours.gradient[0], s.gradient[0]],
                [ours.gradient[1], s.gradient[1]], [ours.hessian[0][0], s.hessian[0][0]],
                [ours.hessian[0][1], s.hessian[0][1]], [ours.hessian[1][1], s.hessian[1][1]]];
            for (const [a, b] of pairs) worst = Math.max(worst, Math.abs(a - b));
        }
        return worst;
    }""", game.data)
    # every pit of the game (the hard page now plays six), each sampled at several points
    assert len(game.data["pits"]) >= 6 and all(len(p["samples"]) >= 4 for p in game.data["pits"])
    assert worst < 1e-9, f"the script's floor differs from Python's by {worst}"
    # and the page's own check would catch a wrong value
    tampered = visit.page.evaluate("""data => {
        data.pits[3].samples[2].gradient[1] += 1e-7;
        return mmlSandpit.selfCheck(data);
    }""", game.data)
    assert tampered > 1e-9
    assert not visit.errors
    visit.close()


def test_a_probe_reveals_the_depth_the_landscape_data_says(browser, site_url):
    visit, game = _open_game(browser, site_url)
    assert game.state("probes") == "0" and game.state("state") == "playing"
    game.click_at(1.0, -1.5)
    assert game.state("probes") == "1"
    assert game.root.locator(".sandpit-count").text_content() == "1"
    x, y, depth, gradient = game.last()
    assert abs(x - 1.0) <= game.pixel_size() and abs(y + 1.5) <= game.pixel_size()
    assert depth == pytest.approx(game.landscape().depth([x, y]), abs=1e-9)
    assert gradient is None                      # depth only: the slope stays hidden
    assert f"depth {depth:.3f}" in game.message()
    # with the slope, a probe also reports the gradient, and it is Python's
    game.mode("slope")
    game.click_at(-2.0, 0.5)
    x, y, depth, gradient = game.last()
    np.testing.assert_allclose(gradient, game.landscape().gradient([x, y]), atol=1e-9)
    assert depth == pytest.approx(game.landscape().depth([x, y]), abs=1e-9)
    assert game.state("probes") == "2" and "downhill towards the" in game.message()
    assert not visit.errors
    visit.close()


def test_walking_downhill_by_the_probed_slope_wins(browser, site_url):
    """Probe, read the slope, step against it (halving the step after a miss), repeat."""
    visit, game = _open_game(browser, site_url)
    for pit_index in range(3):
        assert game.state("pit") == str(pit_index)
        game.mode("slope")
        target, step, best = np.array([2.5, 2.5]), 0.6, None
        while game.state("state") != "won":
            game.click_at(*target)
            x, y, depth, gradient = game.last()
            if best is None or depth > best[1]:
                best = (np.array([x, y]), depth, np.array(gradient))
            else:
                step /= 2
            target = np.clip(best[0] - step * best[2], -2.95, 2.95)
            assert int(game.state("probes")) <= 25, "the descent should win in 25 probes"
        assert game.state("revealed") == "true"     # a win shows the whole pit
        x, y, _, _ = game.last()
        miss = np.linalg.norm(np.subtract([x, y], game.pit["deepest"]["x"]))
        assert miss < game.data["goal"]
        assert "You found the deepest point" in game.message()
        game.press("new-pit")
    assert not visit.errors
    visit.close()


def _canvas_image(game):
    from PIL import Image

    return Image.open(io.BytesIO(game.canvas.screenshot())).convert("RGB")


def test_reveal_and_new_pit_change_the_game(browser, site_url):
    from PIL import ImageStat

    visit, game = _open_game(browser, site_url)
    def dark_share(image):   # the share of pixels darker than mid-grey
        histogram = image.convert("L").histogram()
        return sum(histogram[:100]) / sum(histogram)

    hidden = _canvas_image(game)
    assert ImageStat.Stat(hidden.convert("L")).median[0] > 200   # pale sand, no pit drawn
    assert dark_share(hidden) < 0.005                            # only the axis labels
    game.press("reveal")
    assert game.state("revealed") == "true"
    button = game.root.locator("[data-action=reveal]")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.text_content() == "Hide the pit"
    grey = _canvas_image(game).convert("L")
    assert dark_share(grey) > 0.01, "the revealed pit should have dark, deep parts"
    # the darkest part of the picture is at the deepest point (the floor's darkest band)
    deep_x, deep_y = game.pit["deepest"]["x"]
    L, width = game.pit["half_width"], grey.size[0]
    col, row = int((deep_x + L) / (2 * L) * width), int((L - deep_y) / (2 * L) * width)
    corner = grey.getpixel((3, 3))
    near = [grey.getpixel((col + dx, row + dy)) for dx in (-20, 20) for dy in (-20, 20)]
    assert max(near) < corner, "the floor near the deepest point should be darker"
    game.press("reveal")
    assert game.state("revealed") == "false"
    game.click_at(0.5, 0.5)
    assert game.state("probes") == "1"
    n = len(game.data["pits"])
    for k in range(1, n + 1):
        game.press("new-pit")
        assert game.state("pit") == str(k % n)
        assert game.state("seed") == str(game.data["pits"][k % n]["seed"])
        assert game.state("probes") == "0" and game.state("revealed") == "false"
        assert game.root.locator(".sandpit-index").text_content() == str(k % n + 1)
        assert game.state("last-depth") is None
    assert not visit.errors
    visit.close()


def test_a_tap_probes_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}/{SANDPIT_PAGE}", wait_until="load")
    game = Game(page, "sandpit-easy")
    box = game.canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375       # the pit fits the screen
    page.touchscreen.tap(box["x"] + box["width"] / 4, box["y"] + box["height"] / 4)
    assert game.state("probes") == "1"
    x, y, depth, _ = game.last()
    assert (x, y) == pytest.approx((-1.5, 1.5), abs=2 * game.pixel_size())
    assert depth == pytest.approx(game.landscape().depth([x, y]), abs=1e-9)
    assert not errors
    context.close()


def test_the_game_plays_with_the_keyboard(browser, site_url):
    visit, game = _open_game(browser, site_url)
    page = visit.page
    game.root.locator(".sandpit-modes input[value=depth]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sandpit-easy-canvas"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid", "the focused canvas should show a focus ring"
    assert game.canvas.get_attribute("aria-label")
    scroll = page.evaluate("window.scrollY")
    for key in ["ArrowRight"] * 5 + ["ArrowUp"] * 3 + ["Shift+ArrowLeft"]:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    assert page.evaluate("window.scrollY") == scroll, "arrow keys must not scroll the page"
    x, y, depth, _ = game.last()
    assert (x, y) == pytest.approx((0.0, 0.3), abs=1e-12)    # 5 x 0.1 - 0.5, 3 x 0.1
    assert depth == pytest.approx(game.landscape().depth([x, y]), abs=1e-9)
    assert "Probe 1 at (0.00, 0.30): depth" in game.message()
    assert game.root.locator(".sandpit-message").get_attribute("role") == "status"
    page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    assert game.state("probes") == "2"
    assert game.last()[:2] == pytest.approx((0.0, 0.2), abs=1e-12)
    assert not visit.errors
    visit.close()


def test_automatic_steps_are_the_packages_steps(browser, site_url):
    from mmlcalc.sandpit_game import auto_step

    visit, game = _open_game(browser, site_url, HARD_SANDPIT_PAGE, "sandpit-hard")
    page = visit.page
    game.mode("steps")
    assert game.root.locator(".sandpit-steps").is_visible()
    game.press("gradient-step")
    assert game.state("probes") == "0" and "Probe somewhere first" in game.message()
    game.click_at(-1.0, 1.2)
    here = np.array(game.last()[:2])
    landscape = game.landscape()
    game.root.locator(".sandpit-rate").select_option("0.3")
    for _ in range(3):
        game.press("gradient-step")
        expected = auto_step(landscape, here, lr=0.3)
        np.testing.assert_allclose(game.last()[:2], expected, rtol=1e-9, atol=1e-9)
        here = expected
    game.canvas.focus()
    for key, method in [("n", "newton"), ("g", "gradient"), ("N", "newton")]:
        page.keyboard.press(key)
        expected = auto_step(landscape, here, method=method, lr=0.3)
        np.testing.assert_allclose(game.last()[:2], expected, rtol=1e-9, atol=1e-9)
        here = expected
    assert game.state("probes") == str(1 + 3 + 3)
    x, y, depth, gradient = game.last()
    assert depth == pytest.approx(landscape.depth([x, y]), abs=1e-9)
    np.testing.assert_allclose(gradient, landscape.gradient([x, y]), atol=1e-9)
    assert not visit.errors
    visit.close()


def test_the_game_stays_legible_in_dark_mode(browser, site_url):
    from axe_playwright_python.sync_playwright import Axe
    from PIL import ImageStat

    visit, game = _open_game(browser, site_url, color_scheme="dark")
    page = visit.page
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert max(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]) < 80
    game.mode("slope")
    game.click_at(-1.0, -1.0)
    # the sand stays pale, and the probe on it stays a strong blue
    image = _canvas_image(game)
    assert ImageStat.Stat(image.convert("L")).median[0] > 200
    width = image.size[0]
    L = game.pit["half_width"]
    col, row = int((-1.0 + L) / (2 * L) * width), int((L + 1.0) / (2 * L) * width)
    red, green, blue = image.getpixel((col, row))
    assert blue > 150 and red < 60, f"the probe should be blue, got {(red, green, blue)}"
    # the text and controls around it pass axe's contrast rule in the dark theme too
    results = Axe().run(page, context="#sandpit-easy",
                        options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    assert not results.response["violations"], results.response["violations"]
    assert not visit.errors
    visit.close()


# --- figures that move (book/_static/animation.js) -------------------------------------------

ANIMATED_PAGES = ["book/04-taylor/maclaurin.html", "book/05-optimisation/newton-raphson.html",
                  "book/05-optimisation/gradient-descent.html"]


def test_moving_figures_stay_legible_in_dark_mode(browser, site_url):
    from axe_playwright_python.sync_playwright import Axe
    from PIL import Image, ImageStat

    visit = PageVisit(browser, site_url, color_scheme="dark")
    page = visit.open(ANIMATED_PAGES[0])
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    animation = page.locator("[data-mml-animation]")
    animation.scroll_into_view_if_needed()
    frame = Image.open(io.BytesIO(animation.locator("img").screenshot())).convert("L")
    assert ImageStat.Stat(frame).mean[0] > 200 and frame.getextrema()[0] < 60  # white card
    results = Axe().run(page, context="[data-mml-animation]",
                        options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    assert not results.response["violations"], results.response["violations"]
    assert not visit.errors
    visit.close()


@pytest.mark.parametrize("path", ANIMATED_PAGES)
def test_a_slider_figure_changes_frame_when_moved(browser, site_url, path):
    visit = PageVisit(browser, site_url)
    page = visit.open(path)
    figure = page.locator("figure:has([data-mml-animation])")
    assert figure.count() == 1 and figure.locator("figcaption").count() == 1
    assert "Figure" in figure.locator("figcaption").text_content()      # numbered
    animation = figure.locator("[data-mml-animation]")
    animation.scroll_into_view_if_needed()
    image, slider = animation.locator("img"), animation.locator("input[type=range]")
    data = json.loads(animation.locator(".mml-animation-data").text_content())
    assert slider.is_visible() and slider.get_attribute("aria-label")
    assert image.get_attribute("alt")
    first = image.get_attribute("src")
    last = len(data["frames"]) - 1
    slider.fill(str(last))
    assert image.get_attribute("src") not in (first, None)
    assert image.get_attribute("src") == data["frames"][last]
    assert slider.get_attribute("aria-valuetext") == data["labels"][last]
    assert animation.locator("output").text_content() == data["labels"][last]
    # the keyboard moves the slider too, and Play steps through the frames by itself
    slider.focus()
    page.keyboard.press("Home")
    assert image.get_attribute("src") == first
    page.keyboard.press("ArrowRight")
    assert image.get_attribute("src") == data["frames"][1]
    play = animation.locator("button")
    play.click()
    assert play.text_content() == "Pause"
    page.wait_for_function("el => el.value === '3'", arg=slider.element_handle(), timeout=10_000)
    play.click()
    assert play.text_content() == "Play"
    shown = int(slider.input_value())
    page.wait_for_timeout(1500)
    assert int(slider.input_value()) == shown, "Pause should stop the animation"
    assert not visit.errors
    visit.close()
