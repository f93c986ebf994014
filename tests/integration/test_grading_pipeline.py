"""The nbgrader pipeline, run for real in a temporary copy of the course:
``python -m autograder.release`` then ``python -m autograder.grade`` on the sample
submissions of autograder/samples (full, blank, partial, hostile, broken).
The real autograder/ state is never touched."""

import ast
import csv
import html
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import ROOT, assignments
from autograder.samples import NETWORK_PORT, ORPHAN_MARK
from autograder.samples import write as write_samples

IDS = assignments(ROOT)
EXPECTED = json.loads((ROOT / "autograder" / "samples" / "expected.json").read_text())
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def _run(course, *args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def _region_lines(aid, region):
    nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
    return {
        line.strip()
        for cell in nb.cells
        for m in _REGION.finditer(cell.source)
        if m.group(1) == region
        for line in m.group(2).splitlines()
        if len(line.strip()) >= 8
    }


def _secret_lines(aid, kind):
    """Stripped lines of the source's solution or hidden-test regions of one assignment
    that appear nowhere in the student version (so finding one means a leak). A hidden
    line that is also a solution line is left out: a student may write it too."""
    if kind == "solution":
        lines = _region_lines(aid, "SOLUTION")
    else:
        lines = _region_lines(aid, "HIDDEN TESTS") - _region_lines(aid, "SOLUTION")
    released = (ROOT / "release" / aid / f"{aid}.ipynb").read_text()
    public = {line.strip() for cell in json.loads(released)["cells"] for line in cell["source"]}
    return lines - public


def _text_of_html(path):
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def test_student_numbers_come_from_the_grader_first(monkeypatch):
    """At grading the submission's id wins over anything typed or set in the kernel."""
    from ffnn import exercises

    from autograder.trusted import exercises_module

    monkeypatch.delenv("FFNN_STUDENT_ID", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(exercises, "_entered", None)
    with pytest.raises(RuntimeError, match='use_student\\("your id"\\)'):
        exercises.student_id()
    with pytest.raises(ValueError, match="expected your student id"):
        exercises.use_student("")
    assert exercises.use_student(" alice ") == "alice" == exercises.student_id()
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")
    assert exercises.use_student("") == "hub-user" == exercises.student_id()
    monkeypatch.setenv("FFNN_STUDENT_ID", "folder")
    assert exercises.student_id() == "folder"
    fixed = exercises_module("copycat")
    monkeypatch.setenv("FFNN_STUDENT_ID", "alice")
    assert fixed.student_id() == "copycat" == fixed.use_student("alice")
    a = fixed.student_rng("a1/neuron").random()
    assert a == np.random.default_rng(exercises.seed("copycat", "a1/neuron")).random()
    assert a != exercises.student_rng("a1/neuron").random()


# ------------------------------------------------------------- samples are current


def test_samples_are_generated_from_the_current_release(tmp_path):
    expected = write_samples(tmp_path, ROOT)
    assert expected == EXPECTED, "run `python -m autograder.samples`"
    committed = ROOT / "autograder" / "samples" / "submitted"
    for path in (tmp_path / "submitted").rglob("*.ipynb"):
        rel = path.relative_to(tmp_path / "submitted")
        assert path.read_text() == (committed / rel).read_text(), f"{rel} is stale"
    n_new = len(list((tmp_path / "submitted").rglob("*.ipynb")))
    assert n_new == len(list(committed.rglob("*.ipynb")))


# ---------------------------------------------------------------- the real pipeline


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course (config, source/, release/ regenerated, autograder/ code)."""
    dest = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    shutil.copytree(ROOT / "source", dest / "source")
    ignore = shutil.ignore_patterns(
        "submitted", "autograded", "feedback", ".state", "grades.csv", "__pycache__"
    )
    shutil.copytree(ROOT / "autograder", dest / "autograder", ignore=ignore)
    start = time.perf_counter()
    out = _run(dest, "autograder.release").stdout
    print(f"release: {time.perf_counter() - start:.1f} s")
    assert "release/ is up to date (7 assignments)" in out
    return dest


def _listener():
    """A TCP server on 127.0.0.1:NETWORK_PORT that records every connection."""
    server = socket.create_server(("127.0.0.1", NETWORK_PORT))
    server.settimeout(0.2)
    seen, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, addr = server.accept()
                seen.append(addr)
                conn.close()
            except OSError:
                pass
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return seen, stop


def _watched_files(course):
    """Files a hostile submission would like to change, with their contents."""
    import ffnn

    folders = [Path(ffnn.__file__).parent, Path(np.__file__).parent]
    folders += [Path(p) for p in sys.path if p.endswith("site-packages")]
    files = {p: p.read_bytes() for p in course.glob("*.py")}
    listing = {d: sorted(x.name for x in d.iterdir()) for d in folders if d.is_dir()}
    return files, listing


def _processes_with(mark):
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if mark in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(proc.name)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def graded(course):
    """The sample submissions (controls and attacks) graded in one
    `python -m autograder.grade` run, with what the attacks could reach watched."""
    shutil.copytree(
        ROOT / "autograder" / "samples" / "submitted", course / "autograder" / "submitted"
    )
    before = _watched_files(course)
    cgroups = set(Path("/sys/fs/cgroup/pids").glob("ffnn-grade-*"))
    seen, stop = _listener()
    start = time.perf_counter()
    out = _run(course, "autograder.grade", "--timeout", "5").stdout
    total = time.perf_counter() - start
    stop.set()
    rows = list(csv.DictReader(open(course / "autograder" / "grades.csv")))
    per = [float(r["seconds"]) for r in rows if r["seconds"]]
    print(
        f"\nautograde: {len(per)} submissions, median {statistics.median(per):.2f} s per "
        f"submission, make grade total {total:.1f} s (incl. feedback, attacks, timeouts)"
    )
    return {
        "rows": {(r["student"], r["assignment"]): r for r in rows},
        "out": out,
        "connections": seen,
        "before": before,
        "after": _watched_files(course),
        "orphans": _processes_with(ORPHAN_MARK),
        "new_cgroups": set(Path("/sys/fs/cgroup/pids").glob("ffnn-grade-*")) - cgroups,
    }


@pytest.mark.slow
@pytest.mark.parametrize("aid", IDS)
def test_release_is_what_generate_assignment_makes(course, aid):
    mine = nbformat.read(course / "release" / aid / f"{aid}.ipynb", as_version=4)
    committed = nbformat.read(ROOT / "release" / aid / f"{aid}.ipynb", as_version=4)
    assert len(mine.cells) == len(committed.cells), "run `make release`"
    for a, b in zip(mine.cells, committed.cells, strict=True):
        assert (a.cell_type, a.source, a.metadata) == (b.cell_type, b.source, b.metadata), (
            f"release/{aid} differs from generate_assignment output: run `make release`"
        )
        assert not b.get("outputs"), "release notebooks are stored without outputs"


@pytest.mark.slow
@pytest.mark.parametrize("aid", IDS)
def test_release_has_no_solution_and_no_hidden_test(aid):
    text = (ROOT / "release" / aid / f"{aid}.ipynb").read_text()
    lines = {line.strip() for cell in json.loads(text)["cells"] for line in cell["source"]}
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert not (_secret_lines(aid, "solution") & lines)
    assert not (_secret_lines(aid, "hidden") & lines)
    assert _secret_lines(aid, "hidden"), "every assignment has hidden tests"


@pytest.mark.slow
@pytest.mark.parametrize(
    "student, aid",
    [(s, a) for s, per in sorted(EXPECTED.items()) for a in sorted(per)],
)
def test_sample_scores_exactly(graded, student, aid):
    row = graded["rows"][(student, aid)]
    want = EXPECTED[student][aid]
    if want["status"] == "ok":
        assert row["status"] in ("graded", "autograded"), row
    else:
        assert row["status"] == want["status"], row
    assert float(row["auto_score"]) == want["auto_score"], row


@pytest.mark.slow
def test_full_marks_zero_and_partial(course, graded):
    from nbgrader.api import Gradebook

    url = "sqlite:///" + str(course / "autograder" / ".state" / "gradebook.db")
    with Gradebook(url, "ffnn") as gb:
        for aid in IDS:
            auto_max = gb.find_assignment(aid).max_code_score
            full, blank, partial = (
                gb.find_submission(aid, s) for s in ("full", "blank", "partial")
            )
            assert full.code_score == auto_max > 0, aid
            assert blank.code_score == 0, aid
            assert 0 < partial.code_score == EXPECTED["partial"][aid]["auto_score"] < auto_max
            assert full.needs_manual_grade, "the written answer waits for the instructor"


def _names(source, ctx):
    tree = ast.parse(_REGION.sub(r"\2", source))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _hand_tests(aid):
    """Test cells of the source that read a hand-computed answer (``*_hand`` cells)."""
    cells = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4).cells
    meta = [c.metadata.get("nbgrader", {}) for c in cells]
    hand = set().union(
        *(
            _names(c.source, ast.Store)
            for c, m in zip(cells, meta, strict=True)
            if m.get("solution") and m["grade_id"].endswith("_hand")
        )
    )
    return [
        m["grade_id"]
        for c, m in zip(cells, meta, strict=True)
        if c.cell_type == "code"
        and m.get("grade")
        and (_names(c.source, ast.Load) - _names(c.source, ast.Store)) & hand
    ]


@pytest.mark.slow
def test_each_student_is_graded_on_their_own_numbers(graded):
    """``typed`` types its hand-computed answers as literal numbers, its own, and gets
    every point; ``copycat`` hands in exactly those numbers from its own folder: the
    grader checks them on copycat's numbers and every hand test fails."""
    rows = graded["rows"]
    assert EXPECTED["copycat"], "assignments with hand-computed answers"
    for aid, want in EXPECTED["copycat"].items():
        typed, copied = rows[("typed", aid)], rows[("copycat", aid)]
        assert float(typed["auto_score"]) == EXPECTED["full"][aid]["auto_score"], typed
        assert float(copied["auto_score"]) == want["auto_score"], copied
        hand = _hand_tests(aid)
        assert hand
        for gid in hand:
            assert re.search(rf"{gid} 0/\d", copied["message"]), (gid, copied["message"])
            assert gid not in typed["message"], typed["message"]


@pytest.mark.slow
def test_hostile_submissions_are_recorded_with_clear_messages(graded):
    rows = graded["rows"]
    assert "time limit" in rows[("loop", "a1_perceptron")]["message"]
    assert "test_a1_step 0/2" in rows[("loop", "a1_perceptron")]["message"]
    broken = rows[("broken", "a2_activations_losses")]["message"]
    assert "test_a2_relu 0/1" in broken and "test_a2_cross_entropy 0/1" in broken
    assert "test_a2_sigmoid" not in broken
    assert "test_a4_numerical_gradient 0/2" in rows[("cheat", "a4_backprop_gradcheck")]["message"]
    assert "test_a4_relative_error" not in rows[("cheat", "a4_backprop_gradcheck")]["message"]
    corrupt = rows[("corrupt", "a5_optimizers")]
    assert "a5_optimizers.ipynb is not a valid notebook" in corrupt["message"]
    missing = rows[("missing", "a1_perceptron")]
    assert "a1_perceptron.ipynb not in the submission (found: Untitled.ipynb)" in missing["message"]
    assert rows[("loop", "a2_activations_losses")]["status"] == "not submitted"
    assert re.search(r"\n  loop a1_perceptron \d+\.\d s\n", graded["out"]), "progress per student"


@pytest.mark.slow
def test_attacks_change_nothing_outside_their_sandbox(course, graded):
    assert graded["connections"] == [], "a submission reached a server on 127.0.0.1"
    assert graded["orphans"] == [], "a process started by a submission outlived grading"
    files, listing = graded["before"]
    files_after, listing_after = graded["after"]
    assert files_after == files, "the course configuration was changed"
    assert listing_after == listing, "a file appeared in the library or site-packages"
    assert not Path("/tmp/ffnn-poison").exists()
    assert not graded["new_cgroups"], "cgroups left behind"


@pytest.mark.slow
def test_crashes_keep_earlier_points_and_say_why(graded):
    rows = graded["rows"]
    crash = rows[("crash", "a5_optimizers")]
    assert crash["status"] == "error", crash
    assert "SIGSEGV" in crash["message"] and "exited (status 1)" in crash["message"], crash
    interrupt = rows[("interrupt", "a1_perceptron")]
    assert interrupt["status"] == "error" and "time limit" in interrupt["message"]
    memory = rows[("memory", "a2_activations_losses")]
    assert memory["status"] == "error" and "ran out of memory" in memory["message"], memory
    for student in ("network", "poison", "orphan", "forkbomb", "output", "meta", "full"):
        for aid, want in EXPECTED[student].items():
            assert float(rows[(student, aid)]["auto_score"]) == want["auto_score"]
    meta = rows[("meta", "a1_perceptron")]["message"]
    assert "duplicated cell a1_neuron_hand" in meta and "found under the id of test" in meta


@pytest.mark.slow
def test_feedback_is_small_and_inert(course, graded):
    for path in (course / "autograder" / "feedback").rglob("*.html"):
        text = path.read_text()
        assert len(text.encode()) < 5 * 2**20, (path, len(text))
        active = re.search(r"<(script|img|b)\b[^>]*(alert|onerror|onmouseover)", text)
        assert not active, f"{path}: active content of a submission in feedback: {active}"


@pytest.mark.slow
def test_snoop_attack_is_real_it_only_fails_in_the_sandbox(course, graded, tmp_path):
    """Without the sandbox the same submission reads the solutions from disk and scores:
    the zero it gets in the sandboxed run is the sandbox's doing."""
    aid = "a1_perceptron"
    out = tmp_path / "unsafe"
    args = [str(course / step / aid / f"{aid}.ipynb") for step in ("source", "release")]
    sub = course / "autograder" / "submitted" / "snoop" / aid
    _run(course, "autograder.trusted", *args, str(sub), str(out), "--unsafe", "--root", str(course))
    result = json.loads((out / "result.json").read_text())
    passed = [gid for gid, failure in result["tests"].items() if failure is None]
    assert set(passed) == set(result["tests"]), result  # every answer, on snoop's numbers
    assert float(graded["rows"][("snoop", aid)]["auto_score"]) == 0


def test_grading_refuses_without_a_sandbox(tmp_path):
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.grade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "refusing to grade: bubblewrap is not installed" in proc.stderr


@pytest.mark.slow
def test_feedback_hides_hidden_tests_and_keeps_diagnoses(course, graded):
    feedback = course / "autograder" / "feedback"
    for (student, aid), row in graded["rows"].items():
        path = feedback / student / aid / f"{aid}.html"
        assert path.is_file() == (row["status"] in ("graded", "autograded", "error")), (
            student,
            aid,
        )
        if not path.is_file():
            continue
        text = _text_of_html(path)
        assert "HIDDEN TESTS" not in text
        leaked = [line for line in _secret_lines(aid, "hidden") if line in text]
        assert not leaked, (student, aid, leaked[:3])
        assert "most recent call last" not in text, "minimal tracebacks only"
        if student == "blank":
            assert not [line for line in _secret_lines(aid, "solution") if line in text]
    cheat = _text_of_html(
        feedback / "cheat" / "a4_backprop_gradcheck" / "a4_backprop_gradcheck.html"
    )
    assert "numerical_gradient calls the reference library ffnn" in cheat
    tamper = _text_of_html(feedback / "tamper" / "a3_backprop_by_hand" / "a3_backprop_by_hand.html")
    assert "pass  # all good" not in tamper, "an edited test cell is restored"
    assert (
        "dw_probe, db_probe = neuron_gradient(" in tamper and "dJ_dw has the wrong sign" in tamper
    )
    assert "dJ_dW1_hand has the shape of W1" in tamper, "a deleted test cell is put back"


@pytest.mark.slow
def test_regrade_is_idempotent(course, graded):
    before = {k: v for k, v in graded["rows"].items() if k[1] == "a3_backprop_by_hand"}
    _run(course, "autograder.grade", "a3_backprop_by_hand", "--timeout", "5")
    rows = list(csv.DictReader(open(course / "autograder" / "grades.csv")))
    after = {(r["student"], r["assignment"]): r for r in rows}
    assert set(after) == set(before)
    for key, row in before.items():
        for col in ("status", "score", "auto_score", "max_score", "message"):
            assert after[key][col] == row[col], (key, col)
