import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]


def make_course(dest, env=None, students=None):
    from autograder.samples import course_copy

    return course_copy(dest, students=students, env=env)
