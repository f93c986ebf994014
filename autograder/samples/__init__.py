"""Sample submissions for the grading tests, generated from release/ and source/.

``python -m autograder.samples`` rewrites autograder/samples/submitted/<student>/<id>/
and autograder/samples/expected.json (each sample's expected status and autograded
score). Regenerate after ``make release``; a test checks they are up to date.

Students: ``full`` (every answer = the source solution), ``blank`` (the release as is),
``partial`` (every other answer filled), and one hostile or broken case each:
``loop`` (infinite loop in an answer cell), ``broken`` (syntax error in one answer, an
exception in another), ``tamper`` (a wrong answer whose test cell was edited to
``pass``, and a deleted test cell), ``cheat`` (calls the ``ffnn`` reference),
``corrupt`` (truncated JSON) and ``missing`` (no notebook of the right name).

Expected scores come from the notebooks themselves: a test earns its points when every
answer name it uses (directly or through the answers it calls) is present and sound.
"""

import ast
import copy
import json
import re
import shutil
from pathlib import Path

import nbformat

from autograder import ROOT, assignments

HERE = Path(__file__).resolve().parent
_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _strip_markers(source):
    return "\n".join(line for line in source.split("\n") if not _MARKER.match(line))


def _names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def answers(nb):
    """grade_id -> {defined name: names used by its definition} for code answer cells."""
    out = {}
    for cell in nb.cells:
        m = _meta(cell)
        if cell.cell_type == "code" and m.get("solution"):
            defs = {}
            for stmt in ast.parse(_strip_markers(cell.source)).body:
                targets = [stmt.name] if isinstance(stmt, ast.FunctionDef) else []
                if isinstance(stmt, ast.Assign):
                    targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
                for t in targets:
                    defs[t] = _names(stmt) - {t}
            out[m["grade_id"]] = defs
    return out


def tests(nb):
    """grade_id -> (points, names used) for the test cells (hidden tests included)."""
    return {
        _meta(c)["grade_id"]: (_meta(c)["points"], _names(ast.parse(_strip_markers(c.source))))
        for c in nb.cells
        if c.cell_type == "code" and _meta(c).get("grade")
    }


def expected_score(source_nb, filled, bad_names=()):
    """Autograded points when only the answer cells ``filled`` are answered and the names
    ``bad_names`` are wrong; a test also needs every answer it reaches through calls."""
    ans = answers(source_nb)
    defs = {name: used for cell in ans.values() for name, used in cell.items()}
    present = {name for gid in filled for name in ans[gid]} - set(bad_names)

    def sound(name, seen=()):
        if name not in defs:
            return True  # not an answer name (numpy, a local of the test, ...)
        if name not in present:
            return False
        return all(sound(n, (*seen, name)) for n in defs[name] if n not in seen and n != name)

    return sum(p for p, used in tests(source_nb).values() if all(sound(n) for n in used))


def _cell(nb, grade_id):
    return next(c for c in nb.cells if _meta(c).get("grade_id") == grade_id)


def filled(release_nb, source_nb, grade_ids):
    """The release notebook with the answers ``grade_ids`` taken from the source."""
    nb = copy.deepcopy(release_nb)
    for gid in grade_ids:
        _cell(nb, gid).source = _strip_markers(_cell(source_nb, gid).source)
    return nb


def all_answers(nb):
    return [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("solution")]


def code_answers(nb):
    return list(answers(nb))


def _load(root, step, aid):
    return nbformat.read(root / step / aid / f"{aid}.ipynb", as_version=4)


def samples(root=ROOT):
    """{student: {assignment: (notebook or raw text or None, expected dict)}}."""
    out = {s: {} for s in ("full", "blank", "partial")}
    src = {aid: _load(root, "source", aid) for aid in assignments(root)}
    rel = {aid: _load(root, "release", aid) for aid in assignments(root)}
    full = {aid: filled(rel[aid], src[aid], all_answers(src[aid])) for aid in src}

    def graded(nb, aid, good, bad=()):
        return nb, {"status": "ok", "auto_score": expected_score(src[aid], good, bad)}

    for aid in src:
        everything = code_answers(src[aid])
        half = everything[::2]
        out["full"][aid] = graded(full[aid], aid, everything)
        out["blank"][aid] = graded(copy.deepcopy(rel[aid]), aid, [])
        out["partial"][aid] = graded(filled(rel[aid], src[aid], half), aid, half)

    aid = "a1_perceptron"  # infinite loop at the top of the perceptron_step cell
    nb = copy.deepcopy(full[aid])
    _cell(nb, "a1_step").source = "while True:  # oops\n    pass\n\n" + _cell(nb, "a1_step").source
    ok = [g for g in code_answers(src[aid]) if g != "a1_step"]
    out["loop"] = {aid: graded(nb, aid, ok)}

    aid = "a2_activations_losses"  # syntax error in one answer, exception in another
    nb = copy.deepcopy(full[aid])
    cell = _cell(nb, "a2_relu")
    cell.source = cell.source.replace("def relu_prime(a):", "def relu_prime(a)")
    cell = _cell(nb, "a2_losses")
    cell.source = "raise ValueError('not finished')\n" + cell.source
    ok = [g for g in code_answers(src[aid]) if g not in ("a2_relu", "a2_losses")]
    out["broken"] = {aid: graded(nb, aid, ok)}

    aid = "a3_backprop_by_hand"  # wrong answer + test edited to pass; a test cell deleted
    nb = copy.deepcopy(full[aid])
    cell = _cell(nb, "a3_neuron_gradient")
    cell.source = cell.source.replace("return delta * x, delta", "return -delta * x, -delta")
    _cell(nb, "test_a3_neuron_gradient").source = "pass  # all good"
    nb.cells.remove(_cell(nb, "test_a3_hidden_grad_hand"))
    out["tamper"] = {aid: graded(nb, aid, code_answers(src[aid]), ["neuron_gradient"])}

    aid = "a4_backprop_gradcheck"  # numerical_gradient delegates to the reference library
    nb = copy.deepcopy(full[aid])
    cell = _cell(nb, "a4_numgrad")
    head, tail = cell.source.split("def relative_error", 1)
    cell.source = (
        "import ffnn\n\n\ndef numerical_gradient(f, theta, eps=1e-6):\n"
        "    return ffnn.gradcheck.numerical_gradient(lambda: f(theta), theta, eps)\n\n\n"
        "def relative_error" + tail
    )
    out["cheat"] = {aid: graded(nb, aid, code_answers(src[aid]), ["numerical_gradient"])}

    aid = "a5_optimizers"
    text = nbformat.writes(full[aid])
    out["corrupt"] = {aid: (text[: len(text) // 2], {"status": "corrupt", "auto_score": 0})}
    out["missing"] = {"a1_perceptron": (None, {"status": "missing", "auto_score": 0})}
    return out


def write(dest=HERE, root=ROOT):
    """Write the samples under ``dest``/submitted and their expectations."""
    sub = Path(dest) / "submitted"
    shutil.rmtree(sub, ignore_errors=True)
    expected = {}
    for student, per in samples(root).items():
        for aid, (nb, exp) in per.items():
            folder = sub / student / aid
            folder.mkdir(parents=True)
            if nb is None:
                nbformat.write(nbformat.v4.new_notebook(), folder / "Untitled.ipynb")
            elif isinstance(nb, str):
                (folder / f"{aid}.ipynb").write_text(nb)
            else:
                nbformat.write(nb, folder / f"{aid}.ipynb")
            expected.setdefault(student, {})[aid] = exp
    (Path(dest) / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return expected
