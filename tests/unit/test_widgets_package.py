"""Rules every module of ffnn.widgets keeps: no pyplot at import time, public names only."""

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import ffnn.widgets
import numpy as np
import pytest
from ffnn.widgets.slider import Slider

WIDGETS = Path(ffnn.widgets.__file__).parent
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(ffnn.widgets.__path__, prefix="ffnn.widgets.")
)


def test_every_module_is_found():
    for name in ("descent", "evaluation", "playground.model", "playground.ui", "playground.view"):
        assert f"ffnn.widgets.{name}" in MODULES


def test_importing_the_widgets_does_not_import_pyplot():
    # a fresh interpreter: pyplot picks a backend and registers figures when it is imported,
    # which a module must leave to the notebook (or to its own drawing functions)
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'matplotlib.pyplot' not in sys.modules, name\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def private_reads(tree):
    """`obj._name` where obj is not self/cls (dunders such as __file__ allowed)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            yield f"line {node.lineno}: .{node.attr}"


def test_widgets_read_no_private_attribute_of_another_object():
    found = {}
    for path in sorted(WIDGETS.rglob("*.py")):
        reads = list(private_reads(ast.parse(path.read_text())))
        if reads:
            found[str(path.relative_to(WIDGETS))] = reads
    assert not found, found


# ---------------------------------------------------------------- every lecture widget


# Builds each notebook widget as the notebooks call it; a string, so that a fresh interpreter
# can run it without importing this module (whose walk_packages imports the playground)
LECTURE_UIS = """
import ffnn
from ffnn.widgets import activations, approximation, backprop, descent, initialization
from ffnn.widgets import neuron, outputs, regularization

