"""Notebook 04: output units and their losses, as functions of the output pre-activation a.

Lectures: 004 (Chen) "Cost Functions: Maximum Likelihood", "Learning Conditional Statistics",
"Output Units" (linear, sigmoid with the softplus loss, softmax); 000 (Rossi) "Error & output
functions"; 002 (Drchal) loss-function table. Every value comes from ffnn.losses.
"""

import numpy as np

from .. import activations, losses

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


def losses_figure(t=1.0, a0=None):
    """Loss and dl/da against the output pre-activation a, for each output/loss pair."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    for label, (a, value, delta) in curves(t).items():
        ax1.plot(a, value, label=label)
        ax2.plot(a, delta, label=label)
    if a0 is not None:
        for ax in (ax1, ax2):
            ax.axvline(a0, color="0.5", ls=":")
    ax1.set(title=f"loss at target t = {t:g}", xlabel="output pre-activation a", ylim=(0, 6))
    ax2.set(title="dl/da (what backprop starts from)", xlabel="a", ylim=(-2, 2))
    ax2.axhline(0, color="0.8", lw=0.8)
    ax1.legend(fontsize=7)
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
    import ipywidgets as W
    import matplotlib.pyplot as plt

    def show(a0, t):
        fig = losses_figure(t, a0)
        plt.show()  # inline backend: draws the figure into the widget's output
        for label, (y, value, delta) in delta_table(a0, t).items():
            print(f"{label:27s} y = {y:7.4f}   loss = {value:7.4f}   dl/da = {delta:+.4f}")
        return fig

    return W.interactive(
        show,
        a0=W.FloatSlider(value=-4.0, min=-6, max=6, step=0.1, description="a0"),
        t=W.FloatSlider(value=1.0, min=0, max=1, step=0.5, description="target t"),
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
