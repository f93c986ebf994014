"""Helpers for the assignments' tests (source/, see autograder/README.md).

* :func:`assert_own` / :func:`uses_ffnn` - a student function must not reach into
  this library: walks the function's code (names, nested code, string constants),
  globals, closures and defaults recursively, and flags anything whose module or
  name starts with ``ffnn``.
* :func:`forbid_ffnn` - the same rule at run time: a context manager that fails
  if any Python frame of the library runs inside it.
* :func:`check_close` - compares an answer with the expected value and, when it is
  wrong, says how: the test's own list of likely slips (mean vs sum, a missing f',
  a missing 1/n, ...), wrong sign, a factor of 2 (the 1/2 convention), transposed
  shape, wrong shape, NaN.
* :func:`carried` - carried-forward credit: a later answer is checked against the
  student's own earlier answer when that one is usable.

Nothing here imports the rest of the library, so the tests do not depend on it.
"""

import contextlib
import functools
import os
import sys
import types

import numpy as np

_FFNN_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_ffnn_name(name):
    return isinstance(name, str) and (name == "ffnn" or name.startswith("ffnn."))


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def uses_ffnn(obj, _seen=None):
    """True when ``obj`` (a function, method, partial, class or value) refers to
    ``ffnn`` directly or through anything it calls that is reachable statically."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    if isinstance(obj, types.ModuleType):
        return _is_ffnn_name(obj.__name__)
    if _is_ffnn_name(getattr(obj, "__module__", None)):
        return True
    if isinstance(obj, (types.MethodType, staticmethod, classmethod)):
        return uses_ffnn(obj.__func__, seen)
    if hasattr(obj, "py_func"):  # a Numba dispatcher: judge the Python function it compiles
        return uses_ffnn(obj.py_func, seen)
    if isinstance(obj, functools.partial):
        parts = [obj.func, *obj.args, *obj.keywords.values()]
        return any(uses_ffnn(p, seen) for p in parts)
    if isinstance(obj, type):
        members = vars(obj).values()
        return any(uses_ffnn(v, seen) for v in members if callable(v) or isinstance(v, classmethod))
    code = getattr(obj, "__code__", None)
    if not isinstance(code, types.CodeType):
        return False
    g = getattr(obj, "__globals__", {})
    for co in _code_objects(code):
        if any(_is_ffnn_name(n) for n in co.co_names):
            return True
        if any(isinstance(c, str) and "ffnn" in c for c in co.co_consts):
            return True
        if any(n in g and uses_ffnn(g[n], seen) for n in co.co_names):
            return True
    closure = getattr(obj, "__closure__", None) or ()
    cells = [c.cell_contents for c in closure if _cell_filled(c)]
    kwdefaults = getattr(obj, "__kwdefaults__", None) or {}
    defaults = list(getattr(obj, "__defaults__", None) or ()) + list(kwdefaults.values())
    return any(uses_ffnn(v, seen) for v in cells + defaults)


def _cell_filled(cell):
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def assert_own(fn, name=None):
    """AssertionError (so the test, and its points, fail) when ``fn`` uses ``ffnn``."""
    name = name or getattr(fn, "__name__", "this function")
    assert callable(fn), f"{name} is not a function"
    assert not uses_ffnn(fn), (
        f"{name} calls the reference library ffnn: implement it yourself with numpy "
        "(no points for this part)"
    )


@contextlib.contextmanager
def forbid_ffnn(name="the code under test"):
    """Fail at exit if any function of the ``ffnn`` library (other than this module)
    ran inside the ``with`` block."""
    hits = []

    def profile(frame, event, arg):
        path = frame.f_code.co_filename
        if event == "call" and path.startswith(_FFNN_DIR) and path != __file__:
            hits.append(frame.f_code.co_name)

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(old)
    assert not hits, (
        f"{name} called the reference library ffnn ({hits[0]}): implement it yourself "
        "with numpy (no points for this part)"
    )


def _close(a, b, atol, rtol):
    return a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=rtol)


def carried(own, correct, slips=None, atol=5e-4):
    """Carried-forward credit: the value a later step is graded on. ``own`` (the
    student's earlier answer) is used when it is finite, has the shape of ``correct``
    and - if ``slips`` (the earlier step's diagnosed mistakes, a dict or list of values)
    is given - is the correct value or one of those slips; otherwise ``correct``.
    Pass ``slips`` whenever the later step uses nothing but the earlier answer (h =
    sigma(a)): without it a chain copied from a peer would earn every later step."""
    correct = np.asarray(correct, dtype=float)
    try:
        value = np.asarray(own, dtype=float)
    except (TypeError, ValueError):
        return correct
    if value.shape != correct.shape or not np.all(np.isfinite(value)):
        return correct
    if slips is None:
        return value
    allowed = [correct, *(slips.values() if isinstance(slips, dict) else slips)]
    ok = any(_close(value, np.asarray(c, dtype=float), atol, 0.0) for c in allowed)
    return value if ok else correct


def check_close(name, got, expected, atol=1e-4, rtol=0.0, show_expected=False, slips=None):
    """Assert ``got`` matches ``expected`` within ``atol + rtol*|expected|``; on
    failure the message diagnoses the usual mistakes without giving the answer away
    (unless ``show_expected``). ``slips`` maps a diagnosis ("the 1/n is missing") to
    the value that mistake gives; the first one that matches is reported."""
    expected = np.asarray(expected, dtype=float)
    assert got is not None, f"{name} is None: did you forget to return (or assign) it?"
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{name} should be a number or array, got {type(got).__name__}"
        ) from None
    hint = f" (expected {np.round(expected, 6).tolist()})" if show_expected else ""
    if g.shape != expected.shape:
        if g.ndim == 2 and g.T.shape == expected.shape:
            raise AssertionError(
                f"{name} has shape {g.shape}, expected {expected.shape}: transposed?"
            )
        raise AssertionError(f"{name} has shape {g.shape}, expected {expected.shape}")
    if not np.all(np.isfinite(g)):
        raise AssertionError(f"{name} contains NaN or inf{hint}")
    if _close(g, expected, atol, rtol):
        return
    for what, candidate in (slips or {}).items():
        c = np.asarray(candidate, dtype=float)
        if not _close(c, expected, atol, rtol) and _close(g, c, atol, rtol):
            raise AssertionError(f"{name} is wrong: {what}{hint}")
    diagnoses = [
        (-expected, "has the wrong sign"),
        (2 * expected, "is twice the expected value: check the 1/2 convention"),
        (expected / 2, "is half the expected value: check the 1/2 convention"),
    ]
    for candidate, what in diagnoses:
        if np.any(expected != 0) and _close(g, candidate, atol, rtol):
            raise AssertionError(f"{name} {what}{hint}")
    # g has the expected shape, so g.T can match it only when g is square
    if g.ndim == 2 and _close(g.T, expected, atol, rtol):
        raise AssertionError(f"{name} is the transpose of the expected matrix{hint}")
    err = float(np.max(np.abs(g - expected)))
    tol = f"{atol:g}" if not rtol else f"{atol:g} + {rtol:g}*|expected|"
    raise AssertionError(f"{name} is wrong (largest error {err:.3g}, tolerance {tol}){hint}")
