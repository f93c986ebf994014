"""The instructor's tools around nbgrader: the exchange set-up (autograder/exchange.py),
the roster import (autograder/roster.py), a missing or corrupt submission counted as 0
out of the assignment's points (autograder/grade.py), and the Formgrader's Autograde
button refusing without touching anything (nbgrader_config.py)."""

import csv
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from autograder import ROOT, exchange, nbgrader_command, roster

AID = "a1_perceptron"
SAMPLE_ROSTER = ROOT / "autograder" / "samples" / "roster.csv"


def load_config(root):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def write_csv(path, text):
    path.write_text(text)
    return path


# ------------------------------------------------------------------------ exchange


def test_exchange_is_created_with_nbgrader_modes_and_picked_up_by_the_config(tmp_path, monkeypatch):
    monkeypatch.delenv("FFNN_EXCHANGE", raising=False)
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    assert "root" not in load_config(course).Exchange, "no exchange before set-up"
    place = tmp_path / "srv" / "exchange"
    made = exchange.setup(place, root=course)
    assert made == place
    assert stat.S_IMODE(place.stat().st_mode) == 0o777
    modes = {
        name: stat.S_IMODE((place / "ffnn" / name).stat().st_mode) for name in exchange.FOLDER_MODES
    }
    assert modes == {"": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}
    cfg = load_config(course)
    assert cfg.Exchange.root == str(place)
    assert cfg.CourseDirectory.course_id == "ffnn"
    # again, after someone loosened a folder: same result, modes put back
    os.chmod(place / "ffnn" / "inbound", 0o777)
    exchange.setup(str(place), root=course)
    assert stat.S_IMODE((place / "ffnn" / "inbound").stat().st_mode) == 0o2733
    assert exchange.configured(course) == place
    # the environment wins over the record
    monkeypatch.setenv("FFNN_EXCHANGE", str(tmp_path / "other"))
    assert load_config(course).Exchange.root == str(tmp_path / "other")
    assert exchange.configured(course) == tmp_path / "other"


def test_exchange_refuses_bad_folders(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    with pytest.raises(ValueError, match="expected the exchange folder"):
        exchange.setup("  ", root=course)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        exchange.setup(tmp_path / "file", root=course)
    with pytest.raises(ValueError, match="outside the course folder"):
        exchange.setup(course / "exchange", root=course)
    assert not (course / exchange.RECORD).exists()


def test_exchange_command_line(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    with pytest.raises(SystemExit, match="no exchange set up"):
        exchange.main([], root=course)
    assert exchange.main([str(tmp_path / "ex")], root=course) == tmp_path / "ex"
    assert exchange.main([], root=course) == tmp_path / "ex"
    with pytest.raises(SystemExit, match="error: .*outside the course folder"):
        exchange.main([str(course / "x")], root=course)


# -------------------------------------------------------------------------- roster


def test_roster_reads_the_sample_and_covers_every_sample_student():
    students = roster.read_roster(SAMPLE_ROSTER)
    samples = sorted(p.name for p in (ROOT / "autograder" / "samples" / "submitted").iterdir())
    assert sorted(s["id"] for s in students) == samples
    assert all(s["first_name"] and s["last_name"] and "@" in s["email"] for s in students)


def test_roster_accepts_any_column_order_quotes_bom_and_blank_lines(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "\ufeffemail, last_name, id, first_name, section\n"
        'a@x.org, "Doe, Jr.", ada ,Ada,3\n\n'
        ",,bo,,\n",
        encoding="utf-8",
    )
    assert roster.read_roster(path) == [
        {"id": "ada", "first_name": "Ada", "last_name": "Doe, Jr.", "email": "a@x.org"},
        {"id": "bo", "first_name": None, "last_name": None, "email": None},
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("id,first_name,email\nx,A,a@x\n", r"missing last_name \(found: id, first_name, email\)"),
        ("", "missing id, first_name, last_name, email .*an empty file"),
        ("id,first_name,last_name,email\n", "at least one student"),
        ("id,first_name,last_name,email\n,A,B,a@x\n", "line 2: empty id"),
        ("id,first_name,last_name,email\nx,A,B,a@x\ny,C,D,c@x\nx,E,F,e@x\n",
         "line 4: duplicate id 'x' \\(also on line 2\\)"),
        ("id,first_name,last_name,email\nx,Doe, Jr.,B,a@x\n", "line 2: more fields"),
        ("id,first_name,last_name,email\nx/../y,A,B,a@x\n", "id 'x/../y' should contain only"),
        ("id,first_name,last_name,email\nx,A,B,not-an-email\n", "email 'not-an-email' has no @"),
    ],
)  # fmt: skip
def test_roster_rejects_a_bad_file_with_its_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        roster.read_roster(write_csv(tmp_path / "r.csv", text))


def test_roster_rejects_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="expected a roster CSV file"):
        roster.read_roster(tmp_path / "none.csv")


