"""Build the course website: ``python -m website.build [--out DIR] [--jobs N]``.

1. Copy course/README.md, course/SYLLABUS.md, the lecture notebooks and the released
   assignments (release/*/*.ipynb, student text, not executed) into a staging folder laid
   out as the repository, so the pages' relative links work unchanged.
2. Execute each lecture notebook there with FFNN_STATIC_WIDGETS=1: every ffnn widget then
   shows a still picture (with alt text) and a note to run the notebook for the live one.
   Figures carry their alt text as <img alt> (ffnn.figures).
3. Remove what would need JavaScript from elsewhere: live-widget outputs and saved widget
   state.
4. Render with Sphinx + MyST-NB (website/conf.py) into ``--out`` (default dist/site/).
"""

import argparse
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WEBSITE = ROOT / "website"
COURSE = ROOT / "course"
RELEASE = ROOT / "release"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SETUP_TAG = "ffnn-site-setup"
# the figures' alt text, also when a notebook shows a figure before it imports ffnn
SETUP_CODE = "%matplotlib inline\nimport ffnn.figures\nffnn.figures.install()"


def lecture_notebooks(course=COURSE):
    return sorted(course.glob("[0-9][0-9]_*.ipynb"))


def assignment_notebooks(release=RELEASE):
    return sorted(release.glob("*/*.ipynb"))


def stage(target):
    """Lay out the pages' sources in ``target`` (emptied first); returns the notebooks to
    execute."""
    if target.exists():
        shutil.rmtree(target)
    (target / "course").mkdir(parents=True)
    shutil.copy2(WEBSITE / "index.md", target / "index.md")
    for name in ("README.md", "SYLLABUS.md"):
        shutil.copy2(COURSE / name, target / "course" / name)
    lectures = []
    for path in lecture_notebooks():
        lectures.append(target / "course" / path.name)
        shutil.copy2(path, lectures[-1])
    for path in assignment_notebooks():
        copy = target / "release" / path.parent.name / path.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, copy)
    return lectures


def kernel_environment():
    env = dict(os.environ)
    env["FFNN_STATIC_WIDGETS"] = "1"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JPY_SESSION_NAME", None)
    return env


def without_live_widgets(nb):
    """Drop widget-view outputs and saved widget state (they would load a widget manager
    from a CDN); returns how many outputs were dropped."""
    nb.metadata.pop("widgets", None)
    dropped = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                dropped += 1
                continue
            data.pop(WIDGET_STATE, None)
            kept.append(output)
        cell.outputs = kept
    return dropped


def figures_without_alt(nb):
    """Output images (image/png) that have no <img alt> next to them: (cell index, n)."""
    from ffnn.figures import alts_in_html

    missing = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                alts = alts_in_html(data.get("text/html", ""))
                if not alts or not all(a.strip() for a in alts):
                    missing.append(index)
    return missing


def execute(path, timeout=900):
    """Execute the staged notebook ``path`` in place; returns (seconds, dropped widgets)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(SETUP_CODE, metadata={"tags": [SETUP_TAG]})
    nb.cells.insert(0, setup)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=kernel_environment())
    seconds = time.perf_counter() - start
    nb.cells = [c for c in nb.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    dropped = without_live_widgets(nb)
    missing = figures_without_alt(nb)
    if missing:
        nbformat.write(nb, path.with_suffix(".failed.ipynb"))
        raise RuntimeError(f"{path.name}: figures without alt text in cells {missing}")
    nbformat.write(nb, path)
    return seconds, dropped


def render(source, out):
    """Sphinx + MyST-NB: ``source`` -> HTML in ``out``."""
    from sphinx.cmd.build import build_main

    doctrees = source.parent / "doctrees"
    args = ["-b", "html", "-c", str(WEBSITE), "-d", str(doctrees), "-q", "-E"]
    status = build_main([*args, str(source), str(out)])
    if status != 0:
        raise RuntimeError(f"sphinx-build exited with {status}")


def build(out, work, jobs=2, log=print, render_only=False):
    """The whole site into ``out``; ``work`` holds the staged sources. Returns timings.
    ``render_only`` re-renders the sources staged and executed by an earlier build."""
    total = time.perf_counter()
    lectures = [] if render_only else stage(work / "src")
    timings = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for path, (seconds, dropped) in zip(lectures, pool.map(execute, lectures), strict=True):
            timings[path.name] = seconds
            note = f", {dropped} live widget outputs removed" if dropped else ""
            log(f"executed {path.name} in {seconds:.1f} s{note}")
    executed = time.perf_counter() - total
    start = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    render(work / "src", out)
    rendered = time.perf_counter() - start
    timings.update(execute_s=executed, render_s=rendered, total_s=time.perf_counter() - total)
    log(
        f"site: {out / 'index.html'} (executed in {executed:.0f} s, "
        f"rendered in {rendered:.0f} s, total {timings['total_s']:.0f} s)"
    )
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "site")
    parser.add_argument("--work", type=Path, default=None, help="staging folder")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    parser.add_argument(
        "--render-only", action="store_true", help="re-render the last build's executed sources"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    work = args.work or args.out.parent / (args.out.name + "_build")
    if args.render_only and not (work / "src" / "index.md").exists():
        raise ValueError(f"--render-only needs the sources of an earlier build in {work}/src")
    build(args.out.resolve(), work.resolve(), jobs=args.jobs, render_only=args.render_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
