"""The exercises inside the lecture notebooks (issue 15's conventions, README of
course/): every notebook has at least three exercises, each with a collapsed model
solution and a self-check; the model solution passes its check when the notebook runs,
a typical wrong answer fails with the right diagnosis, an untouched exercise only says
"not attempted"; Think! questions carry collapsed answers; widget challenges are met
by their model settings."""

import re

import nbformat
import pytest
from ffnn import selfcheck
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder import ROOT

COURSE = ROOT / "course"
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
CHECK = re.compile(r"""^check\(\s*["'](\d\d\.\d+)["']""", re.M)
SOLUTION = re.compile(
    r"<details>\s*<summary>\s*Solution (\d\d\.\d+)[^<]*</summary>"
    r".*?```python\n(.*?)```.*?</details>",
    re.S,
)
THINK = re.compile(r"\*\*Think!?\*\*.*?<details>\s*<summary>[^<]*</summary>.+?</details>", re.S)
CHALLENGE = re.compile(r"\*\*Challenge (\d\d\.C\d+)\*\*.*?<details>.+?</details>", re.S)


def parts(nb):
    """(exercise cells {id: index}, solutions {id: code}, Think! count, challenge ids)."""
    cells, solutions, thinks, challenges = {}, {}, 0, []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for ex_id in CHECK.findall(cell.source):
                cells[ex_id] = i
        else:
            solutions.update(SOLUTION.findall(cell.source))
            thinks += len(THINK.findall(cell.source))
            challenges += CHALLENGE.findall(cell.source)
    return cells, solutions, thinks, challenges


def solved(nb):
    """A copy of ``nb`` whose exercise cells run the model solution, then the check."""
    nb = nbformat.from_dict(nb)
    cells, solutions, _, _ = parts(nb)
    for ex_id, i in cells.items():
        checks = [line for line in nb.cells[i].source.splitlines() if CHECK.match(line)]
        nb.cells[i].source = solutions[ex_id] + "\n".join(checks)
    return nb


def number(path):
    return path.name[:2]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_exercises_think_questions_and_challenges(path):
    nb = nbformat.read(path, as_version=4)
    cells, solutions, thinks, challenges = parts(nb)
    registered, goals = selfcheck.exercises(number(path))
    assert len(cells) >= 3, f"{path.name}: {len(cells)} exercises, at least 3 expected"
    assert sorted(cells) == [e.id for e in registered], "notebook and ffnn.selfcheck disagree"
    missing = sorted(set(cells) - set(solutions))
    assert not missing, f"{path.name}: no collapsed model solution for {missing}"
    assert all(i.startswith(number(path) + ".") for i in cells), sorted(cells)
    assert thinks >= 2, f"{path.name}: {thinks} Think! questions with a collapsed answer"
    assert sorted(challenges) == [c.id for c in goals], "notebook and challenges disagree"
    if "ffnn.widgets" in "".join(c.source for c in nb.cells if c.cell_type == "code"):
        assert challenges, f"{path.name} shows widgets but sets them no challenge"


EXERCISES = [e for p in NOTEBOOKS for e in selfcheck.exercises(number(p))[0]]
CHALLENGES = [c for p in NOTEBOOKS for c in selfcheck.exercises(number(p))[1]]


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_a_typical_wrong_answer_gets_its_diagnosis(ex):
    ok, message = selfcheck.verdict(ex.id, ex.wrong)
    assert ok is False, message
    assert ex.diagnosis.lower() in message.lower(), message


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_an_untouched_exercise_is_not_attempted(ex):
    def stub(*args): ...

    for answer in (..., stub):
        ok, message = selfcheck.verdict(ex.id, answer)
        assert ok is None and "not attempted" in message


@pytest.mark.parametrize("goal", CHALLENGES, ids=lambda c: c.id)
def test_the_model_settings_meet_each_widget_challenge(goal):
    value, met = goal.run(**goal.settings)
    assert met, f"{goal.id}: {goal.goal}; the model settings {goal.settings} give {value}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_model_solution_passes_its_check_in_the_notebook(path):
    nb = solved(nbformat.read(path, as_version=4))
    client = NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(COURSE)}}
    )
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name} (solved) failed:\n{str(err)[-3000:]}")
    cells, _, _, _ = parts(nb)
    for ex_id, i in cells.items():
        text = "".join(o.get("text", "") for o in nb.cells[i].outputs)
        assert f"✓ Exercise {ex_id}: correct." in text, f"{ex_id}: {text}"
