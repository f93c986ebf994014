"""Workload 6: what users wait for outside the training loops -- compiling every kernel
into an empty cache, a cached start-up (``import ffnn`` + the first call, new process), each
course notebook run headless, and autograding the sample submissions (seconds each)."""

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIRST_CALL = """
import time
t0 = time.perf_counter()
import ffnn
net_cls, data = ffnn.MLP, ffnn.datasets  # the lazy submodules the first call needs
t1 = time.perf_counter()
X, T = data.xor()
net = net_cls([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
net.loss_and_gradients(X, T)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""
# What any program pays for its first call of a cached Numba kernel: NumPy, Numba, and
# Numba's first dispatch (its typing and target registries, SciPy's BLAS through
# scipy.linalg, cffi), with one trivial @njit(cache=True) function in place of ffnn.
FLOOR_MODULE = """
from numba import njit


@njit(cache=True)
def total(x):
    return x.sum()
"""
FLOOR_CALL = """
import time
t0 = time.perf_counter()
import numpy as np
import floor_module
t1 = time.perf_counter()
floor_module.total(np.ones(3))
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def _python(code, env=None, timeout=600):
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=True,
    )
    return out.stdout


def cold_compile():
    """Seconds per kernel family when Numba's cache is empty (ffnn.warmup into a temp dir)."""
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        out = _python(
            "import json; from ffnn.warmup import warm_up; print(json.dumps(warm_up()))",
            env={"NUMBA_CACHE_DIR": cache},
        )
        total = time.perf_counter() - start
    return {"families": json.loads(out.strip().splitlines()[-1]), "process_seconds": total}


def cached_startup(repeats=5):
    """Fresh processes, cache warm: ``import ffnn`` with the modules the first call needs
    (ffnn.network, ffnn.datasets -- ffnn's submodules load on first use, so a bare
    ``import ffnn`` takes ~10 ms), then the first ``loss_and_gradients`` (building the data
    and the net, Numba's first dispatch, loading the two kernels from the cache). Paired
    with the floor: the same in a process whose only kernel is a trivial cached @njit
    function, i.e. what NumPy and Numba alone cost."""
    with tempfile.TemporaryDirectory() as floor_dir:
        Path(floor_dir, "floor_module.py").write_text(FLOOR_MODULE)
        floor_env = {"PYTHONPATH": floor_dir}
        _python(FIRST_CALL)  # make sure the caches hold both processes' kernels
        _python(FLOOR_CALL, env=floor_env)
        ours, floor, walls = [], [], []
        for k in range(repeats):
            for which in ("ffnn", "floor") if k % 2 == 0 else ("floor", "ffnn"):
                start = time.perf_counter()
                if which == "ffnn":
                    ours.append(tuple(map(float, _python(FIRST_CALL).split())))
                    walls.append(time.perf_counter() - start)
                else:
                    floor.append(tuple(map(float, _python(FLOOR_CALL, env=floor_env).split())))
    med = statistics.median
    return {
        "import_s": med(a for a, _ in ours),
        "first_call_s": med(b for _, b in ours),
        "total_s": med(a + b for a, b in ours),
        "process_wall_s": med(walls),
        "floor_total_s": med(a + b for a, b in floor),
        "floor_import_s": med(a for a, _ in floor),
        "floor_first_call_s": med(b for _, b in floor),
        "ffnn_over_floor_s": med(
            sum(a) - sum(b) for a, b in zip(ours, floor, strict=True)
        ),  # paired: each ffnn process against the floor process next to it
        "runs": repeats,
    }


def notebook_times():
    """Seconds to execute each course notebook headless (nbclient, one fresh kernel each)."""
    import nbformat
    from nbclient import NotebookClient

    times = {}
    for path in sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as work:
            client = NotebookClient(
                nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": work}}
            )
            start = time.perf_counter()
            client.execute()
            times[path.name] = time.perf_counter() - start
    return times


def autograde_times():
    """Release into a scratch copy of the course, autograde the sample submissions there."""
    from autograder.samples import course_copy

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        course = course_copy(scratch)  # includes `python -m autograder.release`
        release = time.perf_counter() - start
        run = {"cwd": course, "capture_output": True, "text": True, "check": True}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder.grade", "--timeout", "5"], **run)
        grade = time.perf_counter() - start
        rows = list(csv.DictReader(open(course / "autograder" / "grades.csv")))
    seconds = [float(r["seconds"]) for r in rows if r["seconds"]]
    return {
        "release_s": release,
        "grade_total_s": grade,
        "submissions": len(seconds),
        "per_submission_median_s": statistics.median(seconds),
        "per_submission_range_s": (min(seconds), max(seconds)),
    }


def sandbox_overhead(rounds=3):
    """Seconds to grade one submission (``python -m autograder.trusted``, the whole
    per-submission process) in the sandbox and without it (``--unsafe``: same runner and
    trusted tests, no bubblewrap/cgroups), paired: both modes back to back on the same
    sample, alternating which goes first, over the full/blank/partial samples."""
    samples = ROOT / "autograder" / "samples" / "submitted"
    pairs = []
    with tempfile.TemporaryDirectory() as scratch:
        for r in range(rounds):
            for student in ("full", "blank", "partial"):
                for sub in sorted((samples / student).iterdir()):
                    aid = sub.name
                    cmd = [sys.executable, "-m", "autograder.trusted", "--root", str(ROOT)]
                    cmd += [str(ROOT / s / aid / f"{aid}.ipynb") for s in ("source", "release")]
                    cmd += [str(sub), str(Path(scratch) / student / aid)]
                    took = {}
                    for mode in ("sandbox", "unsafe") if r % 2 == 0 else ("unsafe", "sandbox"):
                        start = time.perf_counter()
                        extra = ["--unsafe"] if mode == "unsafe" else []
                        subprocess.run(cmd + extra, cwd=ROOT, check=True, capture_output=True)
                        took[mode] = time.perf_counter() - start
                    pairs.append((took["sandbox"], took["unsafe"]))
    sandboxed = statistics.median(p[0] for p in pairs)
    bare = statistics.median(p[1] for p in pairs)
    return {
        "pairs": len(pairs),
        "sandbox_median_s": sandboxed,
        "unsafe_median_s": bare,
        "overhead_s": statistics.median(p[0] - p[1] for p in pairs),
        "ratio": statistics.median(p[0] / p[1] for p in pairs),
    }


def run(quick=False):
    result = {
        "title": "Start-up, compilation, notebooks and autograding",
        "cached_startup": cached_startup(2 if quick else 7),
        "target": "cached start-up (import + first call) <= 0.3 s",
        "sandbox": sandbox_overhead(1 if quick else 3),
    }
    if not quick:
        result["cold_compile"] = cold_compile()
        result["notebooks_s"] = notebook_times()
        result["autograde"] = autograde_times()
    return result
