"""Instant, ungraded self-checks for the exercises inside the lecture notebooks.

In a notebook::

    from ffnn.selfcheck import check
    dJ_dw1 = ...            # the student's answer replaces the ...
    check("05.1", dJ_dw1)   # prints what is right or wrong, returns True / False / None

Each notebook ``NN`` has a module ``ffnn.selfcheck.nbNN`` that registers its exercises
with :func:`exercise`: a judge that raises ``AssertionError`` with a diagnosis (built
from :mod:`ffnn.grading`, so the messages are the assignments' own) and one typical
wrong answer with the words its diagnosis must contain (the tests try both). Widget
challenges register with :func:`challenge`: the model settings and a function that
returns the achieved value and whether it meets the goal.

A check never raises: an unfinished or broken answer prints a message, so the rest of
the notebook still runs.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ffnn.grading import carried, check_close

__all__ = ["challenge", "check", "check_close", "carried", "exercise", "exercises"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``judge(answer)`` raises AssertionError('what is wrong');
    ``wrong`` is a typical wrong answer and ``diagnosis`` words its message contains."""

    id: str
    title: str
    judge: Callable[[Any], None]
    wrong: Any
    diagnosis: str


@dataclass(frozen=True)
class Challenge:
    """A widget's quantitative goal: ``run(**settings)`` returns (value, met)."""

    id: str
    goal: str
    settings: dict
    run: Callable[..., tuple]


_EXERCISES: dict = {}
_CHALLENGES: dict = {}


def exercise(exercise_id, title, *, wrong, diagnosis):
    """Decorator registering ``judge`` as exercise ``exercise_id`` ("NN.k")."""

    def register(judge):
        _EXERCISES[exercise_id] = Exercise(exercise_id, title, judge, wrong, diagnosis)
        return judge

    return register


def challenge(challenge_id, goal, **settings):
    """Decorator registering ``run(**settings) -> (value, met)`` as challenge "NN.Ck"."""

    def register(run):
        _CHALLENGES[challenge_id] = Challenge(challenge_id, goal, settings, run)
        return run

    return register


def _load(notebook):
    if not (len(notebook) == 2 and notebook.isdigit()):
        raise ValueError(f"exercise ids look like '05.1' (notebook.number), got {notebook!r}")
    try:
        importlib.import_module(f"{__name__}.nb{notebook}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.nb{notebook}":
            raise
        raise ValueError(f"notebook {notebook} has no exercises") from None


def exercises(notebook):
    """The exercises and challenges of notebook ``notebook`` ("05"), in id order."""
    _load(notebook)
    mine = [e for k, e in _EXERCISES.items() if k.startswith(notebook + ".")]
    ours = [c for k, c in _CHALLENGES.items() if k.startswith(notebook + ".")]
    return sorted(mine, key=lambda e: e.id), sorted(ours, key=lambda c: c.id)


def _find(exercise_id):
    if not isinstance(exercise_id, str) or "." not in exercise_id:
        raise ValueError(f"exercise ids look like '05.1', got {exercise_id!r}")
    _load(exercise_id.split(".")[0])
    if exercise_id not in _EXERCISES:
        known = ", ".join(e.id for e in exercises(exercise_id.split(".")[0])[0])
        raise ValueError(f"no exercise {exercise_id!r}; this notebook has: {known}")
    return _EXERCISES[exercise_id]


def _stub(): ...


def _stub_with_docstring():
    """A docstring changes the bytecode (Python 3.11)."""
    ...


def _not_attempted(answer):
    """``...`` itself, or a function whose body is still just ``...``."""
    code = getattr(answer, "__code__", None)
    if answer is Ellipsis or code is None:
        return answer is Ellipsis
    stubs = (_stub.__code__.co_code, _stub_with_docstring.__code__.co_code)
    # same bytecode, and the only constants None and a docstring (so not `return 3`)
    return code.co_code in stubs and all(c is None or isinstance(c, str) for c in code.co_consts)


def verdict(exercise_id, answer):
    """(True|False|None, message) for ``answer``; None means not attempted yet."""
    ex = _find(exercise_id)
    if _not_attempted(answer):
        return None, f"Exercise {ex.id}: not attempted yet - replace the ... with your answer."
    try:
        ex.judge(answer)
    except AssertionError as err:
        return False, f"✗ Exercise {ex.id}: {err}"
    except Exception as err:  # the student's function crashed: say how, never raise
        return False, f"✗ Exercise {ex.id}: your answer raised {type(err).__name__}: {err}"
    return True, f"✓ Exercise {ex.id}: correct."


def check(exercise_id, answer):
    """Print whether ``answer`` solves exercise ``exercise_id`` and, if not, what is
    wrong; return True, False, or None (not attempted: ``answer`` is ``...``)."""
    ok, message = verdict(exercise_id, answer)
    print(message)
    return ok
