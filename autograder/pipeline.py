"""One submission through grading, on any machine: grade in the sandbox, then record.

* :func:`task` packs what grading one submission needs (the instructor's and the
  released notebook, the submission's files, the limits) as plain data, so a worker
  needs no shared filesystem: a local process or a Dask worker on another machine.
* :func:`grade_task` runs ``python -m autograder.trusted`` on it in a scratch folder
  (the sandbox and the trusted tests, autograder/trusted.py) and returns the graded
  notebook and its summary.
* :class:`Recorder` hands a graded notebook to nbgrader (autograde without execution,
  then feedback) through nbgrader's Python API, in the process that holds it. Local
  workers each record their own submissions (concurrent writers: SQLite by default,
  PostgreSQL through ``db_url`` for many); with Dask the driver alone records.
"""

import base64
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GRADED = Path("autograder") / ".state" / "graded"
MAX_EXTRA_BYTES = 20 * 2**20  # other files of a submission (data, images), in all
# Written by nbgrader's submit and kept by collect: the gradebook and the Formgrader
# match the submission's time with the autograded copy, and release_feedback names the
# feedback page after the secret, so both follow the graded notebook.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def task(root, student, assignment, limits, unsafe=False):
    """Everything a worker needs to grade one submission, as plain data."""
    folder = Path(root) / "autograder" / "submitted" / student / assignment
    files, total = {}, 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        total += len(data)
        if total > MAX_EXTRA_BYTES + limits.max_notebook_mb * 2**20:
            break
        files[str(path.relative_to(folder))] = base64.b64encode(data).decode("ascii")
    return {
        "student": student,
        "assignment": assignment,
        "source": (Path(root) / "source" / assignment / f"{assignment}.ipynb").read_text(),
        "release": (Path(root) / "release" / assignment / f"{assignment}.ipynb").read_text(),
        "files": files,
        "limits": dataclasses.asdict(limits),
        "unsafe": unsafe,
    }


def fingerprint(t):
    """Identifies a grading job: the same submission, tests and limits give the same
    fingerprint, so a resumed run knows what it has already graded."""
    h = hashlib.sha256()
    for key in ("student", "source", "release", "limits", "files"):
        h.update(json.dumps(t[key], sort_keys=True).encode())
    return h.hexdigest()


def grade_task(t):
    """Grade one submission (sandbox + trusted tests) in a scratch folder. Returns
    ``{"notebook": text, "result": {...}, "seconds": s}`` or ``{"error": text, ...}``."""
    aid = t["assignment"]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ffnn-grade-") as scratch:
        scratch = Path(scratch)
        sub = scratch / "submission"
        sub.mkdir()
        for name, data in t["files"].items():
            path = (sub / name).resolve()
            if sub.resolve() not in path.parents:
                continue  # a crafted name pointing outside the folder
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))
        src, rel, out = scratch / "source.ipynb", scratch / "release.ipynb", scratch / "out"
        src.write_text(t["source"])
        rel.write_text(t["release"])
        cmd = [sys.executable, "-m", "autograder.trusted", str(src), str(rel), str(sub), str(out)]
        cmd += ["--assignment", aid, "--student", t["student"]]
        cmd += ["--limits", json.dumps(t["limits"])]
        cmd += ["--unsafe"] if t["unsafe"] else []
        budget = t["limits"]["submission_timeout"] + 60
        here = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": here + os.pathsep + os.environ.get("PYTHONPATH", "")}
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=budget, cwd=scratch, env=env
            )
            failed = proc.returncode != 0 and (proc.stderr.strip().splitlines() or ["?"])[-1]
        except subprocess.TimeoutExpired:
            failed = f"grading ran past {budget:g} s and was stopped"
        seconds = round(time.perf_counter() - start, 2)
        if failed or not (out / "result.json").is_file():
            return {"error": f"could not be graded: {str(failed)[:300]}", "seconds": seconds}
        return {
            "notebook": (out / f"{aid}.ipynb").read_text(),
            "result": json.loads((out / "result.json").read_text()),
            "seconds": seconds,
        }


class Recorder:
    """nbgrader's gradebook, autograded copies and feedback for graded notebooks,
    written through nbgrader's API (no new process per submission)."""

    def __init__(self, root):
        os.environ["FFNN_GRADED_DIR"] = str(GRADED)  # nbgrader_config.py: record only
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config.loader import PyFileConfigLoader

        self.root = Path(root)
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        cfg.CourseDirectory.root = str(self.root)
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)

    def record(self, student, assignment, notebook_text):
        """Autograde (read the points from the outputs) and generate feedback; returns
        None or what nbgrader reported."""
        folder = self.root / GRADED / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_text(notebook_text)
        submitted = self.root / "autograder" / "submitted" / student / assignment
        for name in EXCHANGE_FILES:
            (folder / name).unlink(missing_ok=True)
            if (submitted / name).is_file() and not (submitted / name).is_symlink():
                (folder / name).write_bytes((submitted / name).read_bytes()[:4096])
        for step in (self.api.autograde, self.api.generate_feedback):
            for attempt in range(3):  # a busy SQLite gradebook: wait and try again
                result = step(assignment, student)
                if result.get("success"):
                    break
                time.sleep(0.5 * (attempt + 1))
            else:
                log = (result.get("log") or "") + "\n" + (result.get("error") or "")
                errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
                return " / ".join(errors)[:500] or "failed (no message)"
        return None


_RECORDER = None


def local_job(root, t):
    """A local worker's whole job: grade one submission, then record it here."""
    global _RECORDER
    out = grade_task(t)
    if "notebook" in out:
        if _RECORDER is None:
            _RECORDER = Recorder(root)
        out["record_error"] = _RECORDER.record(t["student"], t["assignment"], out.pop("notebook"))
    return out
