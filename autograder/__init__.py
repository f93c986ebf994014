"""Grading side of the course: release (``python -m autograder.release``), grading
(``python -m autograder.grade``) and the sample submissions of the tests
(``autograder.samples``). See autograder/README.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def assignments(root=ROOT):
    """Assignment ids: folders of source/ holding a notebook of the same name."""
    notebooks = (Path(root) / "source").glob("*/*.ipynb")
    return sorted(p.parent.name for p in notebooks if p.stem == p.parent.name)


def nbgrader_command(*args):
    """argv and environment of an nbgrader command. The interpreter's bin/ goes
    first on PATH: nbgrader calls `alembic` by name."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return [sys.executable, "-m", "nbgrader", *args], env


def nbgrader(*args, root=ROOT, check=True, **kwargs):
    """Run an nbgrader command in the course root (where nbgrader_config.py is)."""
    cmd, env = nbgrader_command(*args)
    return subprocess.run(cmd, cwd=root, check=check, env=env, **kwargs)
