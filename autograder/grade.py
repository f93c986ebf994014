"""``make grade``: autograde every submission in autograder/submitted/, write
autograder/grades.csv and per-student feedback HTML in autograder/feedback/.

Steps, each a function below:
1. ``discover``  - students are the folders of autograder/submitted/; each should hold
   ``<assignment>/<assignment>.ipynb`` for the assignments of source/.
2. ``validate``  - read and validate every notebook with nbformat; a missing, corrupt or
   oversized notebook is recorded with a clear message instead of stopping the run.
3. ``plan``      - one task per valid submission not yet graded with these files, tests
   and limits (a manifest in autograder/.state/done/ says; ``--force`` grades all).
4. ``run_local`` / ``run_dask`` - each task is graded in the sandbox with the tests in a
   trusted process (autograder/pipeline.py, autograder/trusted.py) and recorded by
   nbgrader (gradebook, autograded copy, feedback) without nbgrader executing anything;
   ``finish`` writes the manifest, so an interrupted run continues where it stopped.
5. ``collect``   - read the scores from the gradebook and write the CSV.

Usage: ``python -m autograder.grade [ASSIGNMENT ...] [--workers N] [--force]
[--scheduler tcp://HOST:8786 [--record-on-workers]] [--feedback] [--unsafe]``.
Without a working sandbox (bubblewrap) grading refuses to run, unless ``--unsafe``.
"""

import argparse
import collections
import concurrent.futures
import csv
import functools
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import tqdm

from autograder import ROOT, assignments, pipeline, sandbox

COURSE_ID = "ffnn"
FIELDS = ["student", "assignment", "status", "score", "max_score", "auto_score", "auto_max_score"]
FIELDS += ["seconds", "message"]


@dataclass
class Row:
    student: str
    assignment: str
    status: str = "pending"
    score: float = 0.0
    max_score: float = 0.0
    auto_score: float = 0.0
    auto_max_score: float = 0.0
    seconds: float | None = None
    message: str = ""
    notes: list = field(default_factory=list)
    sandbox_status: str = "ok"
    skipped: bool = False


def discover(root, ids):
    """One Row per (student, assignment) for every student folder of submitted/."""
    submitted = root / "autograder" / "submitted"
    if not submitted.is_dir():
        return []
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir())
    return [Row(s, a) for s in students for a in ids]


def validate(root, row, max_mb=2.0):
    """Set ``row.status`` to 'ok', 'not submitted', 'missing', 'too large' or 'corrupt'."""
    folder = root / "autograder" / "submitted" / row.student / row.assignment
    path = folder / f"{row.assignment}.ipynb"
    if not folder.is_dir():
        row.status, row.message = "not submitted", "no folder for this assignment"
    elif not path.is_file():
        found = [p.name for p in folder.iterdir() if p.name not in pipeline.EXCHANGE_FILES]
        found = sorted(found) or ["nothing"]
        row.status = "missing"
        row.message = f"notebook {path.name} not in the submission (found: {', '.join(found)})"
    elif path.stat().st_size > max_mb * 2**20:
        row.status = "too large"
        row.message = f"{path.name} is {path.stat().st_size / 2**20:.1f} MB (limit {max_mb:g} MB)"
    else:
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
            row.status = "ok"
        except Exception as err:  # noqa: BLE001 - any unreadable file is recorded, not raised
            text = str(err).strip()
            first = text.splitlines()[0][:99] if text else ""
            row.status = "corrupt"
            row.message = f"{path.name} is not a valid notebook ({type(err).__name__}: {first})"
    return row


