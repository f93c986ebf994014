"""Grade one submission: the student's code runs in the sandbox, the tests run here.

The trusted side of the design of PrairieLearn's Python autograder: the sandboxed
runner (autograder/runner.py) executes the student's cells and hands back plain data;
the test cells of ``source/`` (visible and hidden parts) are executed in *this*
process, where the student's names are looked up as data and the student's functions
are :class:`RemoteFunction` proxies whose calls cross the sandbox wall as data. So
expected values, hidden inputs' derivation and every comparison stay where no code of
the submission can reach, and nothing it does to its own interpreter changes a grade.

A cell that crashes the kernel or runs past its time limit counts as a failed cell:
the sandbox is restarted, the cells that had succeeded are replayed, and grading goes
on (at most ``MAX_RESTARTS`` times, within the submission's time limit).

Usage: ``python -m autograder.trusted SOURCE RELEASE SUBMITTED_DIR OUT_DIR [--unsafe]``
writes OUT_DIR/<assignment>.ipynb (the graded notebook, with the outputs that decide
the points) and OUT_DIR/result.json.
"""

import argparse
import ast
import builtins
import contextlib
import json
import sys
import time
import types
from pathlib import Path

from autograder import wire
from autograder.assemble import Node, assemble, is_test, read_notebook, write_notebook
from autograder.sandbox import Limits, SandboxError, Session

MAX_RESTARTS = 3
BUILTIN_ERRORS = {
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
}


class SubmissionError(Exception):
    """A call into the submission failed (its exception, a crash or a time limit)."""


class RemoteFunction:
    """A function of the submission: calling it runs it in the sandbox on copies of the
    arguments (plain data) and returns plain data."""

    def __init__(self, grader, name):
        self.grader, self.name, self.__name__ = grader, name, name

    def __call__(self, *args, **kwargs):
        return self.grader.call(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.name} of the submission>"


def _errname(name):
    """The exception's type name if it is a builtin one; the submission's own names
    (which it chooses freely) are not shown."""
    return name if isinstance(name, str) and name in BUILTIN_ERRORS else "an exception"


def loaded_names(code):
    """Names a test cell reads: identifiers and identifier-like string constants
    (``globals()[name]``)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.isidentifier():
                names.add(node.value)
    return names


def ffnn_users(codes):
    """Top-level functions of the student's cells that reach ``ffnn`` statically: a name
    bound by an ``ffnn`` import, the name ``ffnn``, a string mentioning it, or another
    such function. Parsed here (never executed), after IPython's magic translation."""
    from IPython.core.inputtransformer2 import TransformerManager

    tm = TransformerManager()
    tainted, calls = {"ffnn"}, {}
    for code in codes:
        try:
            tree = ast.parse(tm.transform_cell(code))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ffnn":
                tainted |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "ffnn":
                        tainted.add(a.asname or a.name.split(".")[0])
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                used = set()
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Name):
                        used.add(sub.id)
                    elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        if "ffnn" in sub.value:
                            used.add("ffnn")
                    elif isinstance(sub, ast.alias) and sub.name.split(".")[0] == "ffnn":
                        used.add("ffnn")
                calls[node.name] = used
    users, changed = set(), True
    while changed:
        changed = False
        for name, used in calls.items():
            if name not in users and used & (tainted | users):
                users.add(name)
                changed = True
    return users


