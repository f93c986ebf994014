"""Rules every module of ffnn.widgets keeps: no pyplot at import time, public names only."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import ffnn.widgets

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
