"""Slider-to-figure time of the widget notebooks in JupyterLab, in Chromium.

For each widget notebook: start from a temporary copy of course/, run all cells, focus the
first slider of the first widget (its first enabled one), press an arrow key and time, in the
page, from the key press to the first change of what the widget shows -- its image's src, a
new image or canvas in its output, or its printed text -- with a MutationObserver. Eight
presses (ArrowRight; ArrowLeft once the slider is at its end), each after the kernel has gone
idle again. A press with no response within TIMEOUT_S counts as TIMEOUT_S.

``python_side()`` makes the same eight moves on the same widgets in this process, without a
browser, and splits the kernel's share of the time: computing the setting (``update``),
drawing the changed artists (``draw``), encoding the PNG (``encode``).

``run(quick) -> {notebook: {"median_ms", "all_ms", "timeouts", "python_ms"}}``
(benchmarks/run.py calls it); ``python -m benchmarks.widgets_browser [--quick] [NOTEBOOK ...]``
prints a table.
"""

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from tests.jupyterlab_server import jupyterlab, launch_chromium  # the browser tests' launchers

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
NOTEBOOKS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "11")
QUICK = ("01", "04")
PRESSES = 8
TIMEOUT_S = 10.0
SETTLE_S = 5.0  # after Run All: a student reads before touching a control

# In the page: remember the time of the arrow key, then of the first change of the widget's
# picture or text (mutations of its controls -- the slider's own handle and readout -- are
# not a response).
OBSERVE = """(slider) => {
  const area = slider.closest('.jp-OutputArea') || document.body;
  const controls = '.widget-slider, .widget-hslider, .widget-vslider, .widget-dropdown, '
    + '.widget-text, .widget-readout, .widget-inline-hbox.widget-checkbox, button, .ffnn-slider';
  const shown = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el || el.closest(controls)) return false;
    return true;
  };
  const counts = (m) => {
    if (!shown(m.target)) return false;
    if (m.type === 'attributes') {
      return m.attributeName === 'src' && ['IMG', 'CANVAS'].includes(m.target.tagName);
    }
    if (m.type === 'characterData') return !!m.target.parentElement?.closest('pre, .widget-html');
    const added = [...m.addedNodes].filter((n) => n.nodeType === 1 || n.nodeType === 3);
    return added.some((n) => n.nodeType === 3
      ? !!m.target.closest?.('pre, .widget-html, .jp-RenderedText')
      : (n.matches('img, canvas, pre, .jp-RenderedText, .jp-RenderedImage, .widget-html-content')
         || n.querySelector('img, canvas, pre, .jp-RenderedText')));
  };
  window.__ffnnT0 = null;
  window.__ffnnT1 = null;
  if (window.__ffnnObserver) window.__ffnnObserver.disconnect();
  window.__ffnnObserver = new MutationObserver((mutations) => {
    if (window.__ffnnT0 !== null && window.__ffnnT1 === null && mutations.some(counts)) {
      window.__ffnnT1 = performance.now();
    }
  });
  window.__ffnnObserver.observe(area, {subtree: true, childList: true, attributes: true,
                                       attributeFilter: ['src'], characterData: true});
  if (!window.__ffnnKey) {
    window.__ffnnKey = true;
    document.addEventListener('keydown', (e) => {
      if (e.key.startsWith('Arrow')) { window.__ffnnT0 = performance.now(); }
    }, true);
  }
}"""

KERNEL_IDLE = (
    "() => { const w = window.jupyterapp?.shell?.currentWidget;"
    " return w && w.sessionContext.kernelDisplayStatus === 'idle'; }"
)
ALL_RUN = (
    "() => { const w = window.jupyterapp?.shell?.currentWidget;"
    " const busy = [...document.querySelectorAll('.jp-InputPrompt')]"
    "   .some(p => p.innerText.includes('*'));"
    " return w && !busy && w.sessionContext.kernelDisplayStatus === 'idle'; }"
)


def notebook_path(number, course=COURSE):
    matches = sorted(course.glob(f"{number}_*.ipynb"))
    if not matches:
        raise ValueError(f"no notebook {number}_*.ipynb in {course}")
    return matches[0]


def open_and_run_all(browser, url, name):
    """Open a notebook, wait for its kernel, Run All Cells, wait until every cell has run."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{url}/lab/tree/{name}?reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(1000)
    page.wait_for_function(ALL_RUN, timeout=300_000)
    return page


SLIDERS = (
    ".jp-OutputArea-output .widget-slider .noUi-handle, .jp-OutputArea-output .ffnn-slider input"
)


def first_slider(page):
    """The first enabled slider in the notebook's outputs: an ipywidgets slider's handle or
    the range input of ffnn.widgets.slider."""
    page.wait_for_selector(SLIDERS, timeout=60_000)
    handle = page.evaluate_handle(
        f"() => [...document.querySelectorAll({SLIDERS!r})]"
        "  .filter(h => !h.disabled && !h.closest('.noUi-target[disabled]'))[0] || null"
    )
    if handle.as_element() is None:
        raise RuntimeError("no enabled slider in the notebook's outputs")
    return handle.as_element()


def press_times(page, handle, presses=PRESSES):
    """Milliseconds from each arrow key press to the widget's first visible change."""
    page.evaluate(OBSERVE, handle)
    handle.scroll_into_view_if_needed()
    handle.focus()
    times = []
    for _ in range(presses):
        at_end = handle.evaluate(
            "h => h.tagName === 'INPUT' ? Number(h.value) + Number(h.step) > Number(h.max)"
            "  : Number(h.getAttribute('aria-valuenow')) >= Number(h.getAttribute('aria-valuemax'))"
        )
        page.evaluate("() => { window.__ffnnT0 = null; window.__ffnnT1 = null; }")
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        try:
            page.wait_for_function("() => window.__ffnnT1 !== null", timeout=TIMEOUT_S * 1000)
            times.append(page.evaluate("() => window.__ffnnT1 - window.__ffnnT0"))
        except Exception:  # noqa: BLE001 -- playwright's TimeoutError: no response
            times.append(TIMEOUT_S * 1000)
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        page.wait_for_timeout(150)  # the rest of the response (a second message) lands
    return times


