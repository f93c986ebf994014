"""The assignment notebooks themselves (no nbgrader run): nbgrader metadata, lecture
alignment, exercise mix, and that failing tests diagnose the usual mistakes."""

import ast
import re

import nbformat
import numpy as np
import pytest
from conftest import ROOT

from autograder import assignments

IDS = assignments(ROOT)
_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$", re.M)


def _source(aid):
    return nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def test_five_assignments_in_teaching_order():
    assert IDS == [
        "a1_perceptron",
        "a2_activations_losses",
        "a3_backprop_by_hand",
        "a4_backprop_gradcheck",
        "a5_optimizers",
    ]


@pytest.mark.parametrize("aid", IDS)
def test_nbgrader_metadata_and_exercise_mix(aid):
    nb = _source(aid)
    nbformat.validate(nb)
    metas = [_meta(c) for c in nb.cells if _meta(c)]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "grade_ids are unique"
    assert all(m["schema_version"] == 3 for m in metas)
    tests = [c for c in nb.cells if _meta(c).get("grade") and c.cell_type == "code"]
    written = [c for c in nb.cells if c.cell_type == "markdown" and _meta(c).get("grade")]
    assert written and all(_meta(c)["solution"] and _meta(c)["points"] > 0 for c in written)
    assert all(_meta(c)["locked"] and _meta(c)["points"] > 0 for c in tests)
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests), "every test has hidden tests"
    hand = [c for c in nb.cells if _meta(c).get("solution") and "_hand" in _meta(c)["grade_id"]]
    functions = [c for c in nb.cells if _meta(c).get("solution") and "def " in c.source]
    assert hand and functions, "numbers by hand and functions to implement"
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
def test_intro_cites_lecture_notes_and_tolerance(aid):
    intro = _source(aid).cells[0].source
    cited = set(re.findall(r"\b(00[0-4]) \(", intro))
    assert cited, "cite the lecture notes by file"
    assert "5e-4" in intro and "ffnn" in intro, "state the tolerance and the ffnn rule"


def test_hand_example_avoids_the_lecture_001_numbers():
    """Part 1 of assignment 3 redoes lecture 001's step with other inputs and weights."""
    part1 = ("a3_step_hand", "test_a3_forward_hand", "test_a3_chain_hand")
    part1 += ("test_a3_gradient_hand", "test_a3_update_hand")
    nb = _source("a3_backprop_by_hand")
    text = "\n".join(c.source for c in nb.cells if _meta(c).get("grade_id") in part1)
    assert "dJ_dw1" in text
    for number in ("0.35", "0.40", "0.50", "0.51", "0.10"):
        assert not re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", text), number


def _namespace(aid):
    """Run the setup and answer cells of the source (solutions) in a fresh namespace."""
    ns = {}
    for c in _source(aid).cells:
        if c.cell_type == "code" and not _meta(c).get("grade"):
            exec(_MARKER.sub("", c.source), ns)
    return ns


def _run_test(aid, grade_id, ns):
    cell = next(c for c in _source(aid).cells if _meta(c).get("grade_id") == grade_id)
    exec(_MARKER.sub("", cell.source), ns)


@pytest.mark.parametrize("aid", IDS)
def test_solutions_pass_every_test(aid):
    ns = _namespace(aid)
    for c in _source(aid).cells:
        if c.cell_type == "code" and _meta(c).get("grade"):
            _run_test(aid, _meta(c)["grade_id"], ns)


WRONG = [
    # (assignment, test cell, name, wrong value or function factory, expected message)
    ("a3_backprop_by_hand", "test_a3_gradient_hand", "dJ_dw1", 0.036144, "wrong sign"),
    ("a3_backprop_by_hand", "test_a3_gradient_hand", "dJ_dw1", -0.096383, "x1 = 0.30, not x2"),
    ("a3_backprop_by_hand", "test_a3_gradient_hand", "dJ_dw1", -0.072288, "twice"),
    (
        "a3_backprop_by_hand",
        "test_a3_hidden_grad_hand",
        "dJ_dW1_hand",
        [[-0.100852, 0.100852], [0.037407, -0.037407]],
        "transpose",
    ),
    ("a3_backprop_by_hand", "test_a3_update_hand", "w1_new", 0.181928, "against the gradient"),
    ("a1_perceptron", "test_a1_update_hand", "w_next", [-0.5, -3.0, -0.5], "add phi"),
    ("a2_activations_losses", "test_a2_softmax_hand", "dy0_da1", 0.145332, "wrong sign"),
    ("a5_optimizers", "test_a5_momentum_hand", "v_new_hand", 0.65, "mu v - alpha g"),
    ("a5_optimizers", "test_a5_xavier_hand", "xavier_std_hand", 0.005, "that is the variance"),
    (
        "a2_activations_losses",
        "test_a2_squared_error",
        "squared_error",
        lambda Y, T: np.sum((Y - T) ** 2) / len(Y),
        "twice the expected value: check the 1/2",
    ),
    ("a4_backprop_gradcheck", "test_a4_backward", "backward", "transposed", r"dW1 has shape"),
]


@pytest.mark.parametrize("aid, grade_id, name, wrong, message", WRONG)
def test_failing_tests_diagnose_the_mistake(aid, grade_id, name, wrong, message):
    ns = _namespace(aid)
    if wrong == "transposed":
        good = ns["backward"]

        def wrong(*args):
            J, dW1, db1, dW2, db2 = good(*args)
            return J, dW1.T, db1, dW2, db2

    ns[name] = np.array(wrong) if isinstance(wrong, list) else wrong
    with pytest.raises(AssertionError, match=message):
        _run_test(aid, grade_id, ns)


def test_calling_the_reference_library_fails_the_test():
    import ffnn

    ns = _namespace("a2_activations_losses")

    def sigmoid(a):
        return ffnn.activations.sigmoid(a)

    ns["sigmoid"] = sigmoid
    with pytest.raises(AssertionError, match="sigmoid calls the reference library ffnn"):
        _run_test("a2_activations_losses", "test_a2_sigmoid", ns)
