"""Notebook 04: output units and their losses, as functions of the output pre-activation a.

Lectures: 004 (Chen) "Cost Functions: Maximum Likelihood", "Learning Conditional Statistics",
"Output Units" (linear, sigmoid with the softplus loss, softmax); 000 (Rossi) "Error & output
functions"; 002 (Drchal) loss-function table. Every value comes from ffnn.losses.
"""

import numpy as np

from .. import activations, losses
from .controls import Widget, new_figure, slider

# (label, output activation, loss, half) for one output unit
PAIRS = (
    ("identity + squared error", "identity", "squared", True),
    ("sigmoid + cross-entropy", "sigmoid", "bce", True),
    ("sigmoid + squared error", "sigmoid", "squared", True),
    ("identity + absolute error", "identity", "absolute", True),
)


def loss_and_delta(a, t, output, loss, half=True):
    """Per-sample loss l(f(a), t) and its derivative dl/da for a grid of pre-activations a.

    dl/da = dl/dy f'(a): y - t for the matched pairs, (y - t) y (1 - y) for sigmoid +
    squared error (the slow one), sign(y - t) for the absolute error.
    """
    a = np.asarray(a, dtype=float).reshape(-1, 1)
    fn = activations.get(output)
    y = fn.f(a)
    T = np.full_like(y, float(t))
    value = np.array([losses.value(loss, y[i : i + 1], T[i : i + 1], "sum", half) for i in range(len(a))])  # noqa: E501  # fmt: skip
    delta = losses.gradient(loss, y, T, "sum", half) * fn.df(a)
    return value, delta.ravel()


def curves(t=1.0, a=None):
    """{label: (a, loss, dl/da)} for every pair of PAIRS at target t."""
    a = np.linspace(-6, 6, 241) if a is None else np.asarray(a, dtype=float)
    return {label: (a, *loss_and_delta(a, t, out, loss, half)) for label, out, loss, half in PAIRS}


class LossesView:
    """Loss and dl/da against the output pre-activation a, for each output/loss pair."""

    def __init__(self, fig):
        self.figure = fig
        self.ax1, self.ax2 = fig.subplots(1, 2)
        self.value_lines, self.delta_lines = {}, {}
        for label, *_ in PAIRS:
            (self.value_lines[label],) = self.ax1.plot([], [], label=label)
            (self.delta_lines[label],) = self.ax2.plot([], [], label=label)
        self.marks = [ax.axvline(0, color="0.5", ls=":") for ax in (self.ax1, self.ax2)]
        self.ax1.set(xlabel="output pre-activation a", xlim=(-6.6, 6.6), ylim=(0, 6))
        self.ax2.set(title="dl/da (what backprop starts from)", xlabel="a", xlim=(-6.6, 6.6),
                     ylim=(-2, 2))  # fmt: skip
        self.ax2.axhline(0, color="0.8", lw=0.8)
        self.ax2.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        self.curves = {}  # target t -> curves(t): three targets, each computed once
        self.dynamic = self.marks  # the curves change with t only: drawn with the background

    def background_key(self, t=1.0, **_):
        return t

    def update(self, t=1.0, a0=None):
        if t not in self.curves:
            self.curves[t] = curves(t)
        for label, (a, value, delta) in self.curves[t].items():
            self.value_lines[label].set_data(a, value)
            self.delta_lines[label].set_data(a, delta)
        for mark in self.marks:
            mark.set_visible(a0 is not None)
            if a0 is not None:
                mark.set_xdata([a0, a0])
        self.ax1.set_title(f"loss at target t = {t:g}")
        if a0 is None:
            return None
        return "\n".join(
            f"{label:27s} y = {y:7.4f}   loss = {value:7.4f}   dl/da = {delta:+.4f}"
            for label, (y, value, delta) in delta_table(a0, t).items()
        )


def losses_figure(t=1.0, a0=None):
    """Loss and dl/da against the output pre-activation a, for each output/loss pair."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(11, 3.4))
    view = LossesView(fig)
    view.update(t, a0)
    for mark in view.marks:
        if a0 is None:
            mark.remove()
    fig.tight_layout()
    return fig


def delta_table(a0, t):
    """{label: (y, loss, dl/da)} at one pre-activation a0."""
    return {
        label: (
            float(activations.get(out).f(a0)),
            *(v[0] for v in loss_and_delta([a0], t, out, loss, half)),
        )  # noqa: E501  # fmt: skip
        for label, out, loss, half in PAIRS
    }


def losses_ui():
    """Drag the pre-activation a0 and the target t; read each pair's y, loss and dl/da."""
    return Widget(
        LossesView(new_figure((11, 3.4))),
        {
            "a0": slider("a0", -4.0, -6.0, 6.0, 0.1),
            "t": slider("target t", 1.0, 0.0, 1.0, 0.5),
        },
        "Four output-unit and loss pairs: the loss (left) and its derivative dl/da (right) "
        "against the output pre-activation a, with a dotted line at a0",
    )


def fit_constant(y, loss):
    """The constant c minimising the mean loss over samples y (grid search, as a check)."""
    grid = np.linspace(np.min(y), np.max(y), 4001)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    if loss == "squared":
        values = ((grid[:, None] - Y) ** 2).mean(axis=1)
    elif loss == "absolute":
        values = np.abs(grid[:, None] - Y).mean(axis=1)
    else:
        raise ValueError(f"loss must be 'squared' or 'absolute', got {loss!r}")
    return float(grid[np.argmin(values)])