def _forget(root, rows):
    """Drop stale results of submissions that cannot be graded now."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_db_url(root), COURSE_ID) as gb:
        for row in rows:
            try:
                gb.remove_submission(row.assignment, row.student)
            except MissingEntry:
                pass
    for row in rows:
        for step in ("autograded", "feedback"):
            stale = root / "autograder" / step / row.student / row.assignment
            shutil.rmtree(stale, ignore_errors=True)


UNGRADABLE = ("missing", "corrupt", "too large")


def record_zero(root, rows):
    """Record each submission that cannot be graded (missing notebook, corrupt, too
    large) as 0 out of the assignment's points: a gradebook submission with every grade
    cell at 0 (none left to grade by hand) and a comment saying why, and an autograded
    folder (with the reason in ``not_graded.txt``) so the Formgrader lists it as graded.
    grades.csv keeps its status and message; a later valid submission replaces it."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.utils import parse_utc
    from sqlalchemy.exc import SAWarning

    with Gradebook(_db_url(root), COURSE_ID) as gb, warnings.catch_warnings():
        # nbgrader's add_submission builds its rows before adding them: SQLAlchemy warns
        warnings.simplefilter("ignore", SAWarning)
        for row in rows:
            try:
                gb.find_assignment(row.assignment)
            except MissingEntry:
                continue  # not released yet: nothing to count against
            gb.update_or_create_student(row.student)
            folder = root / "autograder" / "submitted" / row.student / row.assignment
            stamp = _timestamp(folder)
            try:
                parse_utc(stamp)
            except (TypeError, ValueError):
                stamp = None
            sub = gb.add_submission(row.assignment, row.student, timestamp=stamp)
            reason = f"Not graded: {row.message}. Every question counts 0."
            for nb in sub.notebooks:
                for grade in nb.grades:
                    grade.auto_score, grade.needs_manual_grade = 0, False
                for comment in nb.comments[:1]:
                    comment.auto_comment = reason
            gb.db.commit()
            graded = root / "autograder" / "autograded" / row.student / row.assignment
            graded.mkdir(parents=True, exist_ok=True)
            (graded / "not_graded.txt").write_text(reason + "\n")
            done = _manifest(root, row)
            done.parent.mkdir(parents=True, exist_ok=True)
            done.write_text(json.dumps({"status": "zero", "message": row.message}, indent=1))


def _timestamp(folder):
    """The submission time nbgrader's submit wrote (timestamp.txt), or None."""
    path = folder / "timestamp.txt"
    return (path.read_text().strip() or None) if path.is_file() else None


def _was_zero(root, row):
    done = _manifest(root, row)
    return done.is_file() and json.loads(done.read_text()).get("status") == "zero"


def _db_url(root):
    """The gradebook's URL from nbgrader_config.py (SQLite unless FFNN_GRADEBOOK_URL)."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return cfg.CourseDirectory.db_url


def _manifest(root, row):
    return root / "autograder" / ".state" / "done" / row.student / f"{row.assignment}.json"


def plan(root, rows, limits, unsafe=False, force=False):
    """Tasks for the valid submissions not yet graded with these very files, tests and
    limits (all of them with ``force``); the others are filled from their manifest."""
    from nbgrader.api import Gradebook, MissingEntry

    todo = []
    with Gradebook(_db_url(root), COURSE_ID) as gb:
        for student in sorted({r.student for r in rows if r.status == "ok"}):
            gb.update_or_create_student(student)  # here, so workers never race to create one
        for row in rows:
            if row.status != "ok":
                continue
            t = pipeline.task(root, row.student, row.assignment, limits, unsafe)
            t["fingerprint"] = pipeline.fingerprint(t)
            done = _manifest(root, row)
            if not force and done.is_file():
                m = json.loads(done.read_text())
                try:
                    recorded = m["status"] != "ok" or gb.find_submission(
                        row.assignment, row.student
                    )
                except MissingEntry:
                    recorded = False
                if m.get("fingerprint") == t["fingerprint"] and recorded:
                    _apply(row, m)
                    row.skipped = True
                    continue
            todo.append((row, t))
    return todo


def _apply(row, m):
    row.seconds = m.get("seconds")
    row.notes = list(m.get("notes", []))
    row.sandbox_status = m.get("sandbox_status", "ok")
    if m["status"] != "ok":
        row.status, row.message = "error", m["message"]


def finish(root, row, t, out):
    """Fill ``row`` from a worker's output and write its manifest (so a resumed run
    does not grade it again). A submission nbgrader failed to record gets no manifest:
    the next run tries it again."""
    m = {"fingerprint": t["fingerprint"], "seconds": out.get("seconds"), "status": "ok"}
    if out.get("error"):
        m.update(status="error", message=out["error"])
    elif out.get("record_error"):
        _apply(row, {**m, "status": "error", "message": f"nbgrader: {out['record_error']}"})
        return
    else:
        m.update(notes=out["result"]["notes"], sandbox_status=out["result"]["status"])
    path = _manifest(root, row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(m, indent=1))
    _apply(row, m)


def run_local(root, todo, workers):
    """Grade and record in ``workers`` processes; yields (row, task, output)."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        jobs = {pool.submit(pipeline.local_job, str(root), t): (row, t) for row, t in todo}
        try:
            for job in concurrent.futures.as_completed(jobs):
                row, t = jobs[job]
                try:
                    out = job.result()
                except Exception as err:  # noqa: BLE001 - a worker process died
                    out = {"error": f"the grading worker failed ({type(err).__name__})"}
                yield row, t, out
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def run_dask(root, todo, scheduler, record_on_workers=False):
    """Grade on a Dask cluster (each submission a task, graded in the sandbox of the
    worker that runs it). The driver records, the only writer of the gradebook; or,
    with ``record_on_workers`` (a server gradebook and the course folder shared by
    every worker at the same path), each worker records its own submissions."""
    from distributed import Client, as_completed

    recorder = None if record_on_workers else pipeline.Recorder(root)
    with Client(scheduler) as client:
        futures = {}
        for row, t in todo:
            key = f"grade-{t['fingerprint']}"
            if record_on_workers:
                future = client.submit(pipeline.local_job, str(root), t, pure=False, key=key)
            else:
                future = client.submit(pipeline.grade_task, t, pure=False, key=key)
            futures[future] = (row, t)
        for future in as_completed(futures):
            row, t = futures[future]
            try:
                out = future.result()
            except Exception as err:  # noqa: BLE001 - a worker died or lost the task
                out = {"error": f"the Dask worker failed ({type(err).__name__}: {err})"[:300]}
            if "notebook" in out:
                out["record_error"] = recorder.record(
                    row.student, row.assignment, out.pop("notebook")
                )
            yield row, t, out