X, t = ffnn.datasets.separable(n=30, seed=0)
UIS = {
    "01 neuron_ui": neuron.neuron_ui,
    "01 perceptron_ui": lambda: neuron.perceptron_ui(X, t),
    "02 activation_ui": activations.activation_ui,
    "03 bishop_ui": approximation.bishop_ui,
    "04 losses_ui": outputs.losses_ui,
    "05 backprop_ui": backprop.backprop_ui,
    "06 descent_ui": lambda: descent.descent_ui(surface="ravine", optimizer="momentum"),
    "07 descent_ui": lambda: descent.descent_ui(surface="ravine", optimizer="adam"),
    "08 init_ui": initialization.init_ui,
    "09 regularization_ui": lambda: regularization.regularization_ui(epochs=200),
}
"""


def lecture_uis():
    """name -> a function building that notebook widget."""
    scope = {}
    exec(LECTURE_UIS, scope)
    return scope["UIS"]


def test_every_widget_is_labelled_described_and_in_reading_order(monkeypatch):
    monkeypatch.delenv("FFNN_STATIC_WIDGETS", raising=False)
    import ipywidgets as W

    for name, make in lecture_uis().items():
        ui = make()
        controls = list(ui.controls.values())
        for control in controls:  # a visible label that says what it sets
            assert control.description.strip()
            # ipywidgets' labels are not cut short; a Slider's <label> sizes itself (slider.py)
            assert isinstance(control, Slider) or control.style.description_width == "initial"
        # Tab order is DOM order: the controls first, in the order of the call, then the figure
        assert ui.box.children == (*controls, ui.image, ui.output), name
        assert isinstance(ui.image, W.Image) and bytes(ui.image.value[:4]) == b"\x89PNG", name
        assert ui.image.tooltip == ui.alt and ui.alt.startswith(ui.summary), name
        assert len(ui.alt) > len(ui.summary) + 10  # and then what the figure shows now
        # the <img>'s title needs a description in the model (see controls.alt_image)
        assert ui.image.get_state()["description"] == "", name


def test_static_mode_shows_a_picture_and_creates_no_widget_model():
    code = LECTURE_UIS + (
        "import sys\n"
        "from ffnn.figures import alts_in_html\n"
        "from ffnn.widgets.controls import STATIC_NOTE\n"
        "for name, make in UIS.items():\n"
        "    ui = make()\n"
        "    bundle = ui.mimebundle()\n"
        "    alts = alts_in_html(bundle['text/html'])\n"
        "    assert len(alts) == 1 and alts[0].startswith(ui.summary), name\n"
        "    assert 'data:image/png;base64,' in bundle['text/html'], name\n"
        "    assert STATIC_NOTE in bundle['text/html'] and bundle['text/plain'] == STATIC_NOTE\n"
        "    assert not hasattr(ui, 'controls') and not hasattr(ui, 'box'), name\n"
        "assert 'ipywidgets' not in sys.modules, 'a static widget imported ipywidgets'\n"
        "print('ok')\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg", "FFNN_STATIC_WIDGETS": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr


def test_static_mode_is_displayed_by_ipython_as_html(monkeypatch):
    from ffnn.widgets import controls, outputs
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("FFNN_STATIC_WIDGETS", "1")
    ui = outputs.losses_ui()
    shell = InteractiveShell.instance()
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))
    shell.display_formatter.format(ui)  # IPython calls _ipython_display_
    assert len(shown) == 1 and set(shown[0]) == {"text/html", "text/plain"}
    assert "<pre>" in shown[0]["text/html"]  # the printed table is part of the picture
    assert controls.STATIC_NOTE in shown[0]["text/html"]


@pytest.mark.parametrize(
    ("value", "static"), [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)]
)
def test_the_static_switch(value, static):
    from ffnn.widgets.controls import static_mode

    assert static_mode({"FFNN_STATIC_WIDGETS": value}) is static
    assert static_mode({}) is False


def test_prefetch_only_in_a_notebook_session_unless_told():
    from ffnn.widgets.controls import prefetch_enabled

    assert not prefetch_enabled({})  # headless (nbclient, the site build)
    assert prefetch_enabled({"JPY_SESSION_NAME": "course/08.ipynb"})  # JupyterLab
    assert not prefetch_enabled({"JPY_SESSION_NAME": "x", "FFNN_WIDGET_PREFETCH": "0"})
    assert prefetch_enabled({"FFNN_WIDGET_PREFETCH": "1"})


# ---------------------------------------------------------------- the shared pieces


def test_results_are_computed_once_and_ahead_in_order():
    import threading

    from ffnn.widgets.controls import Results

    calls, gate = [], threading.Event()

    def compute(key):
        calls.append(key)
        if key == "slow":
            gate.wait(10)
        return key * 2 if isinstance(key, int) else key

    results = Results(compute)
    assert results.get(3) == 6 and results.get(3) == 6 and calls == [3]
    results.ahead([4, 3, 5, 6])  # 3 is there already
    results.wait(10)
    assert calls == [3, 4, 5, 6] and results.computed == 4
    results.ahead(["slow", 7])
    while "slow" not in calls:
        threading.Event().wait(0.01)
    gate.set()
    assert results.get("slow") == "slow"  # waited for the background thread, not computed twice
    results.wait(10)
    assert calls.count("slow") == 1 and 7 in results


def test_results_raise_the_error_and_then_try_again():
    from ffnn.widgets.controls import Results

    attempts = []

    def compute(key):
        attempts.append(key)
        if len(attempts) == 1:
            raise ValueError("first time")
        return key

    results = Results(compute)
    with pytest.raises(ValueError, match="first time"):
        results.get(1)
    assert results.get(1) == 1 and attempts == [1, 1]


def test_a_background_error_is_left_for_get_and_the_others_still_computed():
    from ffnn.widgets.controls import Results

    attempts = []

    def compute(key):
        attempts.append(key)
        if attempts.count(key) == 1 and key == 2:
            raise ValueError("first time")
        return key

    results = Results(compute)
    results.QUIET = 0.0
    results.ahead([2, 3])
    results.wait(10)
    assert 3 in results and 2 not in results and not results.running  # nobody would wait
    assert results.get(2) == 2 and attempts == [2, 3, 2]


def test_grids_and_keys():
    from ffnn.widgets.controls import log_grid, nearest_first, snap

    grid = log_grid(1e-3, 10.0, 0.1)
    assert len(grid) == 41 and grid[20] == pytest.approx(0.1)
    assert snap(0.012589254117941675, grid) == grid[11]  # the browser's 10**x
    assert snap(0.0126, grid) == 0.0126  # not a grid value: kept
    assert nearest_first([1, 2, 3, 4, 5], 2) == [3, 1, 4, 5]
    assert nearest_first(log_grid(1e-2, 1.0, 1.0), 0.1) == [1.0, 0.01]


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (1e-3, 100.0, [1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0]),  # decades
        (1e-17, 1.0, [1e-15, 1e-12, 1e-9, 1e-6, 1e-3, 1.0]),  # every third, from the top
        (0.03, 0.6, [0.05, 0.1, 0.2, 0.5]),  # 1-2-5
        (0.44, 0.75, [0.5, 0.6, 0.7]),  # 1...9
    ],
)
def test_log_ticks(lo, hi, expected):
    from ffnn.widgets.controls import log_ticks

    np.testing.assert_allclose(log_ticks(lo, hi), expected)
    with pytest.raises(ValueError, match="0 < lo < hi"):
        log_ticks(hi, lo)


def test_a_control_needs_a_label():
    from ffnn.widgets.controls import Control

    with pytest.raises(ValueError, match="visible label"):
        Control("FloatSlider", 0.0, " ")


def test_live_figure_redraws_the_background_only_when_limits_or_key_change():
    from ffnn.widgets.controls import LiveFigure, new_figure

    fig = new_figure((3, 2))
    ax = fig.add_subplot()
    (static,) = ax.plot([0, 1], [0, 1])
    (moving,) = ax.plot([0], [0], "o")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    live = LiveFigure(fig)
    first = live.png(dynamic=[moving])
    moving.set_data([0.5], [0.5])
    second = live.png(dynamic=[moving])
    assert live.full_draws == 1 and first != second and second.startswith(b"\x89PNG")
    assert moving.get_animated() and not static.get_animated()
    live.png(key="other", dynamic=[moving])
    ax.set_xlim(0, 2)
    live.png(key="other", dynamic=[moving])
    assert live.full_draws == 3
