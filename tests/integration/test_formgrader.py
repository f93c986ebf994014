"""The instructor's round trip in nbgrader's Formgrader, in a real browser.

In a temporary copy of the course, with an exchange set up by ``python -m
autograder.exchange`` and the sample roster imported by ``python -m autograder.roster``,
JupyterLab runs from the course root and Chromium drives *Nbgrader > Formgrader*:
release a1 → students submit (nbgrader's own ``submit``, each under their id) →
Collect → the Formgrader's Autograde button refuses (it would run student code outside
the sandbox) and changes nothing, so grading is ``python -m autograder.grade`` (the
sandbox) → the scores shown equal the expected sample scores, a corrupt and a missing
notebook show 0 out of the assignment's points, the roster's names appear → Generate and
Release Feedback → each graded student fetches their feedback from the exchange.
Screenshot: tests/artifacts/formgrader.png."""

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from autograder import ROOT, nbgrader_command
from tests.jupyterlab_server import CHROMIUM, jupyterlab, launch_chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
AID = "a1_perceptron"
EXPECTED = json.loads((ROOT / "autograder" / "samples" / "expected.json").read_text())
SAMPLES = ROOT / "autograder" / "samples" / "submitted"
GRADED = ["full", "partial", "blank", "typed", "copycat"]  # valid notebooks
UNUSABLE = {"missing": "missing", "corrupt": "corrupt"}  # student -> status in grades.csv

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def run(cwd, *args, env=None):
    """``python -m ARGS`` in ``cwd``; its output, or the test fails with it."""
    proc = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"{args}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def roster():
    with open(ROOT / "autograder" / "samples" / "roster.csv", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def course(tmp_path_factory, require):
    """A course copy (a1 released to the gradebook), its exchange and the sample roster,
    and one workspace per student holding what they will submit."""
    from autograder import sandbox

    require("Chromium", os.path.exists(CHROMIUM), f"Debian's package chromium at {CHROMIUM}")
    require("playwright", importlib.util.find_spec("playwright"), "pip: the test extra")
    why = sandbox.problem()
    require("the sandbox", not why, f"{why}: apt-get install bubblewrap")
    base = tmp_path_factory.mktemp("formgrader")
    root = base / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / AID, root / folder / AID)
    ignore = shutil.ignore_patterns(
        "submitted", "autograded", "feedback", ".state", "grades.csv", "__pycache__"
    )
    shutil.copytree(ROOT / "autograder", root / "autograder", ignore=ignore)
    (root / "autograder" / ".state").mkdir()
    cmd, env = nbgrader_command("generate_assignment", AID, "--force", "--log-level=WARN")
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    out = run(root, "autograder.exchange", str(base / "exchange"))
    assert "exchange ready" in out
    out = run(root, "autograder.roster", "autograder/samples/roster.csv")
    assert f"{len(roster())} added" in out
    students = base / "students"
    for sid in GRADED + ["missing"]:
        shutil.copytree(SAMPLES / sid / AID, students / sid / AID)
    broken = students / "corrupt" / AID / f"{AID}.ipynb"  # a notebook cut short
    broken.parent.mkdir(parents=True)
    broken.write_text((ROOT / "release" / AID / f"{AID}.ipynb").read_text()[:2000])
    return {"root": root, "exchange": base / "exchange", "students": students, "base": base}


