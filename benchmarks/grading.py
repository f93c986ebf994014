"""Workload 7: grading a class. Submissions per minute with 1 and 2 local workers
(paired, alternating), on SQLite and on a PostgreSQL gradebook; a generated class of
1,000 submissions graded end to end; the driver's recording rate (the single writer
of a Dask run); and from those, the projected wall time of 10,000 submissions on k
machines."""

import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.postgres import server_binaries, temporary_server
from autograder.samples import course_copy

ROOT = Path(__file__).resolve().parents[1]
CONTROLS = ["full", "blank", "partial"]  # 5 submissions each


def _grade(course, workers, env=None):
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "autograder.grade", "--workers", str(workers), "--force"],
        cwd=course,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def throughput(copies, rounds, env=None):
    """Submissions per minute with 1 and 2 workers on one course copy (--force), the
    order alternating between rounds; medians and the median of the paired ratios."""
    with tempfile.TemporaryDirectory() as scratch:
        course = course_copy(scratch, CONTROLS, env=env, copies=copies)
        n = len(list((course / "autograder" / "submitted").glob("*/*/*.ipynb")))
        _grade(course, 2, env)  # warm caches and the gradebook's students
        pairs = []
        for r in range(rounds):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            took = {w: _grade(course, w, env) for w in order}
            pairs.append(took)
    per_min = {w: statistics.median(60 * n / p[w] for p in pairs) for w in (1, 2)}
    return {
        "submissions": n,
        "rounds": rounds,
        "per_minute_1": per_min[1],
        "per_minute_2": per_min[2],
        "speedup": statistics.median(p[1] / p[2] for p in pairs),
    }


def recording_rate(n=30):
    """Seconds the driver spends recording one graded notebook (nbgrader autograde
    without execution + feedback), the cap of a Dask run's single writer."""
    from autograder import pipeline
    from autograder.grade import main as grade_main

    with tempfile.TemporaryDirectory() as scratch:
        course = course_copy(scratch, CONTROLS, copies=n - 15)
        os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
        with contextlib.redirect_stdout(io.StringIO()):
            grade_main(["--workers", "2"], root=course)
        graded = sorted((course / pipeline.GRADED).glob("*/*/*.ipynb"))
        recorder = pipeline.Recorder(course)
        start = time.perf_counter()
        for path in graded:
            recorder.record(path.parts[-3], path.parts[-2], path.read_text())
        return (time.perf_counter() - start) / len(graded)


def big_class(n=1000):
    """A generated class of ``n`` submissions graded end to end with 2 workers."""
    with tempfile.TemporaryDirectory() as scratch:
        course = course_copy(scratch, CONTROLS, copies=n // 5 - 3)
        count = len(list((course / "autograder" / "submitted").glob("*/*/*.ipynb")))
        seconds = _grade(course, 2)
    return {"submissions": count, "seconds": seconds, "per_minute": 60 * count / seconds}


def run(quick=False):
    result = {"title": "Grading a class (workers, gradebooks, projection)"}
    result["sqlite"] = throughput(copies=0 if quick else 30, rounds=1 if quick else 3)
    if quick:
        return result
    if server_binaries():
        with temporary_server(port=54330) as url:
            result["postgres"] = throughput(30, 3, env={"FFNN_GRADEBOOK_URL": url})
    result["record_s"] = recording_rate()
    result["class"] = big_class()
    per_machine = result["class"]["per_minute"]
    cap = 60 / result["record_s"]
    machines = (1, 2, 4, 8, 16)
    result["projection_10k_min"] = {
        k: 10_000 / min(k * per_machine, cap if k > 1 else per_machine) for k in machines
    }
    if "postgres" in result:  # --record-on-workers: no single writer (server not saturated)
        pg = result["postgres"]["per_minute_2"]
        result["projection_10k_workers_record_min"] = {k: 10_000 / (k * pg) for k in machines}
    return result