class Grader:
    """The trusted half of grading one submission."""

    def __init__(self, limits, submission_dir, unsafe=False, student=None):
        self.limits, self.submission_dir, self.unsafe = limits, submission_dir, unsafe
        self.student = student
        self.deadline = time.monotonic() + limits.submission_timeout
        self.session, self.replay, self.restarts = None, [], 0
        self.events, self.static_users = [], set()
        self.guard, self.guard_hits = None, []
        self.gave_up = None

    # ---------------------------------------------------------------- the sandbox
    def _ensure(self):
        if self.session is not None:
            return
        if self.gave_up:
            raise SubmissionError(self.gave_up)
        while True:
            if time.monotonic() > self.deadline:
                self.gave_up = self._out_of_time()
                raise SubmissionError(self.gave_up)
            try:
                self.session = Session(
                    self.limits, self.submission_dir, unsafe=self.unsafe, student=self.student
                )
                for code in self.replay:
                    self.session.request({"op": "run", "code": code}, timeout=self._timeout())
                return
            except SandboxError as err:
                self._lost(err, "while re-running the earlier cells")

    def _lost(self, err, where):
        """The kernel died or hung: note it, kill everything, allow a restart."""
        if self.session is not None:
            self.session.close()
            self.session = None
        self.events.append(f"{err} {where}")
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            self.gave_up = f"the kernel failed {self.restarts} times; later cells were not run"
            raise SubmissionError(self.gave_up) from None

    def _out_of_time(self):
        return f"the submission's time limit ({self.limits.submission_timeout:g} s) ran out"

    def _timeout(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.gave_up = self._out_of_time()
            raise SubmissionError(self.gave_up)
        return min(self.limits.cell_timeout, left)

    def _request(self, message, what, on_callback=None):
        self._ensure()
        try:
            return self.session.request(message, timeout=self._timeout(), on_callback=on_callback)
        except SandboxError as err:
            limit = f"{self.limits.cell_timeout:g} s"
            reason = {
                "timeout": f"ran past the {limit} time limit and was stopped",
                "died": f"crashed: {err}",
                "protocol": f"broke the grader's protocol ({err})",
            }[err.kind]
            self._lost(err, f"in {what}")
            raise SubmissionError(f"{what} {reason}") from None

    # ---------------------------------------------------------------- operations
    def run_student(self, code):
        """Run one of the student's cells; returns None or a short error text."""
        try:
            reply = self._request({"op": "run", "code": code}, "this cell")
        except SubmissionError as err:
            return str(err)
        if reply.get("ok") is True:
            self.replay.append(code)
            return None
        return f"this cell raised {_errname(reply.get('error'))}"

    def fetch(self, names):
        reply = self._request({"op": "get", "names": sorted(names)}, "looking up your answers")
        values = reply.get("values")
        if not isinstance(values, dict):
            raise SubmissionError("the kernel sent a malformed answer")
        out = {}
        for name in names:
            tag = values.get(name)
            if not isinstance(tag, dict) or tag.get("t") == "missing":
                continue
            if tag.get("t") == "function":
                out[name] = RemoteFunction(self, name)
            else:
                try:
                    out[name] = wire.decode(tag)
                except wire.WireError:
                    out[name] = wire.Opaque("malformed value")
        return out

    def call(self, fn, args, kwargs):
        callbacks = []

        def tag_callable(obj):
            if isinstance(obj, RemoteFunction):
                return {"t": "ref", "name": obj.name}
            callbacks.append(obj)
            return {"t": "callback", "id": len(callbacks) - 1}

        def on_callback(msg):
            try:
                f = callbacks[int(msg["id"])]
                a = [wire.decode(x) for x in msg.get("args", [])]
                kw = {str(k): wire.decode(v) for k, v in dict(msg.get("kwargs", {})).items()}
                return {"ok": True, "value": wire.encode(f(*a, **kw))}
            except Exception:  # noqa: BLE001 - bad arguments from the submission
                return {"ok": False}

        message = {
            "op": "call",
            "name": fn.name,
            "args": [wire.encode(a, tag_callable) for a in args],
            "kwargs": {k: wire.encode(v, tag_callable) for k, v in kwargs.items()},
            "guard": self.guard is not None,
        }
        reply = self._request(message, f"calling {fn.name}", on_callback)
        if reply.get("ok") is not True:
            raise SubmissionError(f"{fn.name} raised {_errname(reply.get('error'))}")
        if self.guard is not None and reply.get("ffnn") is not False:
            self.guard_hits.append(fn.name)
        after = reply.get("args")
        for original, tag in zip(args, after if isinstance(after, list) else [], strict=False):
            _copy_back(original, tag)
        try:
            return wire.decode(reply.get("value"))
        except wire.WireError as err:
            raise SubmissionError(f"{fn.name} returned something unreadable ({err})") from None

    def uses_ffnn(self, fn):
        if fn.name in self.static_users:
            return True
        reply = self._request({"op": "own", "name": fn.name}, f"inspecting {fn.name}")
        return reply.get("uses_ffnn") is not False

    # ---------------------------------------------------------------- tests
    def grading_module(self):
        """What ``from ffnn.grading import ...`` gives a test cell here: the library's
        ``check_close``, and ``assert_own`` / ``forbid_ffnn`` that work across the wall."""
        real = _library_grading()
        mod = types.ModuleType("ffnn.grading")
        mod.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
        grader = self

        def assert_own(fn, name=None):
            if not isinstance(fn, RemoteFunction):
                return real.assert_own(fn, name)
            name = name or fn.name
            assert not grader.uses_ffnn(fn), (
                f"{name} calls the reference library ffnn: implement it yourself with numpy "
                "(no points for this part)"
            )

        @contextlib.contextmanager
        def forbid_ffnn(name="the code under test"):
            grader.guard, grader.guard_hits = name, []
            try:
                yield
            finally:
                hits, grader.guard, grader.guard_hits = grader.guard_hits, None, []
            assert not hits, (
                f"{name} called the reference library ffnn ({hits[0]}): implement it "
                "yourself with numpy (no points for this part)"
            )

        mod.assert_own, mod.forbid_ffnn = assert_own, forbid_ffnn
        return mod

    def run_test(self, code, base):
        """Execute one test cell here; None when it passes, else the failure message."""
        ns = dict(base)
        try:
            wanted = {n for n in loaded_names(code) if n not in ns and not hasattr(builtins, n)}
            ns.update(self.fetch(wanted))
            exec(compile(code, "<test>", "exec"), ns)  # noqa: S102 - the instructor's test
        except AssertionError as err:
            return str(err)[:2000] or "a test failed"
        except SubmissionError as err:
            return str(err)
        except Exception as err:  # noqa: BLE001 - any failure of the test costs its points
            return f"{type(err).__name__}: {str(err)[:500]}"
        return None


def _library_module(name):
    """ffnn/<name>.py loaded on its own: grading and exercises need none of the rest
    of the library, whose import (Numba) would cost every grading process half a
    second. A private copy: nothing the submission does can reach it."""
    import importlib.util

    path = Path(importlib.util.find_spec("ffnn").origin).parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_ffnn_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _library_grading():
    return _library_module("grading")


def exercises_module(student):
    """What ``from ffnn.exercises import ...`` gives the tests: the numbers of
    ``student`` (the submission's folder name), whatever the kernel claims."""
    module = _library_module("exercises")
    if student:
        module.grade_as(student)
    return module


def _copy_back(original, tag):
    """An array argument changed in place by the student's function is changed here too
    (tests check that inputs are, or are not, modified)."""
    import numpy as np

    if not isinstance(original, np.ndarray) or not isinstance(tag, dict):
        return
    try:
        after = wire.decode(tag)
    except wire.WireError:
        return
    if isinstance(after, np.ndarray) and after.shape == original.shape:
        np.copyto(original, after, casting="unsafe")


def is_numbers(cell):
    """A read-only cell of the source (nbgrader ``locked``, neither answer nor test):
    it draws a question's numbers, and runs both in the kernel and here."""
    m = cell.metadata.get("nbgrader", {})
    return (
        cell.cell_type == "code"
        and m.get("locked")
        and not m.get("solution")
        and (not m.get("grade"))
    )


def _trusted_base(source, grading, exercises):
    """The namespace every test starts from: builtins whose ``import ffnn.grading``
    gives the cross-wall helpers and ``import ffnn.exercises`` the submission's own
    numbers, then the source notebook's import cells and read-only cells."""
    real_import = builtins.__import__
    private = {"ffnn.grading": grading, "ffnn.exercises": exercises}

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name in private and fromlist:
            return private[name]
        return real_import(name, globals, locals, fromlist, level)

    trusted_builtins = dict(vars(builtins))
    trusted_builtins["__import__"] = guarded_import
    base = {"__builtins__": trusted_builtins, "__name__": "__test__"}
    for cell in source.cells:
        if is_numbers(cell):
            exec(compile(cell.source, "<numbers>", "exec"), base)  # noqa: S102
        elif cell.cell_type == "code" and not cell.metadata.get("nbgrader"):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            if tree.body and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body):
                exec(compile(tree, "<setup>", "exec"), base)  # noqa: S102
    return base


