"""Accessibility, checked with axe-core in Chromium (the axe.min.js that the PyPI package
axe-playwright-python ships, injected into the page: nothing is fetched).

* Every page of the course website (test_site.py builds and serves it): no serious or
  critical violation anywhere on the page, the theme included.
* Two lecture notebooks in JupyterLab after Run All, its widgets rendered: no serious or
  critical violation in the course's nodes: rendered markdown, outputs and widgets.
  JupyterLab's own interface (menus, cell editors, prompts) is outside the course's control:
  its violations are recorded, not failed on.
* The keyboard: on that page each widget control is reached with Tab (Shift+Tab back from the
  next one) and has an accessible name.

Results, by page and impact: tests/artifacts/axe.md and axe.json."""

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import test_browser
import test_site
from test_browser import open_and_run_all, wait_until_done
from test_site import ARTIFACTS, open_page, site_pages

# the fixtures of the site and JupyterLab tests, shared (the site is built once per session)
lab = test_browser.lab
built_site, site_url = test_site.built_site, test_site.site_url
offline_browser = test_site.offline_browser

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FAILING_IMPACTS = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
LAB_NOTEBOOKS = ["01_neurons_and_the_perceptron.ipynb", "06_gradient_descent.ipynb"]
RESULTS = {}  # page -> {"ours": [...], "jupyterlab": [...]}, written at the end


def axe_script():
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None, "pip: axe-playwright-python (the test extra)"
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page):
    """axe-core's violations on the page as it is now."""
    page.evaluate(axe_script())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def summary(violations):
    """Only what the report needs: rule, impact, help and the nodes' selectors."""
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]],
            "html": [n["html"][:200] for n in v["nodes"][:3]],
        }
        for v in violations
    ]


def counts(violations):
    """Violating nodes by impact."""
    found = Counter()
    for v in violations:
        found[v["impact"]] += len(v["nodes"])
    return {impact: found.get(impact, 0) for impact in IMPACTS}


def failing(violations):
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'][:4])}"
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]


@pytest.fixture(scope="module", autouse=True)
def report():
    """Write tests/artifacts/axe.md and axe.json once the module's tests have run."""
    yield
    if not RESULTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(RESULTS, indent=1), encoding="utf-8")
    lines = [
        "# axe-core results",
        "",
        "Violating nodes by impact, per page (tests/integration/test_accessibility.py).",
        "The course's own content fails the test on any serious or critical violation;",
        "JupyterLab's own interface is recorded only.",
        "",
        "| page | part | " + " | ".join(IMPACTS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in IMPACTS) + " |",
    ]
    totals = {"ours": Counter(), "jupyterlab": Counter()}
    for page, parts in sorted(RESULTS.items()):
        for part, violations in parts.items():
            found = counts(violations)
            totals[part].update(found)
            lines.append(
                f"| {page} | {part} | " + " | ".join(str(found[i]) for i in IMPACTS) + " |"
            )
    for part, found in totals.items():
        lines.append(f"| **total** | {part} | " + " | ".join(str(found[i]) for i in IMPACTS) + " |")
    lines += ["", "## Rules violated", ""]
    for page, parts in sorted(RESULTS.items()):
        for part, violations in parts.items():
            for v in violations:
                lines.append(f"- {page} ({part}): **{v['impact']}** `{v['id']}`: {v['help']}, "
                             f"{len(v['nodes'])} node(s), e.g. `{v['nodes'][0]}`")  # fmt: skip
    (ARTIFACTS / "axe.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_site_page_has_no_serious_or_critical_violation(
    built_site, site_url, offline_browser
):
    site, _ = built_site
    failures = []
    for name in site_pages(site):
        page, _problems = open_page(offline_browser, f"{site_url}/{name}")
        try:
            violations = summary(run_axe(page))
        finally:
            page.close()
        RESULTS[f"site: {name}"] = {"ours": violations}
        failures += [f"{name}: {f}" for f in failing(violations)]
    assert not failures, "\n".join(failures)


# the course's: rendered markdown, outputs and widgets; the cells' editors, prompts and
# collapse buttons are JupyterLab's
IN_NOTEBOOK = """targets => targets.map(target => {
    const node = document.querySelector(target);
    return !!(node && node.closest(
        '.jp-Notebook .jp-Cell :is(.jp-OutputArea-output, .jp-MarkdownOutput)'));
})"""


