"""``make grade``: autograde every submission in autograder/submitted/, write
autograder/grades.csv and per-student feedback HTML in autograder/feedback/.

Steps, each a function below:
1. ``discover``  - students are the folders of autograder/submitted/; each should hold
   ``<assignment>/<assignment>.ipynb`` for the assignments of source/.
2. ``validate``  - read and validate every notebook with nbformat; a missing or corrupt
   notebook is recorded with a clear message (and left out of nbgrader) instead of
   stopping the run.
3. ``autograde`` - one ``nbgrader autograde <assignment> --force`` per assignment for all
   valid students (``--force`` makes re-grading the same as grading), with progress.
4. ``feedback``  - ``nbgrader generate_feedback <assignment> --force`` (hidden tests are
   stripped by nbgrader_config.py).
5. ``collect``   - read the scores from the gradebook and write the CSV.

Usage: ``python -m autograder.grade [ASSIGNMENT ...] [--timeout SECONDS]``.
"""

import argparse
import csv
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import ROOT, assignments, nbgrader_command

COURSE_ID = "ffnn"
FIELDS = ["student", "assignment", "status", "score", "max_score", "auto_score", "auto_max_score"]
FIELDS += ["seconds", "message"]
_START = re.compile(r"Creating/updating student with ID '([^']+)'")


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


def discover(root, ids):
    """One Row per (student, assignment) for every student folder of submitted/."""
    submitted = root / "autograder" / "submitted"
    if not submitted.is_dir():
        return []
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir())
    return [Row(s, a) for s in students for a in ids]


def validate(root, row):
    """Set ``row.status`` to 'ok', 'not submitted', 'missing' or 'corrupt'."""
    folder = root / "autograder" / "submitted" / row.student / row.assignment
    path = folder / f"{row.assignment}.ipynb"
    if not folder.is_dir():
        row.status, row.message = "not submitted", "no folder for this assignment"
    elif not path.is_file():
        found = sorted(p.name for p in folder.iterdir()) or ["nothing"]
        row.status = "missing"
        row.message = f"notebook {path.name} not in the submission (found: {', '.join(found)})"
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


def _run(root, args, log_path, on_line=None):
    """Run nbgrader, log its output to ``log_path``, call ``on_line`` on each line."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        cmd, env = nbgrader_command(*args)
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            log.write(line)
            if on_line:
                on_line(line)
        return proc.wait()


def autograde(root, assignment, rows, extra):
    """Autograde the valid submissions of one assignment; time each one."""
    valid = {r.student: r for r in rows if r.status == "ok"}
    invalid = [r.student for r in rows if r.status != "ok"]
    args = ["autograde", assignment, "--force", *extra]
    if invalid:
        args.append("--CourseDirectory.student_id_exclude=" + ",".join(invalid))
    current = {"row": None, "t": None, "n": 0}

    def on_line(line):
        if line.startswith("[AutogradeApp | ERROR]"):
            print("    " + line.strip()[:160], flush=True)
        m = _START.search(line)
        if m and m.group(1) in valid:
            _stop(current)
            current.update(row=valid[m.group(1)], t=time.perf_counter(), n=current["n"] + 1)
            print(f"  [{assignment}] {current['n']}/{len(valid)} {m.group(1)} ...", flush=True)

    log = root / "autograder" / ".state" / f"autograde-{assignment}.log"
    code = _run(root, args, log, on_line)
    _stop(current)
    if code != 0:
        print(f"  [{assignment}] nbgrader reported errors, see {log.relative_to(root)}")


def _stop(current):
    if current["row"] is not None:
        current["row"].seconds = round(time.perf_counter() - current["t"], 2)
        current["row"] = None


def feedback(root, assignment, rows):
    invalid = [r.student for r in rows if r.status != "ok"]
    args = ["generate_feedback", assignment, "--force"]
    if invalid:
        args.append("--CourseDirectory.student_id_exclude=" + ",".join(invalid))
    log = root / "autograder" / ".state" / f"feedback-{assignment}.log"
    if _run(root, args, log) != 0:
        print(f"  [{assignment}] generate_feedback reported errors, see {log.relative_to(root)}")


def _timed_out(root, row):
    path = root / "autograder" / "autograded" / row.student / row.assignment
    path = path / f"{row.assignment}.ipynb"
    return path.is_file() and "CellTimeoutError" in path.read_text()


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
            lost = [
                f"{g.name} {g.score:g}/{g.max_score:g}"
                for nb in sub.notebooks
                for g in nb.grades
                if g.cell_type == "code" and g.score < g.max_score
            ]
            pending = [g for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade]
            row.status = "autograded" if pending else "graded"
            if pending:
                points = sum(g.max_score for g in pending)
                row.notes.append(f"{points:g} points await manual grading")
            if _timed_out(root, row):
                row.notes.append("a cell hit the time limit (infinite loop?) and was interrupted")
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
    parser.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader config)")
    opts = parser.parse_args(argv)
    root = Path(root)
    ids = opts.assignment or assignments(root)
    extra = [f"--Execute.timeout={opts.timeout}"] if opts.timeout else []
    (root / "autograder" / ".state").mkdir(parents=True, exist_ok=True)
    rows = [validate(root, r) for r in discover(root, ids)]
    if not rows:
        print("no submissions in autograder/submitted/<student>/<assignment>/")
    for r in rows:
        if r.status in ("missing", "corrupt"):
            print(f"  [{r.assignment}] {r.student}: {r.status}: {r.message}")
    _forget(root, [r for r in rows if r.status != "ok"])
    start = time.perf_counter()
    for aid in ids:
        group = [r for r in rows if r.assignment == aid]
        if not any(r.status == "ok" for r in group):
            continue
        print(f"autograde {aid}: {sum(r.status == 'ok' for r in group)} submissions", flush=True)
        autograde(root, aid, group, extra)
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
