"""The assignment notebooks themselves (no nbgrader run): nbgrader metadata, the
authoring conventions of autograder/README.md (each student's own numbers, visible tests
that give nothing away, one value per test), lecture alignment, and that failing tests
diagnose the usual mistakes."""

import ast
import os
import re
from unittest import mock

import nbformat
import numpy as np
import pytest

from autograder import ROOT, assignments
from autograder.trusted import is_numbers

IDS = assignments(ROOT)
STUDENTS = ("alice", "bob")
_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$", re.M)


def _source(aid):
    return nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _is_test(cell):
    return cell.cell_type == "code" and _meta(cell).get("grade")


def _visible(cell):
    return cell.source.split("### BEGIN HIDDEN TESTS")[0]


def _stored(tree):
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _loaded(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _as_student(student):
    return mock.patch.dict(os.environ, {"FFNN_STUDENT_ID": student})


def test_assignments_in_teaching_order():
    assert IDS == [
        "a1_perceptron",
        "a2_activations_losses",
        "a3_backprop_by_hand",
        "a4_backprop_gradcheck",
        "a5_optimizers",
        "a6_output_units",
        "a7_digits_project",
    ]


@pytest.mark.parametrize("aid", IDS)
def test_nbgrader_metadata_and_exercise_mix(aid):
    nb = _source(aid)
    nbformat.validate(nb)
    metas = [_meta(c) for c in nb.cells if _meta(c)]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "grade_ids are unique"
    assert all(m["schema_version"] == 3 for m in metas)
    tests = [c for c in nb.cells if _is_test(c)]
    written = [c for c in nb.cells if c.cell_type == "markdown" and _meta(c).get("grade")]
    assert written and all(_meta(c)["solution"] and _meta(c)["points"] > 0 for c in written)
    assert all(_meta(c)["locked"] and _meta(c)["points"] > 0 for c in tests)
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests), "every test has hidden tests"
    functions = [c for c in nb.cells if _meta(c).get("solution") and "def " in c.source]
    assert functions, "functions to implement"
    for c in nb.cells:
        if _meta(c).get("solution") and c.cell_type == "code":
            assert "### BEGIN SOLUTION" in c.source
        assert not c.get("outputs"), "stored without outputs"
    for c in functions:
        names = [
            n.id for n in ast.walk(ast.parse(_MARKER.sub("", c.source))) if isinstance(n, ast.Name)
        ]
        assert "ffnn" not in names, "solutions use plain numpy"


@pytest.mark.parametrize("aid", IDS)
def test_student_id_and_numbers_cells_follow_the_convention(aid):
    """An import cell with use_student, then the plain ``use_student("")`` line; every
    hand question's numbers come from a read-only cell that draws them per student and
    ends with show(...); hand answers follow their numbers and are computed from them."""
    cells = _source(aid).cells
    imports, id_cell = cells[1], cells[2]
    tree = ast.parse(imports.source)
    assert all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)
    assert "use_student" in imports.source
    assert not _meta(id_cell) and re.match(r'use_student\(""\)', id_cell.source)
    numbers = [c for c in cells if is_numbers(c)]
    hand = [c for c in cells if _meta(c).get("solution") and _meta(c)["grade_id"].endswith("_hand")]
    for c in numbers:
        assert _meta(c)["grade_id"].startswith(aid.split("_")[0] + "_numbers_")
        assert "student_rng(" in c.source
        assert c.source.rstrip().splitlines()[-1].startswith("show("), "ends with show(...)"
    drawn = set().union(*(_stored(ast.parse(c.source)) for c in numbers)) if numbers else set()
    for c in hand:
        first = cells.index(c)
        assert any(cells.index(n) < first for n in numbers), "numbers before the answer"
        body = ast.parse(_MARKER.sub("", c.source))
        assert not _stored(body) & drawn, "an answer must not overwrite the numbers"
        assert _loaded(body) & drawn, "the solution computes the answer from the numbers"


@pytest.mark.parametrize("aid", IDS)
def test_intro_prepares_cites_and_asks_for_validate(aid):
    intro = _source(aid).cells[0].source
    cited = set(re.findall(r"\b(00[0-4]) \(", intro))
    assert cited, "cite the lecture notes by file"
    assert "ffnn" in intro and "Validate" in intro, "state the ffnn rule and Validate"
    assert re.search(r"Prepared by", intro) and re.search(r"\b\d\d_\w+", intro), (
        "name the notebooks that prepare the assignment"
    )
    for name in re.findall(r"`(\d\d_\w+)`", intro):
        assert (ROOT / "course" / f"{name}.ipynb").is_file(), name