def measure(numbers=NOTEBOOKS, presses=PRESSES, settle=SETTLE_S, course=COURSE, log=None):
    """{notebook number: {"median_ms", "all_ms", "timeouts"}} for the given notebooks."""
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory(prefix="ffnn-widgets-") as tmp:
        workdir = Path(tmp)
        root = workdir / "course"
        shutil.copytree(course, root, ignore=shutil.ignore_patterns("playground*"))
        with jupyterlab(root, workdir) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for number in numbers:
                    name = notebook_path(number, root).name
                    page = open_and_run_all(browser, url, name)
                    try:
                        page.wait_for_timeout(settle * 1000)
                        ms = press_times(page, first_slider(page), presses)
                    finally:
                        page.close()
                    results[number] = {
                        "median_ms": statistics.median(ms),
                        "all_ms": [round(t, 1) for t in ms],
                        "timeouts": sum(t >= TIMEOUT_S * 1000 for t in ms),
                    }
                    if log:
                        log(f"{number}: median {results[number]['median_ms']:.0f} ms {ms}")
            finally:
                browser.close()
    return results


# the first widget of each notebook as the notebook builds it, and its first enabled slider
FIRST_WIDGET = {
    "01": ("neuron", "neuron_ui()", "w0"),
    "02": ("activations", "activation_ui()", "a0"),
    "03": ("approximation", "bishop_ui()", "hidden"),
    "04": ("outputs", "losses_ui()", "a0"),
    "05": ("backprop", "backprop_ui()", "value"),
    "06": ("descent", "descent_ui(surface='ravine', optimizer='momentum')", "lr"),
    "07": ("descent", "descent_ui(surface='ravine', optimizer='adam')", "lr"),
    "08": ("initialization", "init_ui()", "sigma"),
    "09": ("regularization", "regularization_ui()", "lam"),
}


def python_side(numbers=NOTEBOOKS, presses=PRESSES, ahead=True):
    """{notebook: {"update", "draw", "encode", "total"}}: median milliseconds per slider step
    in this process (no browser), after the neighbouring settings were computed ahead as in
    JupyterLab (``ahead``)."""
    import importlib

    out = {}
    for number in numbers:
        if number not in FIRST_WIDGET:
            continue  # the playground has its own benchmark (playground_frame)
        module, call, name = FIRST_WIDGET[number]
        ui = eval(call, {}, vars(importlib.import_module(f"ffnn.widgets.{module}")))  # noqa: S307
        control = ui.controls[name]
        if ahead and hasattr(ui.view, "look_ahead"):
            ui.view.look_ahead(**ui.settings)
            for results in vars(ui.view).values():
                if hasattr(results, "wait") and hasattr(results, "ahead"):
                    results.wait(timeout=600)
        steps = []
        for _ in range(presses):
            step = getattr(control, "step", 1)
            if getattr(control, "base", None):  # a log slider: one step in the exponent
                value = control.value * control.base**step
                if value > control.base**control.max:
                    value = control.value / control.base**step
            else:
                value = control.value + step if control.value + step <= control.max else (
                    control.value - step)  # fmt: skip
            control.value = value
            steps.append(dict(ui.seconds))
        out[number] = {part: round(1e3 * statistics.median(s[part] for s in steps), 2)
                       for part in ("update", "draw", "encode", "total")}  # fmt: skip
    return out


def run(quick=False):
    """What benchmarks/run.py records: every widget notebook, or two of them with quick."""
    numbers = QUICK if quick else NOTEBOOKS
    presses = 3 if quick else PRESSES
    results = measure(numbers, presses=presses)
    for number, parts in python_side(numbers, presses).items():
        results[number]["python_ms"] = parts
    return results


def table(results):
    lines = [
        "| notebook | median ms | min - max ms | timeouts | kernel: update / draw / encode ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, r in results.items():
        p = r.get("python_ms")
        parts = f"{p['update']:.1f} / {p['draw']:.1f} / {p['encode']:.1f}" if p else "-"
        lines.append(f"| {number} | {r['median_ms']:.0f} | {min(r['all_ms']):.0f} - "
                     f"{max(r['all_ms']):.0f} | {r['timeouts']} | {parts} |")  # fmt: skip
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="numbers, e.g. 01 08 (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"notebooks {QUICK}, 3 presses")
    parser.add_argument("--presses", type=int, default=None)
    parser.add_argument("--settle", type=float, default=SETTLE_S,
                        help="seconds to wait after Run All before the first press")  # fmt: skip
    opts = parser.parse_args(argv)
    numbers = opts.notebooks or (QUICK if opts.quick else NOTEBOOKS)
    presses = opts.presses or (3 if opts.quick else PRESSES)
    results = measure(numbers, presses, opts.settle, log=lambda s: print(s, flush=True))
    for number, parts in python_side(numbers, presses).items():
        results[number]["python_ms"] = parts
    print(table(results))
    return results


if __name__ == "__main__":
    main()