def student_nbgrader(course, sid, *args):
    """An nbgrader command as student ``sid`` would run it, from their workspace."""
    cmd, env = nbgrader_command(
        *args, f"--student={sid}", "--course=ffnn", f"--Exchange.root={course['exchange']}"
    )
    cache = course["students"] / sid / ".cache"
    cmd.append(f"--Exchange.cache={cache}")
    env["JUPYTER_CONFIG_DIR"] = str(course["base"] / "student-config")
    proc = subprocess.run(
        cmd, cwd=course["students"] / sid, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


@pytest.fixture(scope="module")
def lab(course):
    """JupyterLab started from the course root (where the Formgrader finds its config)."""
    # the exchange comes from the record `make exchange` wrote, not from the environment
    unset = ("FFNN_GRADED_DIR", "FFNN_EXCHANGE")
    try:
        with jupyterlab(course["root"], course["base"], unset=unset) as url:
            yield url
    except RuntimeError as error:  # the server did not start: its log says why
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            tab = chromium.new_page(viewport={"width": 1500, "height": 1000})
            yield tab
        finally:
            chromium.close()


def close_modal(frame, kind):
    """Wait for the Formgrader's success (or error) dialog, return its text, close it."""
    modal = frame.locator(f"#{kind}-modal")
    modal.wait_for(timeout=180_000)
    text = modal.inner_text()
    modal.locator(".modal-footer button").click()
    modal.wait_for(state="detached", timeout=30_000)
    return text


def assignment_row(frame):
    row = frame.locator("tr", has=frame.locator("td.name", has_text=AID))
    row.wait_for(timeout=60_000)
    return row


def submissions_table(frame):
    """student id -> (name, status, score) as the Formgrader's submissions list shows."""
    frame.locator("td.student-id").first.wait_for(timeout=60_000)
    rows = {}
    for tr in frame.locator("tbody tr").all():
        sid = tr.locator("td.student-id").inner_text().strip()
        rows[sid] = tuple(
            tr.locator(f"td.{c}").inner_text().strip() for c in ("student-name", "status", "score")
        )
    return rows


def test_release_collect_grade_and_feedback_in_the_formgrader(course, lab, page):
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.utils import notebook_hash

    root, exchange = course["root"], course["exchange"]
    page.goto(f"{lab}/lab", timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Formgrader$")).click()
    frame = page.frame_locator("#formgrader-iframe iframe")

    # the exchange is found (no warning) and a1 is released into it
    release = assignment_row(frame).locator("td.release a")
    assert frame.locator("#warning-exchange").count() == 0
    release.click()
    assert "Successfully released" in close_modal(frame, "success")
    released = exchange / "ffnn" / "outbound" / AID / f"{AID}.ipynb"
    assert released.read_text() == (root / "release" / AID / f"{AID}.ipynb").read_text()

    # students submit with nbgrader's own submit, each under their roster id
    for sid in GRADED + list(UNUSABLE):
        assert "Submitted as: ffnn a1_perceptron" in student_nbgrader(course, sid, "submit", AID)
    inbound = sorted(p.name.split("+")[0] for p in (exchange / "ffnn" / "inbound").iterdir())
    assert inbound == sorted(GRADED + list(UNUSABLE))

    # Collect in the UI: every submission lands in autograder/submitted/
    assignment_row(frame).locator("td.collect a").click()
    assert "Successfully collected" in close_modal(frame, "success")
    submitted = root / "autograder" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(GRADED + list(UNUSABLE))

    # the submissions list shows the roster's names
    assignment_row(frame).locator("td.num-submissions a").click()
    table = submissions_table(frame)
    names = roster()
    for sid in GRADED + list(UNUSABLE):
        name, status, _ = table[sid]
        assert name == f"{names[sid]['last_name']}, {names[sid]['first_name']}", table[sid]
        assert status == "needs autograding"

    # the Formgrader's Autograde button refuses (student code runs only in the sandbox)
    # and leaves no trace
    frame.locator("tr", has=frame.locator("td.student-id", has_text="full")).locator(
        "td.autograde a"
    ).click()
    refusal = close_modal(frame, "error")
    assert "autogrades only in its sandbox: run `make grade`" in refusal
    url = "sqlite:///" + str(root / "autograder" / ".state" / "gradebook.db")
    with Gradebook(url, "ffnn") as gb, pytest.raises(MissingEntry):
        gb.find_submission(AID, "full")
    assert not (root / "autograder" / "autograded").exists()

    # so the course grades with its own grader (the sandbox), as `make grade` does
    run(root, "autograder.grade", AID, "--timeout", "5")
    with Gradebook(url, "ffnn") as gb:
        points = gb.find_assignment(AID).max_score
        auto_points = gb.find_assignment(AID).max_code_score
    assert points > auto_points > 0, "a1 has autograded and written points"
    page.reload()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Formgrader$")).click()
    frame = page.frame_locator("#formgrader-iframe iframe")
    assignment_row(frame).locator("td.num-submissions a").click()
    frame.locator("td.score", has_text="/").first.wait_for(timeout=60_000)
    table = submissions_table(frame)
    for sid in GRADED:
        want = EXPECTED[sid][AID]["auto_score"]  # written answers still wait: not in score
        assert table[sid][2] == f"{want:g} / {points:g}", (sid, table[sid])
        assert table[sid][1] in ("graded", "needs manual grading"), (sid, table[sid])
    for sid in UNUSABLE:
        assert table[sid][1:] == ("graded", f"0 / {points:g}"), (sid, table[sid])
    rows = {r["student"]: r for r in csv.DictReader(open(root / "autograder" / "grades.csv"))}
    for sid, status in UNUSABLE.items():
        assert rows[sid]["status"] == status and rows[sid]["message"], rows[sid]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "formgrader.png"))

    # pressing Autograde on a graded submission still changes nothing
    frame.locator("tr", has=frame.locator("td.student-id", has_text="partial")).locator(
        "td.autograde a"
    ).click()
    assert "run `make grade`" in close_modal(frame, "error")
    assert (root / "autograder" / "autograded" / "partial" / AID / f"{AID}.ipynb").is_file()
    with Gradebook(url, "ffnn") as gb:
        assert gb.find_submission(AID, "partial").score == EXPECTED["partial"][AID]["auto_score"]

    # Generate and Release Feedback in the UI, then each student fetches theirs
    frame.locator("a", has_text="Manage Assignments").first.click()
    assignment_row(frame).locator("td.generate-feedback a").click()
    assert "Successfully generated feedback" in close_modal(frame, "success")
    assignment_row(frame).locator("td.release-feedback a").click()
    assert "Successfully released feedback" in close_modal(frame, "success")
    outbox = exchange / "ffnn" / "feedback"
    for sid in GRADED:
        secret = (submitted / sid / AID / "submission_secret.txt").read_text()
        page_name = notebook_hash(secret=secret, notebook_id=AID) + ".html"
        assert (outbox / page_name).is_file(), sid
        student_nbgrader(course, sid, "fetch_feedback", AID)
        fetched = list((course["students"] / sid / AID / "feedback").glob(f"*/{AID}.html"))
        assert len(fetched) == 1, sid
        text = fetched[0].read_text()
        assert "BEGIN HIDDEN TESTS" not in text
    # no notebook, no feedback page: the reason is in grades.csv and the gradebook
    assert len(list(outbox.glob("*.html"))) == len(GRADED)