def _error_output(ename, text):
    return Node(output_type="error", ename=ename, evalue=text, traceback=[f"{ename}: {text}"])


def grade(source, release, submitted, submission_dir, limits, unsafe=False, student=None):
    """The graded notebook (outputs decide the points) and a result summary; the
    numbers are ``student``'s (ffnn/exercises.py)."""
    built = assemble(source, release, submitted)
    nb = built.notebook
    grader = Grader(limits, submission_dir, unsafe=unsafe, student=student)
    student_cells = [c for c in nb.cells if c.cell_type == "code" and not is_test(c)]
    grader.static_users = ffnn_users([c.source for c in student_cells])
    base = _trusted_base(source, grader.grading_module(), exercises_module(student))
    tests, started = {}, time.monotonic()
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.execution_count = None
            if is_test(cell):
                failure = grader.run_test(cell.source, base)
                gid = cell.metadata["nbgrader"]["grade_id"]
                tests[gid] = failure
                cell.outputs = [] if failure is None else [_error_output("AssertionError", failure)]
            elif cell.source.strip():
                problem = grader.run_student(cell.source)
                cell.outputs = [] if problem is None else [_error_output("Error", problem)]
    finally:
        if grader.session is not None:
            grader.session.close()
    status = "error" if grader.events or grader.gave_up else "ok"
    result = {
        "status": status,
        "notes": built.notes + grader.events + ([grader.gave_up] if grader.gave_up else []),
        "tests": tests,
        "seconds": round(time.monotonic() - started, 3),
        "restarts": grader.restarts,
    }
    return nb, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("release")
    parser.add_argument("submitted_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--root", default=".", help="course root (nbgrader_config.py)")
    parser.add_argument("--unsafe", action="store_true")
    parser.add_argument("--cell-timeout", type=float, help="overrides Execute.timeout")
    parser.add_argument("--limits", help="all limits as JSON (instead of the course config)")
    parser.add_argument("--assignment", help="assignment id (default: the source's file name)")
    parser.add_argument("--student", help="student id: whose numbers (default: the folder name)")
    opts = parser.parse_args(argv)
    source = read_notebook(opts.source)
    release = read_notebook(opts.release)
    aid = opts.assignment or Path(opts.source).stem
    path = Path(opts.submitted_dir) / f"{aid}.ipynb"
    submitted = json.loads(path.read_text(errors="replace"))
    limits = Limits(**json.loads(opts.limits)) if opts.limits else Limits.from_config(opts.root)
    if opts.cell_timeout:
        limits.cell_timeout = opts.cell_timeout
    student = opts.student or Path(opts.submitted_dir).resolve().parent.name
    nb, result = grade(source, release, submitted, opts.submitted_dir, limits, opts.unsafe, student)
    out = Path(opts.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_notebook(nb, out / f"{aid}.ipynb")
    (out / "result.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