def _namespace(aid, student):
    """Run the setup, numbers and answer cells of the source (solutions) as ``student``."""
    ns = {"__name__": "__main__"}
    with _as_student(student):
        for c in _source(aid).cells:
            if c.cell_type == "code" and not _meta(c).get("grade"):
                exec(_MARKER.sub("", c.source), ns)
    return ns


def _run_test(aid, grade_id, ns, student="alice", visible_only=False):
    cell = next(c for c in _source(aid).cells if _meta(c).get("grade_id") == grade_id)
    code = _visible(cell) if visible_only else _MARKER.sub("", cell.source)
    with _as_student(student):
        exec(code, ns)


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("aid", IDS)
def test_solutions_pass_every_test(aid, student):
    ns = _namespace(aid, student)
    for c in _source(aid).cells:
        if _is_test(c):
            _run_test(aid, _meta(c)["grade_id"], dict(ns), student)


@pytest.mark.parametrize("aid", IDS)
def test_students_get_their_own_numbers(aid):
    """Every numbers cell draws different values for two students, and the same ones
    again for the same student."""
    cells = [c for c in _source(aid).cells if is_numbers(c)]
    imports = _source(aid).cells[1].source

    def draw(student, cell):
        ns = {}
        with _as_student(student):
            exec(imports, ns)
            exec(cell.source, ns)
        names = _stored(ast.parse(cell.source)) & set(ns)  # not a comprehension's variable
        return {k: np.asarray(ns[k]) for k in names if k != "rng"}

    for cell in cells:
        a, b, again = draw("alice", cell), draw("bob", cell), draw("alice", cell)
        assert all(np.array_equal(a[k], again[k]) for k in a), "the same id, the same numbers"
        assert any(not np.array_equal(a[k], b[k]) for k in a), _meta(cell)["grade_id"]


def _answers(aid):
    names = set()
    for c in _source(aid).cells:
        if _meta(c).get("solution") and c.cell_type == "code":
            for stmt in ast.parse(_MARKER.sub("", c.source)).body:
                if isinstance(stmt, ast.FunctionDef):
                    names.add(stmt.name)
                names |= {t.id for t in getattr(stmt, "targets", []) if isinstance(t, ast.Name)}
    return names


def _off(value):
    """A wrong answer of the right type and shape: a hand value moved by 0.01 towards
    zero (so it keeps its sign and range), an array in reverse order or moved the same
    way, a function whose float outputs are off by 0.1%."""
    if callable(value):

        def wrong(*args, **kwargs):
            return _off_output(value(*args, **kwargs))

        return wrong
    if isinstance(value, bool) or not isinstance(value, (int, float, list, tuple, np.ndarray)):
        return value
    try:
        a = np.asarray(value)
    except ValueError:  # a ragged list (e.g. of parameter arrays): left as it is
        return value
    if a.dtype.kind not in "iuf":
        return value
    if a.ndim and a.size > 1 and not np.array_equal(a[::-1], a):
        out = a[::-1].copy()
    else:
        out = np.where(np.abs(a) > 0.02, a - 0.01 * np.sign(a), a + 0.01)
    return float(out) if np.ndim(value) == 0 else out.tolist() if isinstance(value, list) else out


def _off_output(out):
    if isinstance(out, tuple):
        return tuple(_off_output(o) for o in out)
    a = np.asarray(out) if isinstance(out, (float, np.ndarray, np.floating)) else None
    if a is None or a.dtype.kind != "f":
        return out
    moved = a * (1 + 1e-3) + 1e-6
    return float(moved) if np.ndim(out) == 0 else moved


@pytest.mark.parametrize("aid", IDS)
def test_visible_tests_give_no_answer_away(aid):
    """No visible test uses a hand question's numbers or prints; each one passes for
    the solution and for a wrong answer of the right type and shape."""
    cells = _source(aid).cells
    drawn = set().union(*(_stored(ast.parse(c.source)) for c in cells if is_numbers(c)))
    names = _answers(aid)
    for c in cells:
        if not _is_test(c):
            continue
        tree = ast.parse(_visible(c))
        gid = _meta(c)["grade_id"]
        assert not _loaded(tree) & drawn, f"{gid} reuses the numbers {_loaded(tree) & drawn}"
        assert "print" not in _loaded(tree) and "display" not in _loaded(tree), gid
        good = _namespace(aid, "alice")
        _run_test(aid, gid, good, visible_only=True)
        bad = dict(good)
        bad.update({n: _off(good[n]) for n in names if n in good})
        _run_test(aid, gid, bad, visible_only=True)


