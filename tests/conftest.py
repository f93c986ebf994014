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


def in_ci(environ=os.environ):
    """True under CI (CI=true, as .ci/run is run), where missing components are failures."""
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def require():
    """``require(component, available, how_to_install)``: skip the test when a component
    it needs is missing -- except under CI=true, where a skip would hide a failure, so the
    test fails and names the component."""

    def need(component, available, how):
        if available:
            return
        message = f"{component} is missing ({how})"
        if in_ci():
            pytest.fail(f"CI=true: {message}; .ci/run must install it", pytrace=False)
        pytest.skip(message)

    return need
