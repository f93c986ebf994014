"""ruff (configured in pyproject.toml) is part of the test command."""

import subprocess
import sys

from autograder import ROOT


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_check():
    r = _ruff("check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format():
    r = _ruff("format", "--check", ".")
    assert r.returncode == 0, "run `make format`:\n" + r.stdout + r.stderr
