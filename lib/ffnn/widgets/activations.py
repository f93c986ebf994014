"""Notebook 02: activation functions f(a) and their derivatives f'(a).

Lectures: 000 (Rossi) "Activation function" ... "Exponential Linear: ELU"; 003 (Cheng)
table of activations and derivatives; 001 activation functions. The curves come from
ffnn.activations, so what is drawn is what the network kernels compute.
"""

import numpy as np

from .. import activations

ELEMENTWISE = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu")


def curves(name, alpha=None, a=None):
    """(a, f(a), f'(a)) on a grid (default [-5, 5]) for an elementwise activation."""
    a = np.linspace(-5, 5, 401) if a is None else np.asarray(a, dtype=float)
    fn = activations.get(name, alpha)
    return a, fn.f(a), fn.df(a)


def saturation(name, alpha=None, threshold=0.05):
    """Fraction of [-5, 5] where |f'(a)| < threshold: where the unit barely passes gradient."""
    _, _, df = curves(name, alpha)
    return float(np.mean(np.abs(df) < threshold))


def activation_figure(name="sigmoid", alpha=None, a0=None):
    """f and f' side by side; with a0, the point (a0, f(a0)) and the tangent there."""
    import matplotlib.pyplot as plt

    a, f, df = curves(name, alpha)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
    ax1.plot(a, f, "C0", lw=2)
    ax2.plot(a, df, "C1", lw=2)
    if a0 is not None:
        fn = activations.get(name, alpha)
        f0, d0 = float(fn.f(a0)), float(fn.df(a0))
        ax1.plot(a, f0 + d0 * (a - a0), "C3--", lw=1)
        ax1.plot(a0, f0, "C3o")
        ax2.plot(a0, d0, "C3o")
        ax2.set_title(f"f'(a) = {d0:.4f} at a = {a0:.2f}")
    ax1.set(title=f"{name}: h = f(a)", xlabel="a", ylim=(min(-1.2, f.min()), max(1.2, f.max())))
    ax2.set(xlabel="a", ylim=(-0.1, max(1.1, df.max() * 1.1)))
    for ax in (ax1, ax2):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
    fig.tight_layout()
    return fig


def activation_ui():
    """Pick a function, its alpha and a point a0; see f, f' and the tangent."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    def show(name, alpha, a0):
        uses_alpha = name in ("leaky_relu", "elu")
        fig = activation_figure(name, alpha if uses_alpha else None, a0)
        plt.show()  # inline backend: draws the figure into the widget's output
        return fig

    return W.interactive(
        show,
        name=W.Dropdown(options=ELEMENTWISE, value="sigmoid", description="f"),
        alpha=W.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.01, description="alpha"),
        a0=W.FloatSlider(value=0.0, min=-5, max=5, step=0.1, description="a0"),
    )


def chained_derivative(name, depth, a=0.0):
    """prod of f'(a) over ``depth`` layers at the same pre-activation: the best case of
    what backprop multiplies through a chain of units (sigmoid: at most 0.25^depth)."""
    _, _, df = curves(name, a=[a])
    return float(df[0] ** depth)


def relu_sparsity(X, W, b):
    """Fraction of ReLU units that output exactly 0 for the rows of X (000, sparsity)."""
    return float(np.mean(np.maximum(X @ W + b, 0.0) == 0.0))
