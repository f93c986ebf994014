"""pytest set-up shared by every test: figures render off-screen and are closed after
each test. The project root is ``autograder.ROOT``; a copy of the course for grading tests is
``autograder.samples.course_copy``."""

import os
import sys

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test opened is closed after it (only if pyplot was imported)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
