"""`make test`: does the course run on this computer?

Runs every lecture notebook in course/ from top to bottom, then every assignment in release/
as you received it (with a made-up student id), a few at a time. A lecture passes when no
cell fails. An assignment passes when the cells that set it up (imports, data, your numbers)
run, and the only errors are those of questions not answered yet: the
`raise NotImplementedError()` you will replace, and the cells that use its answer. The
notebooks on disk are not changed.
"""

import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
CHECK_ID = "install-check"  # a made-up student id: the assignments draw their numbers from it
UNANSWERED = {"NotImplementedError", "NameError", "AssertionError"}
CELL_SECONDS = 300  # generous: a first run may compile the library's kernels
WORKERS = max(1, min(4, os.cpu_count() or 1))


def execute(path, allow_errors, log):
    """Run the notebook at ``path`` in its own folder (kernel messages go to ``log``);
    return the executed copy."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_SECONDS,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(stderr=log, stdout=log)
    return nb


def lecture_problem(path, log):
    """'' when every cell ran, else the error."""
    try:
        execute(path, allow_errors=False, log=log)
    except CellExecutionError as err:
        return str(err).strip().splitlines()[-1]
    return ""


def assignment_problem(path, log):
    """'' when the assignment runs as released, else the first error that an unanswered
    question does not explain."""
    nb = execute(path, allow_errors=True, log=log)
    answers_started = False
    for number, cell in enumerate(nb.cells, 1):
        grading = cell.metadata.get("nbgrader", {})
        answers_started = answers_started or bool(grading.get("solution"))
        set_up = not answers_started or (grading.get("locked") and not grading.get("grade"))
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            name = out.get("ename", "")
            if not set_up and name in UNANSWERED:
                continue
            return f"cell {number}: {name}: {out.get('evalue', '')}"
    return ""


def check(kind, path):
    """(problem or '', seconds) for one notebook; runs in a worker process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        try:
            problem = (lecture_problem if kind == "lecture" else assignment_problem)(path, log)
        except Exception as err:  # the kernel died, did not start, or a cell timed out
            problem = f"{type(err).__name__}: {err}"
        if problem:
            log.seek(0)
            tail = [line for line in log.read().splitlines() if line.strip()][-5:]
            problem = "\n     ".join([problem, *tail])
    return problem, time.perf_counter() - start


def main():
    os.environ.setdefault("FFNN_STUDENT_ID", CHECK_ID)
    import ffnn

    print(f"ffnn from {Path(ffnn.__file__).parent}")
    jobs = [("lecture", p) for p in sorted((HERE / "course").glob("[0-9][0-9]_*.ipynb"))]
    jobs += [("assignment", p) for p in sorted((HERE / "release").glob("*/*.ipynb"))]
    kinds = {kind for kind, _ in jobs}
    if kinds != {"lecture", "assignment"}:
        sys.exit(f"expected notebooks in {HERE / 'course'} and {HERE / 'release'}")
    print(f"running {len(jobs)} notebooks, {WORKERS} at a time")
    failed = 0
    with ProcessPoolExecutor(WORKERS) as pool:
        futures = {pool.submit(check, kind, path): (kind, path) for kind, path in jobs}
        for future in as_completed(futures):
            kind, path = futures[future]
            problem, seconds = future.result()
            mark = "FAIL" if problem else "ok  "
            print(f"{mark} {kind:10} {path.relative_to(HERE)} ({seconds:.1f} s)", flush=True)
            if problem:
                print(f"     {problem}", flush=True)
                failed += 1
    if failed:
        sys.exit(f"{failed} of {len(jobs)} notebooks failed: see above")
    print(f"all {len(jobs)} notebooks ran: the course works on this computer")


if __name__ == "__main__":
    main()
