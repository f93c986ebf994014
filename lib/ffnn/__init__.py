"""ffnn: the reference library of the feed-forward neural networks course.

One module per lecture concept (the lecture notes: course/SYLLABUS.md):
activations, losses, init, perceptron, network, optim, gradcheck, datasets,
train, metrics, reference, widgets. Kernels are Numba ``@njit(cache=True)`` functions that
sit next to the small Python API around them.

Conventions: float64, row-vector data ``X`` of shape (n_samples, n_features),
a layer computes ``A = X @ W + b`` with ``W`` of shape (n_in, n_out), so
``W[i, j]`` is the weight from unit i of the layer below to unit j of the layer
above and ``a_j = sum_i W[i, j] x_i + b_j`` is column ``j`` of that product. How each
set of lecture notes indexes that weight: course/SYLLABUS.md, "Weight indices".
"""

import os as _os
import tempfile as _tempfile


def numba_cache_dir(package_dir, environ):
    """Where Numba should cache compiled kernels: None (next to the sources, Numba's
    default) when ``package_dir`` is writable, else ~/.cache/ffnn-numba (or a temp dir)."""
    if "NUMBA_CACHE_DIR" in environ or _os.access(package_dir, _os.W_OK):
        return None
    base = environ.get("XDG_CACHE_HOME") or _os.path.join(_os.path.expanduser("~"), ".cache")
    target = _os.path.join(base, "ffnn-numba")
    try:
        _os.makedirs(target, exist_ok=True)
    except OSError:
        target = _os.path.join(_tempfile.gettempdir(), "ffnn-numba")
        _os.makedirs(target, exist_ok=True)
    return target


def _ensure_writable_numba_cache() -> None:
    target = numba_cache_dir(_os.path.dirname(_os.path.abspath(__file__)), _os.environ)
    if target is not None:
        _os.environ["NUMBA_CACHE_DIR"] = target


_ensure_writable_numba_cache()

__version__ = "0.1.0"
__all__ = [
    "MLP",
    "activations",
    "datasets",
    "figures",
    "gradcheck",
    "init",
    "losses",
    "metrics",
    "network",
    "optim",
    "perceptron",
    "reference",
    "train",
]


def __getattr__(name):
    """Submodules load on first use (PEP 562): ``import ffnn.exercises`` in a
    grading sandbox should not pay for Numba."""
    import importlib

    if name == "MLP":
        return importlib.import_module(".network", __name__).MLP
    if name in __all__:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ffnn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _figures_with_alt_text():
    """Inside IPython, inline matplotlib figures carry their alt text (ffnn.figures)."""
    import sys

    if "IPython" in sys.modules:
        from . import figures

        figures.install()


_figures_with_alt_text()