def _hand_cells(aid):
    return [
        c
        for c in _source(aid).cells
        if _meta(c).get("solution") and _meta(c)["grade_id"].endswith("_hand")
    ]


@pytest.mark.parametrize("aid", [a for a in IDS if _hand_cells(a)])
def test_copied_hand_answers_fail_on_another_students_numbers(aid):
    """alice's hand answers, checked as bob's, fail every test that reads them
    (carried-forward credit included); the grading test does the same in the sandbox."""
    alice = _namespace(aid, "alice")
    copied = set().union(*(_stored(ast.parse(_MARKER.sub("", c.source))) for c in _hand_cells(aid)))
    bob = _namespace(aid, "bob")
    bob.update({n: alice[n] for n in copied})
    checked = 0
    for c in filter(_is_test, _source(aid).cells):
        tree = ast.parse(_MARKER.sub("", c.source))
        if (_loaded(tree) - _stored(tree)) & copied:
            with pytest.raises(AssertionError):
                _run_test(aid, _meta(c)["grade_id"], dict(bob), "bob")
            checked += 1
    assert checked


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


WRONG = [
    # (assignment, test cell, answer name, the wrong answer from the student's namespace,
    #  the diagnosis the feedback must give)
    (
        "a1_perceptron",
        "test_a1_a_hand",
        "a_hand",
        lambda ns: ns["w"] @ ns["x"],
        "bias b is missing",
    ),
    (
        "a1_perceptron",
        "test_a1_update_hand",
        "w_next",
        lambda ns: ns["w_t"] - ns["t_s"] * np.r_[1.0, ns["x_s"]],
        "the sign of t matters",
    ),
    (
        "a2_activations_losses",
        "test_a2_ce_hand",
        "ce_hand",
        lambda ns: float(-np.sum(ns["t_soft"] * np.log10(ns["y_soft_hand"]))),
        "not log10",
    ),
    (
        "a2_activations_losses",
        "test_a2_squared_error",
        "squared_error",
        lambda ns: lambda Y, T: 0.5 * np.sum((Y - T) ** 2),
        "the 1/n is missing",
    ),
    (
        "a3_backprop_by_hand",
        "test_a3_gradient_hand",
        "dJ_dw_hand",
        lambda ns: -np.asarray(ns["dJ_dw_hand"]),
        "wrong sign",
    ),
    (
        "a3_backprop_by_hand",
        "test_a3_hidden_deltas_hand",
        "delta1_hand",
        lambda ns: ns["w2"] * ns["delta2_hand"],
        r"f'\(a\) is missing",
    ),
    (
        "a3_backprop_by_hand",
        "test_a3_hidden_grad_hand",
        "dJ_dW1_hand",
        lambda ns: np.asarray(ns["dJ_dW1_hand"]).T,
        "transpose",
    ),
    (
        "a6_output_units",
        "test_a6_delta_se_hand",
        "delta_se_hand",
        lambda ns: ns["y_out_hand"] - ns["t_out"],
        r"f'\(a\) = y \(1 - y\) of the sigmoid is missing",
    ),
    (
        "a7_digits_project",
        "test_a7_xavier_hand",
        "xavier_std_hand",
        lambda ns: np.sqrt(1 / ns["n_hidden1"]),
        "not the 1/n_in",
    ),
]


@pytest.mark.parametrize("aid, grade_id, name, wrong, message", WRONG)
def test_failing_tests_diagnose_the_mistake(aid, grade_id, name, wrong, message):
    for student in STUDENTS:
        ns = _namespace(aid, student)
        ns[name] = wrong(ns)
        with pytest.raises(AssertionError, match=message):
            _run_test(aid, grade_id, ns, student)


def test_calling_the_reference_library_fails_the_test():
    import ffnn

    ns = _namespace("a2_activations_losses", "alice")

    def sigmoid(a):
        return ffnn.activations.sigmoid(a)

    ns["sigmoid"] = sigmoid
    with pytest.raises(AssertionError, match="sigmoid calls the reference library ffnn"):
        _run_test("a2_activations_losses", "test_a2_sigmoid", ns)
