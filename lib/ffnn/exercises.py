"""Each student's own numbers for the assignments (source/, autograder/README.md).

An assignment's hand-computed questions and its hidden tests draw their numbers from
``student_rng(tag)``: a NumPy generator seeded by SHA-256 of (student id, tag). The
same id gives the same numbers in the student's JupyterLab and at grading, where the
grader fixes the id to the submission's folder name; two students get different
numbers, so copying a peer's answers earns nothing.

Where the id comes from, first match wins:

1. ``FFNN_STUDENT_ID`` (set by the grader in the sandbox),
2. ``JUPYTERHUB_USER`` (the JupyterHub user name),
3. ``use_student("...")``, the line a student fills in at the top of an assignment.

``grid`` draws well-conditioned hand-computable values (multiples of a step, never
zero); ``show`` displays a question's numbers. Like :mod:`ffnn.grading`, this module
imports nothing else from the library.
"""

import hashlib
import os
import re

import numpy as np

_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
_entered = None
_fixed = None  # set by the grader's own copy of this module: the submission's id


def _check(student):
    if not isinstance(student, str) or not _VALID.match(student.strip()):
        raise ValueError(
            f"expected your student id as a string of letters, digits and _.@+- "
            f"(at most 64 characters, the name your instructor's roster uses), "
            f"got {student!r}"
        )
    return student.strip()


def grade_as(student):
    """Fix the id for good: later ``use_student`` lines and environment variables no
    longer change it. The grader calls this on its own private copy of this module."""
    global _fixed
    _fixed = str(student)
    return _fixed


def use_student(student):
    """Remember the student id typed at the top of an assignment. Where the id is
    already known (at grading, on JupyterHub) that id is used and this line is
    ignored, so a blank entry is fine there."""
    global _entered
    if _known() is not None:
        return _known()
    _entered = _check(student)
    return _entered


def _known():
    if _fixed is not None:
        return _fixed
    for key in ("FFNN_STUDENT_ID", "JUPYTERHUB_USER"):
        if os.environ.get(key, "").strip():
            return os.environ[key].strip()
    return None


def student_id():
    """The id whose numbers this session uses (see the module docstring)."""
    known = _known() or _entered
    if known is None:
        raise RuntimeError(
            'no student id: fill in use_student("your id") in the first code cell of '
            "the assignment and run it"
        )
    return known


def seed(student, tag):
    """The integer seed of (student, tag): the first 8 bytes of SHA-256."""
    digest = hashlib.sha256(f"{student}\x00{tag}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def student_rng(tag):
    """``np.random.Generator`` for one question or test (``tag``, e.g. "a1/neuron")
    of the current student."""
    return np.random.default_rng(seed(student_id(), tag))


def grid(rng, low, high, step=0.25, size=None):
    """Nonzero multiples of ``step`` in [low, high], uniformly: values a student can
    multiply by hand without rounding."""
    k = np.arange(int(np.ceil(low / step)), int(np.floor(high / step)) + 1)
    k = k[k != 0]
    out = rng.choice(k, size=size) * float(step)
    return float(out) if size is None else out


class show:
    """A question's numbers, shown as the last line of the cell that draws them."""

    def __init__(self, **numbers):
        self.numbers = numbers

    @staticmethod
    def _fmt(v):
        a = np.asarray(v)
        if a.ndim == 0:
            return f"{float(a):g}" if a.dtype.kind == "f" else str(a.item())
        return np.array2string(a, separator=", ", formatter={"float_kind": "{:g}".format})

    def __repr__(self):
        return "\n".join(f"{k} = {self._fmt(v)}" for k, v in self.numbers.items())

    def _repr_markdown_(self):
        rows = "\n".join(
            f"| `{k}` | `{self._fmt(v).replace(chr(10), '')}` |" for k, v in self.numbers.items()
        )
        return f"Your numbers (student `{student_id()}`):\n\n| | |\n|---|---|\n{rows}\n"