def test_roster_import_is_idempotent_and_updates_names(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    students = roster.read_roster(SAMPLE_ROSTER)
    assert roster.import_roster(students, url) == {"added": 25, "updated": 0, "unchanged": 0}
    assert roster.import_roster(students, url) == {"added": 0, "updated": 0, "unchanged": 25}
    students[0] = {**students[0], "last_name": "Renamed"}
    assert roster.import_roster(students, url) == {"added": 0, "updated": 1, "unchanged": 24}
    with Gradebook(url, "ffnn") as gb:
        assert len(gb.students) == 25
        full = gb.find_student("full")
        assert (full.first_name, full.last_name, full.email) == (
            "Hana",
            "Ito",
            "hana.ito@example.edu",
        )
        assert gb.find_student(students[0]["id"]).last_name == "Renamed"


def test_roster_command_line_writes_nothing_on_a_bad_file(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    bad = write_csv(tmp_path / "r.csv", "id,first_name,last_name,email\nx,A,B,a@x\nx,C,D,c@x\n")
    with pytest.raises(SystemExit, match="duplicate id 'x'.*nothing was imported"):
        roster.main([str(bad)], root=course)
    assert not (course / "autograder" / ".state" / "gradebook.db").exists()
    assert roster.main([str(SAMPLE_ROSTER)], root=course)["added"] == 25


# ------------------------------------------------- zero for an unusable submission


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with a1 in its gradebook (generate_assignment), no submissions."""
    root = tmp_path_factory.mktemp("instructor") / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / AID, root / folder / AID)
    (root / "autograder" / ".state").mkdir(parents=True)
    cmd, env = nbgrader_command("generate_assignment", AID, "--force", "--log-level=WARN")
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    return root


def grade(root, *args):
    from autograder import grade

    rows = grade.main([AID, "--workers", "1", *args], root=root)
    return {r.student: r for r in rows}


def api(root):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = load_config(root)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


@pytest.mark.slow
def test_missing_and_corrupt_count_zero_out_of_the_assignments_points(course, monkeypatch):
    """No student code runs here (nothing gradable), so --unsafe is harmless."""
    from nbgrader.api import Gradebook

    monkeypatch.delenv("FFNN_GRADED_DIR", raising=False)
    submitted = course / "autograder" / "submitted"
    stamp = "2025-03-01 10:00:00.000000 UTC"
    (submitted / "nora" / AID).mkdir(parents=True)
    (submitted / "nora" / AID / "Untitled.ipynb").write_text("{}")
    (submitted / "nora" / AID / "timestamp.txt").write_text(stamp)
    (submitted / "esme" / AID).mkdir(parents=True)
    (submitted / "esme" / AID / f"{AID}.ipynb").write_text('{"cells": [')
    rows = grade(course, "--unsafe")
    assert (rows["nora"].status, rows["esme"].status) == ("missing", "corrupt")
    url = load_config(course).CourseDirectory.db_url
    with Gradebook(url, "ffnn") as gb:
        points = gb.find_assignment(AID).max_score
        n_cells = len(gb.find_assignment(AID).notebooks[0].grade_cells)
        for sid, row in rows.items():
            sub = gb.find_submission(AID, sid)
            assert (sub.score, sub.max_score) == (0, points) and points > 0
            grades = [g for nb in sub.notebooks for g in nb.grades]
            assert len(grades) == n_cells and not sub.needs_manual_grade
            comments = [c.comment for nb in sub.notebooks for c in nb.comments if c.comment]
            assert comments == [f"Not graded: {row.message}. Every question counts 0."]
        assert str(gb.find_submission(AID, "nora").timestamp) == "2025-03-01 10:00:00"
    shown = {s["student"]: s for s in api(course).get_submissions(AID)}
    for sid in ("nora", "esme"):
        assert shown[sid]["autograded"] and (shown[sid]["score"], shown[sid]["max_score"]) == (
            0,
            points,
        )
    with open(course / "autograder" / "grades.csv") as fh:
        csv_rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert csv_rows["esme"]["status"] == "corrupt"
    assert "not a valid notebook" in csv_rows["esme"]["message"]
    assert "found: Untitled.ipynb)" in csv_rows["nora"]["message"], "exchange files not listed"
    # grading again changes nothing
    again = grade(course, "--unsafe")
    assert {s: (r.status, r.message) for s, r in again.items()} == {
        s: (r.status, r.message) for s, r in rows.items()
    }
    with Gradebook(url, "ffnn") as gb:
        assert len(gb.find_assignment(AID).submissions) == 2


@pytest.mark.slow
def test_a_valid_resubmission_replaces_the_zero_and_autograde_button_refuses(course, monkeypatch):
    """esme hands in the released notebook (our own file: safe to grade --unsafe)."""
    from nbgrader.api import Gradebook

    monkeypatch.delenv("FFNN_GRADED_DIR", raising=False)
    folder = course / "autograder" / "submitted" / "esme" / AID
    shutil.copy(course / "release" / AID / f"{AID}.ipynb", folder / f"{AID}.ipynb")
    (folder / "timestamp.txt").write_text("2025-03-02 09:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text("s3cret")
    rows = grade(course, "--unsafe")
    assert rows["esme"].status in ("graded", "autograded"), rows["esme"]
    assert rows["nora"].status == "missing"
    url = load_config(course).CourseDirectory.db_url
    autograded = course / "autograder" / "autograded" / "esme" / AID
    with Gradebook(url, "ffnn") as gb:
        sub = gb.find_submission(AID, "esme")
        comments = [c.comment or "" for nb in sub.notebooks for c in nb.comments]
        assert not [c for c in comments if c.startswith("Not graded")], comments
        assert str(sub.timestamp) == "2025-03-02 09:00:00"
        before = (sub.score, sub.needs_manual_grade)
    assert (autograded / "submission_secret.txt").read_text() == "s3cret"
    assert not (autograded / "not_graded.txt").exists()
    shown = {s["student"]: s for s in api(course).get_submissions(AID)}
    assert shown["esme"]["autograded"], "the Formgrader sees the graded copy"
    # what the Formgrader's Autograde button runs: refused, nothing removed or changed
    listing = sorted(p.name for p in autograded.iterdir())
    result = api(course).autograde(AID, "esme")
    assert not result["success"]
    assert "autogrades only in its sandbox: run `make grade`" in result["log"]
    assert sorted(p.name for p in autograded.iterdir()) == listing
    with Gradebook(url, "ffnn") as gb:
        sub = gb.find_submission(AID, "esme")
        assert (sub.score, sub.needs_manual_grade) == before
    done = json.loads(
        (course / "autograder" / ".state" / "done" / "esme" / f"{AID}.json").read_text()
    )
    assert done["status"] == "ok"