@functools.cache
def _test_order(root, aid):
    """grade_id -> position in the source notebook: lost points are listed in notebook
    order (the gradebook returns grades in no fixed order, PostgreSQL least of all)."""
    path = Path(root) / "source" / aid / f"{aid}.ipynb"
    cells = json.loads(path.read_text())["cells"] if path.is_file() else []
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells]
    return {gid: i for i, gid in enumerate(ids) if gid}


def collect(root, rows):
    """Fill scores and messages from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_db_url(root), COURSE_ID) as gb:
        for row in rows:
            try:
                assignment = gb.find_assignment(row.assignment)
                row.max_score = assignment.max_score
                row.auto_max_score = assignment.max_code_score
            except MissingEntry:
                pass
            if row.status != "ok":
                continue
            try:
                sub = gb.find_submission(row.assignment, row.student)
            except MissingEntry:
                row.status = "error"
                row.message = "nbgrader could not grade this submission (see autograder/.state/)"
                continue
            row.score, row.auto_score = sub.score, sub.code_score
            notes, row.notes = row.notes, []
            order = _test_order(root, row.assignment)
            lost = [
                f"{g.name} {g.score:g}/{g.max_score:g}"
                for nb in sub.notebooks
                for g in sorted(nb.grades, key=lambda g: order.get(g.name, len(order)))
                if g.cell_type == "code" and g.score < g.max_score
            ]
            pending = [g for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade]
            row.status = "autograded" if pending else "graded"
            if row.sandbox_status == "error":
                row.status = "error"  # the kernel crashed or hung: points kept, reason noted
            row.notes.extend(notes)
            if pending:
                points = sum(g.max_score for g in pending)
                row.notes.append(f"{points:g} points await manual grading")
            if lost:
                row.notes.append("lost points in " + ", ".join(lost))
            row.message = "; ".join(row.notes)
    return rows


def write_csv(path, rows):
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: getattr(r, k) if getattr(r, k) is not None else "" for k in FIELDS})


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*", help="assignments to grade (default: all)")
    parser.add_argument("--timeout", type=float, help="seconds per cell (default: nbgrader config)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="submissions graded at once"
    )
    parser.add_argument("--scheduler", help="grade on a Dask cluster: tcp://HOST:8786")
    parser.add_argument(
        "--record-on-workers",
        action="store_true",
        help="with --scheduler: workers write the (server) gradebook themselves",
    )
    parser.add_argument(
        "--force", action="store_true", help="grade again what an earlier run already graded"
    )
    parser.add_argument(
        "--unsafe", action="store_true", help="grade without the sandbox (never for real students)"
    )
    parser.add_argument(
        "--feedback", action="store_true", help="only regenerate feedback (after manual grading)"
    )
    opts = parser.parse_args(argv)
    root = Path(root)
    # nbgrader's gradebook runs `alembic` by name: this interpreter's bin/ goes first
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    if opts.feedback:
        recorder = pipeline.Recorder(root)
        for aid in opts.assignment or assignments(root):
            recorder.api.generate_feedback(aid)
        print("feedback regenerated in autograder/feedback/")
        return []
    if not opts.unsafe and (why := sandbox.problem()):
        sys.exit(
            f"refusing to grade: {why}. Install it, or pass --unsafe to run student code "
            "without isolation (not for untrusted submissions)."
        )
    sandbox.sweep_cgroups()
    limits = sandbox.Limits.from_config(root)
    if opts.timeout:
        limits.cell_timeout = opts.timeout
    ids = opts.assignment or assignments(root)
    (root / "autograder" / ".state").mkdir(parents=True, exist_ok=True)
    rows = [validate(root, r, limits.max_notebook_mb) for r in discover(root, ids)]
    if not rows:
        print("no submissions in autograder/submitted/<student>/<assignment>/")
    for r in rows:
        if r.status in ("missing", "corrupt", "too large"):
            print(f"  [{r.assignment}] {r.student}: {r.status}: {r.message}")
    if opts.record_on_workers and _db_url(root).startswith("sqlite"):
        sys.exit("--record-on-workers needs a server gradebook (FFNN_GRADEBOOK_URL), not SQLite")
    # a stale result goes (and a zero recorded for an earlier unusable submission); an
    # unusable submission counts 0 out of the assignment's points
    _forget(root, [r for r in rows if r.status != "ok" or _was_zero(root, r)])
    record_zero(root, [r for r in rows if r.status in UNGRADABLE])
    start = time.perf_counter()
    todo = plan(root, rows, limits, opts.unsafe, opts.force)
    skipped = sum(r.skipped for r in rows)
    where = f"on {opts.scheduler}" if opts.scheduler else f"{opts.workers} at a time"
    print(f"grading {len(todo)} submissions {where} ({skipped} already graded)", flush=True)
    if opts.scheduler:
        jobs = run_dask(root, todo, opts.scheduler, opts.record_on_workers)
    else:
        jobs = run_local(root, todo, max(1, opts.workers))
    bar = tqdm.tqdm(total=len(todo), unit="sub", file=sys.stdout, disable=not todo)
    try:
        for row, t, out in jobs:
            finish(root, row, t, out)
            bar.update()
            bar.write(f"  {row.student} {row.assignment} {row.seconds or 0:.1f} s")
    except KeyboardInterrupt:
        bar.close()
        sys.exit(f"interrupted: {bar.n} of {len(todo)} graded; run again to continue")
    bar.close()
    _forget(root, [r for r in rows if r.status == "error" and r.sandbox_status != "error"])
    collect(root, rows)
    out = root / "autograder" / "grades.csv"
    write_csv(out, rows)
    timed = sorted(r.seconds for r in rows if r.seconds is not None and not r.skipped)
    if timed:
        print(
            f"{len(timed)} submissions graded in {time.perf_counter() - start:.1f} s "
            f"(median {statistics.median(timed):.2f} s per submission in its worker)"
        )
    counts = collections.Counter(r.status for r in rows)
    print("summary: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for r in rows:
        if r.status != "not submitted":
            print(
                f"  {r.student:>12} {r.assignment:<24} {r.status:<11} {r.auto_score:g}/"
                f"{r.auto_max_score:g}  {r.message}"
            )
    print(f"wrote {out.relative_to(root)} and feedback in autograder/feedback/")
    return rows


if __name__ == "__main__":
    main()