def split_by_owner(page, violations):
    """(ours, jupyterlab's): split each violation's nodes by who made them."""
    ours, theirs = [], []
    for v in violations:
        inside = page.evaluate(IN_NOTEBOOK, v["nodes"])
        for kept, keep in ((ours, True), (theirs, False)):
            nodes = [n for n, flag in zip(v["nodes"], inside, strict=True) if flag == keep]
            if nodes:
                kept.append({**v, "nodes": nodes})
    return ours, theirs


def without_windowing(tmp_path):
    """Render every cell (JupyterLab's default only keeps the visible ones in the page)."""
    folder = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')


CONTROLS = (
    ".jp-OutputArea-output :is(button, select, input, textarea, [role=slider], [role=button],"
    " [role=checkbox], [contenteditable=true], [tabindex]:not([tabindex='-1'])):not([disabled])"
)


@pytest.fixture(scope="module")
def lab_browser(lab, offline_browser):
    """The site's Chromium (one playwright per module), on JupyterLab without windowing."""
    without_windowing(lab[1])
    return offline_browser


def accessible_name(locator):
    """The name in the control's ARIA snapshot ('- slider "w1": 0.5' -> 'w1')."""
    first = locator.aria_snapshot().splitlines()[0]
    match = re.match(r'\s*- [\w-]+ "(.*?)"', first) or re.match(r"\s*- [\w-]+ /(.*)/", first)
    return match.group(1).strip() if match else ""


def keyboard_problems(page):
    """Controls of each widget output that Tab does not reach, that have no name, or (range
    inputs) that the arrow keys do not move."""
    page.evaluate(
        "sel => document.querySelectorAll(sel).forEach((el, i) => el.dataset.a11y = i)", CONTROLS
    )
    controls = page.locator(CONTROLS)
    total = controls.count()
    assert total >= 1, "no widget control rendered"
    problems = []
    for i in range(total):
        control = controls.nth(i)
        if not control.is_visible():
            continue
        if not accessible_name(control):
            html = control.evaluate("e => e.outerHTML.slice(0, 160)")
            problems.append(f"control {i} has no accessible name: {html}")
    # within each output, Tab from each control reaches the next and Shift+Tab comes back
    for i in range(total - 1):
        here, there = controls.nth(i), controls.nth(i + 1)
        same_output = here.evaluate(
            "(a, b) => a.closest('.jp-OutputArea-output') === b.closest('.jp-OutputArea-output')",
            there.element_handle(),
        )
        if not (same_output and here.is_visible() and there.is_visible()):
            continue
        here.focus()
        page.keyboard.press("Tab")
        reached = page.evaluate("() => document.activeElement?.dataset?.a11y")
        if reached != str(i + 1):
            problems.append(f"Tab from control {i} went to {reached!r}, not control {i + 1}")
            continue
        page.keyboard.press("Shift+Tab")
        back = page.evaluate("() => document.activeElement?.dataset?.a11y")
        if back != str(i):
            problems.append(f"Shift+Tab from control {i + 1} went to {back!r}, not control {i}")
    # every range input answers the arrow keys (JupyterLab's arrow-key shortcuts must not win)
    for i in range(total):
        control = controls.nth(i)
        if control.get_attribute("type") != "range" or not control.is_visible():
            continue
        control.focus()
        before = control.input_value()
        at_end = control.evaluate("s => Number(s.value) + Number(s.step) > Number(s.max)")
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        if control.input_value() == before:
            problems.append(f"the arrow keys do not move range input {i} (value {before})")
        page.keyboard.press("ArrowRight" if at_end else "ArrowLeft")  # back where it was
    return problems, total


@pytest.mark.parametrize("name", LAB_NOTEBOOKS)
def test_jupyterlab_notebook_content_is_accessible_and_keyboard_usable(lab, lab_browser, name):
    url, _ = lab
    page = open_and_run_all(lab_browser, url, name)
    try:
        wait_until_done(page)
        page.locator(".jp-OutputArea-output .widget-container, .jp-OutputArea-output "
                     ".widget-interact").first.wait_for(timeout=60_000)  # fmt: skip
        page.wait_for_timeout(1000)  # the widgets' first figures
        ours, theirs = split_by_owner(page, summary(run_axe(page)))
        RESULTS[f"JupyterLab: {name}"] = {"ours": ours, "jupyterlab": theirs}
        problems, total = keyboard_problems(page)
    finally:
        page.close()
    problems += failing(ours)
    assert not problems, f"{name} ({total} widget controls):\n" + "\n".join(problems)
