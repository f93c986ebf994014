"""The course in a real browser: JupyterLab on localhost, Debian's headless Chromium driven by
playwright. The playground: run all cells, check the controls render, press step and play and
see the loss readout move, pause, save a screenshot to tests/artifacts/playground.png. Every
lecture notebook: run all cells, no cell raises, its widgets render, and an arrow key on its
first slider moves the slider and changes the widget's figure."""

import importlib.util
import os
import re
import shutil

import pytest

from autograder import ROOT
from benchmarks.widgets_browser import OBSERVE, SLIDERS, first_slider
from tests.jupyterlab_server import CHROMIUM, jupyterlab, launch_chromium

NOTEBOOK = ROOT / "course" / "11_playground.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, require):
    """JupyterLab serving a copy of course/, no token, private config dirs."""
    require("Chromium", os.path.exists(CHROMIUM), f"Debian's package chromium at {CHROMIUM}")
    require("playwright", importlib.util.find_spec("playwright"), "pip: the test extra")
    tmp_path = tmp_path_factory.mktemp("lab")
    root = tmp_path / "course"
    shutil.copytree(NOTEBOOK.parent, root, ignore=shutil.ignore_patterns("playground*"))
    try:
        with jupyterlab(root, tmp_path) as url:
            yield url, tmp_path
    except RuntimeError as error:  # the server did not start: its log says why
        pytest.fail(str(error))


def epoch_of(text):
    match = re.match(r"epoch (\d+) · train loss ([\d.]+)", text)
    assert match, f"unexpected readout {text!r}"
    return int(match.group(1))


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            yield chromium
        finally:
            chromium.close()


def open_and_run_all(browser, url, name):
    """Open a notebook in JupyterLab, wait for its kernel, then Run > Run All Cells."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{url}/lab/tree/{name}?reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(
        "() => { const k = window.jupyterapp?.shell?.currentWidget?.sessionContext;"
        " return k && k.session && k.kernelDisplayStatus === 'idle'; }",
        timeout=120_000,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    return page


def wait_until_done(page, timeout=180_000):
    """All cells have run: no cell is queued or running ([*]) and the kernel is idle."""
    page.wait_for_function(
        "() => { const w = window.jupyterapp?.shell?.currentWidget;"
        " const busy = [...document.querySelectorAll('.jp-InputPrompt')]"
        "   .some(p => p.innerText.includes('*'));"
        " return w && !busy && w.sessionContext.kernelDisplayStatus === 'idle'; }",
        timeout=timeout,
    )


LECTURES = sorted(p.name for p in NOTEBOOK.parent.glob("[0-9][0-9]_*.ipynb") if p != NOTEBOOK)


@pytest.mark.parametrize("name", LECTURES)
def test_lecture_runs_and_its_widgets_render(lab, browser, name):
    url, _ = lab
    page = open_and_run_all(browser, url, name)
    try:
        wait_until_done(page)
        tracebacks = page.locator(".jp-OutputArea-output", has_text="Traceback").count()
        assert tracebacks == 0, f"{name}: a cell raised in the browser"
        if "_ui(" not in (NOTEBOOK.parent / name).read_text():
            return  # no widget in this notebook
        widgets = page.locator(
            ".jp-OutputArea-output .widget-interact, .jp-OutputArea-output .widget-container"
        )
        assert widgets.count() >= 1, f"{name}: no widget rendered"
        controls = page.locator(".jp-OutputArea-output").locator(
            ".ffnn-slider, .widget-slider, .widget-dropdown, .widget-toggle-buttons, "
            ".widget-button, .widget-inline-hbox"
        )
        assert controls.count() >= 1, f"{name}: the widgets have no controls"
        if page.locator(SLIDERS).count():
            assert_arrow_key_moves_the_figure(page, name)
    finally:
        page.close()


def assert_arrow_key_moves_the_figure(page, name):
    """Focus the first enabled slider, press an arrow key: its value moves (JupyterLab's own
    arrow-key shortcuts must not swallow the key) and the widget shows something new."""
    slider = first_slider(page)
    page.evaluate(OBSERVE, slider)  # records the key's time and the output's first change
    slider.scroll_into_view_if_needed()
    slider.focus()
    before = slider.evaluate("s => s.value ?? s.getAttribute('aria-valuenow')")
    page.evaluate("() => { window.__ffnnT0 = null; window.__ffnnT1 = null; }")
    at_end = slider.evaluate("s => Number(s.value) + Number(s.step) > Number(s.max)")
    page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
    after = slider.evaluate("s => s.value ?? s.getAttribute('aria-valuenow')")
    assert after != before, f"{name}: the arrow key did not move the slider (still {before})"
    page.wait_for_function("() => window.__ffnnT1 !== null", timeout=60_000)


def test_playground_runs_in_jupyterlab(lab, browser):
    url, _ = lab
    page = open_and_run_all(browser, url, NOTEBOOK.name)
    try:
        ui = page.locator(".ffnn-playground").first
        ui.wait_for(timeout=180_000)
        ui.scroll_into_view_if_needed()  # Run All leaves the view at the notebook's end
        # the controls rendered
        for label in ("play", "step", "reset", "+ layer", "save weights"):
            assert ui.locator("button", has_text=label).count() >= 1, label
        assert ui.locator("select").count() >= 8  # data, activation, optimizer, ...
        assert ui.locator("input[type=checkbox]").count() == 7  # the seven features
        image = ui.locator("img").first
        page.wait_for_function("img => img.naturalWidth > 400", arg=image.element_handle())
        readout = ui.locator(".widget-label", has_text="train loss").first
        assert epoch_of(readout.inner_text()) == 0
        # step: one epoch, the readout and the picture change
        before_png = image.get_attribute("src")
        ui.locator("button", has_text="step").first.click()
        page.wait_for_function(
            "el => el.innerText.startsWith('epoch 1 ')", arg=readout.element_handle()
        )
        assert image.get_attribute("src") != before_png
        # play: training runs while the page stays responsive, then pause stops it
        ui.locator("button", has_text="play").first.click()
        page.wait_for_function(
            "el => parseInt(el.innerText.split(' ')[1]) >= 20",
            arg=readout.element_handle(),
            timeout=60_000,
        )
        ui.locator("button", has_text="pause").first.click()
        ui.locator("button", has_text="play").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        paused = epoch_of(readout.inner_text())
        page.wait_for_timeout(1000)
        assert epoch_of(readout.inner_text()) == paused >= 20
        # a control change while paused restarts the run on the new data
        ui.locator("select").first.select_option("spiral")
        page.wait_for_function(
            "el => el.innerText.startsWith('epoch 0 ')", arg=readout.element_handle()
        )
        ARTIFACTS.mkdir(exist_ok=True)
        ui.screenshot(path=str(ARTIFACTS / "playground.png"))  # scrolls it into view
        tracebacks = page.locator(".jp-OutputArea-output", has_text="Traceback").count()
        assert tracebacks == 0, "a notebook cell raised in the browser"
    finally:
        page.close()
