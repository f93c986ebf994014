"""Grading a class at scale, for real: N local workers, a PostgreSQL gradebook started
by the fixture (initdb + pg_ctl in a temporary folder), a run killed mid-way and
resumed, and a Dask LocalCluster with two worker processes. Every way must give the
same grades as one worker on SQLite."""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time

import distributed
import pytest

from autograder import ROOT
from autograder.postgres import server_binaries, temporary_server
from autograder.samples import course_copy

pytestmark = pytest.mark.slow

STUDENTS = ["blank", "crash", "full", "meta", "partial"]
EXPECTED = json.loads((ROOT / "autograder" / "samples" / "expected.json").read_text())
FIELDS = ("status", "score", "max_score", "auto_score", "auto_max_score", "message")


def _grade(course, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "autograder.grade", "--timeout", "5", *args],
        cwd=course,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    ).stdout


def _grades(course):
    rows = csv.DictReader(open(course / "autograder" / "grades.csv"))
    return {(r["student"], r["assignment"]): {k: r[k] for k in FIELDS} for r in rows}


def _feedback(course):
    """Feedback pages with their timestamps blanked (they differ from run to run)."""
    out = {}
    for path in sorted((course / "autograder" / "feedback").rglob("*.html")):
        text = re.sub(r"\d{4}-\d{2}-\d{2}[ T][\d:.+]+", "TIME", path.read_text())
        out[str(path.relative_to(course))] = text
    return out


def _check_expected(grades):
    for student in STUDENTS:
        for aid, want in EXPECTED[student].items():
            assert float(grades[(student, aid)]["auto_score"]) == want["auto_score"], (
                student,
                aid,
            )


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The reference: one worker, SQLite."""
    course = course_copy(tmp_path_factory.mktemp("serial"), students=STUDENTS)
    start = time.perf_counter()
    _grade(course, "--workers", "1")
    print(f"\nserial: {time.perf_counter() - start:.1f} s")
    return course


@pytest.fixture
def postgres(require):
    """A PostgreSQL server of our own (one per test, ~1 s), in a temporary folder,
    reached by Unix socket."""
    require("PostgreSQL server", server_binaries() is not None, "Debian's package postgresql")
    with temporary_server() as url:
        yield url


def test_serial_grades_are_the_expected_ones(serial):
    _check_expected(_grades(serial))


def test_two_workers_give_the_same_grades_and_feedback(serial, tmp_path):
    course = course_copy(tmp_path, students=STUDENTS)
    _grade(course, "--workers", "2")
    assert _grades(course) == _grades(serial)
    assert _feedback(course) == _feedback(serial)


def test_postgresql_gradebook_killed_run_resumes_without_losing_anything(
    serial, postgres, tmp_path
):
    env = {"FFNN_GRADEBOOK_URL": postgres}
    course = course_copy(tmp_path, students=STUDENTS, env=env)
    total = sum(len(EXPECTED[s]) for s in STUDENTS)
    done = course / "autograder" / ".state" / "done"
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder.grade", "--timeout", "5", "--workers", "2"],
        cwd=course,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(list(done.rglob("*.json"))) < 5 and proc.poll() is None:
        assert time.monotonic() < deadline, "grading made no progress"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-run
    proc.wait()
    finished = len(list(done.rglob("*.json")))
    assert 5 <= finished < total, "the run should have been killed half-way"
    out = _grade(course, "--workers", "2", env=env)
    m = re.search(r"grading (\d+) submissions 2 at a time \((\d+) already graded\)", out)
    assert m and int(m.group(2)) == finished and int(m.group(1)) == total - finished, out
    assert _grades(course) == _grades(serial)
    again = _grade(course, "--workers", "2", env=env)
    assert f"grading 0 submissions 2 at a time ({total} already graded)" in again
    from nbgrader.api import Gradebook

    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    with Gradebook(postgres, "ffnn") as gb:
        aids = sorted({aid for s in STUDENTS for aid in EXPECTED[s]})
        graded = [(s.student.id, a) for a in aids for s in gb.assignment_submissions(a)]
    assert len(graded) == total and len(set(graded)) == total


def test_dask_local_cluster_grades_like_the_local_run(serial, tmp_path):
    """The whole sample set (controls and attacks) on two Dask worker processes: every
    expected score and status, and the same grades and feedback as the local run."""
    course = course_copy(tmp_path)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = _grade(course, "--scheduler", cluster.scheduler_address)
    assert f"on {cluster.scheduler_address}" in out
    grades = _grades(course)
    for student, per in EXPECTED.items():
        for aid, want in per.items():
            row = grades[(student, aid)]
            assert float(row["auto_score"]) == want["auto_score"], (student, aid, row)
            ok = ("graded", "autograded") if want["status"] == "ok" else (want["status"],)
            assert row["status"] in ok, (student, aid, row)
    reference = _grades(serial)
    assert {k: v for k, v in grades.items() if k in reference} == reference
    feedback = _feedback(course)
    assert {k: v for k, v in feedback.items() if k in _feedback(serial)} == _feedback(serial)


def test_dask_workers_record_into_postgresql(serial, postgres, tmp_path):
    """Dask workers that share the course folder write the PostgreSQL gradebook
    themselves (no single writer), with the same grades."""
    env = {"FFNN_GRADEBOOK_URL": postgres}
    course = course_copy(tmp_path, students=STUDENTS, env=env)
    os.environ.update(env)  # the LocalCluster's workers inherit it
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            _grade(course, "--scheduler", cluster.scheduler_address, "--record-on-workers")
    finally:
        os.environ.pop("FFNN_GRADEBOOK_URL")
    assert _grades(course) == _grades(serial)
    assert _feedback(course) == _feedback(serial)
