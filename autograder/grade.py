"""``make grade``: autograde every submission in autograder/submitted/, write
autograder/grades.csv and per-student feedback HTML in autograder/feedback/.

Steps, each a function below:
1. ``discover``  - students are the folders of autograder/submitted/; each should hold
   ``<assignment>/<assignment>.ipynb`` for the assignments of source/.
2. ``validate``  - read and validate every notebook with nbformat; a missing, corrupt or
   oversized notebook is recorded with a clear message instead of stopping the run.
3. ``sandboxed`` - grade each valid submission in its own process
   (``python -m autograder.trusted``): its code runs in the sandbox, the tests and
   comparisons in that trusted process; N submissions at once (``--workers``), each
   with an overall time limit. Output: a graded notebook in autograder/.state/graded/.
4. ``record``    - ``nbgrader autograde <assignment> --force`` on the graded notebooks
   (nbgrader executes nothing: it restores the locked cells, reads the points from the
   outputs and writes the gradebook).
5. ``feedback``  - ``nbgrader generate_feedback <assignment> --force`` (hidden tests are
   stripped by nbgrader_config.py).
6. ``collect``   - read the scores from the gradebook and write the CSV.

Usage: ``python -m autograder.grade [ASSIGNMENT ...] [--workers N] [--unsafe]``.
Without a working sandbox (bubblewrap) grading refuses to run, unless ``--unsafe``.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import ROOT, assignments, nbgrader_command, sandbox

COURSE_ID = "ffnn"
FIELDS = ["student", "assignment", "status", "score", "max_score", "auto_score", "auto_max_score"]
FIELDS += ["seconds", "message"]
GRADED = Path("autograder") / ".state" / "graded"


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
        found = sorted(p.name for p in folder.iterdir()) or ["nothing"]
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


def _db_url(root):
    return "sqlite:///" + str(root / "autograder" / ".state" / "gradebook.db")


def _run(root, args, log_path, env=None):
    """Run nbgrader in the course root, its output logged to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        cmd, base = nbgrader_command(*args)
        return subprocess.run(
            cmd, cwd=root, env={**base, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        ).returncode


def sandboxed(root, row, unsafe=False, limits=None):
    """Grade one submission in its own trusted process; fills ``row`` and writes the
    graded notebook to autograder/.state/graded/<student>/<assignment>/."""
    limits = limits or sandbox.Limits.from_config(root)
    aid = row.assignment
    out = root / GRADED / row.student / aid
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "autograder.trusted", "--root", str(root)]
    cmd += [str(root / step / aid / f"{aid}.ipynb") for step in ("source", "release")]
    cmd += [str(root / "autograder" / "submitted" / row.student / aid), str(out)]
    cmd += ["--unsafe"] if unsafe else []
    cmd += ["--cell-timeout", str(limits.cell_timeout)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=root, capture_output=True, text=True, timeout=limits.submission_timeout + 60
        )
        failed = proc.returncode != 0 and (proc.stderr.strip().splitlines() or ["no output"])[-1]
    except subprocess.TimeoutExpired:
        failed = f"grading ran past {limits.submission_timeout + 60:g} s and was stopped"
    row.seconds = round(time.perf_counter() - start, 2)
    result = out / "result.json"
    if failed or not result.is_file():
        row.status, row.message = "error", f"could not be graded: {str(failed)[:300]}"
        shutil.rmtree(out, ignore_errors=True)
        return row
    summary = json.loads(result.read_text())
    result.unlink()
    row.notes.extend(summary["notes"])
    row.sandbox_status = summary["status"]
    return row


def record(root, assignment, rows):
    """nbgrader autograde on the graded notebooks: gradebook, autograded copies."""
    graded = [r.student for r in rows if r.status == "ok"]
    others = [r.student for r in rows if r.status != "ok"]
    args = ["autograde", assignment, "--force"]
    if others:
        args.append("--CourseDirectory.student_id_exclude=" + ",".join(others))
    log = root / "autograder" / ".state" / f"autograde-{assignment}.log"
    env = {"FFNN_GRADED_DIR": str(GRADED)}
    if graded and _run(root, args, log, env=env) != 0:
        print(f"  [{assignment}] nbgrader reported errors, see {log.relative_to(root)}")


def feedback(root, assignment, rows):
    invalid = [r.student for r in rows if r.status != "ok"]
    args = ["generate_feedback", assignment, "--force"]
    if invalid:
        args.append("--CourseDirectory.student_id_exclude=" + ",".join(invalid))
    log = root / "autograder" / ".state" / f"feedback-{assignment}.log"
    if _run(root, args, log) != 0:
        print(f"  [{assignment}] generate_feedback reported errors, see {log.relative_to(root)}")


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
            lost = [
                f"{g.name} {g.score:g}/{g.max_score:g}"
                for nb in sub.notebooks
                for g in nb.grades
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
    parser.add_argument(
        "--unsafe", action="store_true", help="grade without the sandbox (never for real students)"
    )
    opts = parser.parse_args(argv)
    root = Path(root)
    if not opts.unsafe and (why := sandbox.problem()):
        sys.exit(
            f"refusing to grade: {why}. Install it, or pass --unsafe to run student code "
            "without isolation (not for untrusted submissions)."
        )
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
    start = time.perf_counter()
    todo = [r for r in rows if r.status == "ok"]
    print(f"grading {len(todo)} submissions, {opts.workers} at a time", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.workers)) as pool:
        jobs = [pool.submit(sandboxed, root, r, opts.unsafe, limits) for r in todo]
        for i, job in enumerate(concurrent.futures.as_completed(jobs), 1):
            r = job.result()
            print(f"  {i}/{len(todo)} {r.student} {r.assignment} {r.seconds:.1f} s", flush=True)
    _forget(root, [r for r in rows if r.status != "ok"])
    for aid in ids:
        group = [r for r in rows if r.assignment == aid]
        if any(r.status == "ok" for r in group):
            record(root, aid, group)
            feedback(root, aid, group)
    collect(root, rows)
    out = root / "autograder" / "grades.csv"
    write_csv(out, rows)
    timed = sorted(r.seconds for r in rows if r.seconds is not None)
    if timed:
        print(
            f"{len(timed)} submissions autograded in {time.perf_counter() - start:.1f} s "
            f"(autograde median {statistics.median(timed):.2f} s per submission)"
        )
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
