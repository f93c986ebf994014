"""The course website (``make site``) in a real browser with the network closed: the site is
built once per session into a temporary folder, served on localhost and every page opened in
Debian's headless Chromium. A page fails on a console error, an uncaught exception, a failed
request or any request that leaves localhost; every <img> must load and carry a non-empty
alt; every figure of an executed notebook must appear on its page; math must be typeset by
the MathJax the site serves itself. Screenshots: tests/artifacts/site_home.png and
site_notebook.png. test_accessibility.py reuses the fixtures below."""

import functools
import http.server
import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from autograder import ROOT
from tests.jupyterlab_server import CHROMIUM, launch_chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
NOTEBOOK_PAGE = "course/01_neurons_and_the_perceptron.html"
NO_NAME_RESOLVES = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

pytestmark = [pytest.mark.slow, pytest.mark.browser]

_BUILT = {}  # one build per session, shared with test_accessibility.py


def build_site(target):
    """``python -m website.build`` into ``target``; returns (site, staged sources)."""
    site, work = target / "site", target / "work"
    done = subprocess.run(
        [sys.executable, "-m", "website.build", "--out", str(site), "--work", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    assert done.returncode == 0, (
        f"the site build failed:\n{done.stdout[-3000:]}{done.stderr[-6000:]}"
    )
    return site, work / "src"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, require):
    require("sphinx and myst-nb", importlib.util.find_spec("myst_nb"), "pip: the site extra")
    if "site" not in _BUILT:
        _BUILT["site"] = build_site(tmp_path_factory.mktemp("website"))
    return _BUILT["site"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    """The built site served on localhost."""
    site, _ = built_site
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def site_pages(site):
    pages = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith("_static/"))  # _static: templates


@pytest.fixture(scope="module")
def offline_browser(require):
    require("Chromium", os.path.exists(CHROMIUM), f"Debian's package chromium at {CHROMIUM}")
    require("playwright", importlib.util.find_spec("playwright"), "pip: the test extra")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p, NO_NAME_RESOLVES)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """Console errors, page errors, failed requests and requests that leave localhost."""

    def __init__(self, page):
        self.items = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.items.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda r: self.items.append(f"failed: {r.url} {r.failure}"))
        page.on("response", self.response)
        page.route("**/*", self.only_localhost)

    def console(self, message):
        if message.type == "error":
            self.items.append(f"console: {message.text}")

    def response(self, response):
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")

    def only_localhost(self, route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.items.append(f"left localhost: {route.request.url}")
            route.abort()


def open_page(browser, url):
    """A new page at ``url`` once it and its math are done; returns (page, problems)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = PageProblems(page)
    page.goto(url, wait_until="networkidle", timeout=60_000)
    page.evaluate("async () => { if (window.MathJax?.startup) await MathJax.startup.promise; }")
    page.wait_for_load_state("networkidle")
    return page, problems


IMAGES = """async () => {
    const images = [...document.images];
    for (const img of images) img.loading = "eager";
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.map(img => ({
        src: img.getAttribute("src").slice(0, 80), alt: img.getAttribute("alt"),
        width: img.naturalWidth, output: !!img.closest(".cell_output"),
    }));
}"""


def figures_in(notebook):
    """How many output images the executed notebook has."""
    nb = nbformat.read(notebook, as_version=4)
    outputs = (o for c in nb.cells for o in c.get("outputs", []))
    return sum("image/png" in o.get("data", {}) for o in outputs)


def test_the_site_has_every_notebook_and_text(built_site):
    site, _ = built_site
    pages = set(site_pages(site))
    expected = {"index.html", "course/README.html", "course/SYLLABUS.html"}
    expected |= {f"course/{p.stem}.html" for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb")}
    expected |= {
        f"release/{p.parent.name}/{p.stem}.html" for p in (ROOT / "release").glob("*/*.ipynb")
    }
    assert expected <= pages, f"missing pages: {sorted(expected - pages)}"
    for page in pages:
        text = (site / page).read_text(encoding="utf-8")
        assert "widget-view+json" not in text, f"{page}: a live widget needs a widget manager"
        assert "require.js" not in text and "cdn." not in text, f"{page}: loads from a CDN"


def test_every_page_loads_offline_with_its_figures(built_site, site_url, offline_browser):
    site, sources = built_site
    failures = []
    for name in site_pages(site):
        page, problems = open_page(offline_browser, f"{site_url}/{name}")
        try:
            images = page.evaluate(IMAGES)
            for image in images:
                if image["width"] <= 0:
                    failures.append(f"{name}: image did not load: {image['src']}")
                if not (image["alt"] or "").strip():
                    failures.append(f"{name}: image without alt: {image['src']}")
            notebook = sources / Path(name).with_suffix(".ipynb")
            if notebook.exists() and name.startswith("course/"):
                shown = sum(image["output"] for image in images)
                if shown < figures_in(notebook):
                    failures.append(f"{name}: {shown} of {figures_in(notebook)} figures shown")
                math = page.locator("mjx-container").count()
                if "$" in notebook.read_text() and math == 0:
                    failures.append(f"{name}: no math was typeset")
                if page.locator(".MathJax_Error, mjx-merror").count():
                    failures.append(f"{name}: MathJax could not typeset a formula")
            failures += [f"{name}: {item}" for item in problems.items]
            if name == "index.html":
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "site_home.png"))
            if name == NOTEBOOK_PAGE:
                ARTIFACTS.mkdir(exist_ok=True)
                page.locator(".cell_output img").first.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "site_notebook.png"))
        finally:
            page.close()
    assert not failures, "\n".join(failures)
    assert (ARTIFACTS / "site_home.png").exists() and (ARTIFACTS / "site_notebook.png").exists()


def test_a_request_off_localhost_is_caught(site_url, offline_browser):
    """The network really is closed to the pages: a planted external image is reported."""
    page, problems = open_page(offline_browser, f"{site_url}/index.html")
    try:
        page.evaluate(
            "() => new Promise(done => { const img = new Image();"
            " img.onerror = img.onload = done; img.src = 'https://example.org/x.png'; })"
        )
        assert any("left localhost" in item for item in problems.items), problems.items
    finally:
        page.close()
