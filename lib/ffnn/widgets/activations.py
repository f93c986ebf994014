"""Notebook 02: activation functions f(a) and their derivatives f'(a).

Lectures: 000 (Rossi) "Activation function" ... "Exponential Linear: ELU"; 003 (Cheng)
table of activations and derivatives; 001 activation functions. The curves come from
ffnn.activations, so what is drawn is what the network kernels compute.
"""

import numpy as np

from .. import activations
from .controls import Widget, dropdown, new_figure, slider

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


def uses_alpha(name):
    return name in ("leaky_relu", "elu")


class ActivationView:
    """f and f' side by side; with a0, the point (a0, f(a0)) and the tangent there."""

    def __init__(self, fig):
        self.figure = fig
        self.ax1, self.ax2 = fig.subplots(1, 2)
        (self.f,) = self.ax1.plot([], [], "C0", lw=2)
        (self.df,) = self.ax2.plot([], [], "C1", lw=2)
        (self.tangent,) = self.ax1.plot([], [], "C3--", lw=1)
        (self.point,) = self.ax1.plot([], [], "C3o")
        (self.slope,) = self.ax2.plot([], [], "C3o")
        self.ax1.set(xlabel="a", xlim=(-5.5, 5.5))
        self.ax2.set(xlabel="a", xlim=(-5.5, 5.5))
        for ax in (self.ax1, self.ax2):
            ax.axhline(0, color="0.8", lw=0.8)
            ax.axvline(0, color="0.8", lw=0.8)
        # f and f' change with the function only: they are drawn with the background
        self.dynamic = [self.tangent, self.point, self.slope, self.ax2.title]

    def background_key(self, name="sigmoid", alpha=None, **_):
        return name, (alpha if uses_alpha(name) else None)

    def update(self, name="sigmoid", alpha=None, a0=None):
        alpha = alpha if uses_alpha(name) else None
        a, f, df = curves(name, alpha)
        self.f.set_data(a, f)
        self.df.set_data(a, df)
        self.ax1.set(title=f"{name}: h = f(a)", ylim=(min(-1.2, f.min()), max(1.2, f.max())))
        self.ax2.set_ylim(-0.1, max(1.1, df.max() * 1.1))
        for artist in (self.tangent, self.point, self.slope):
            artist.set_visible(a0 is not None)
        if a0 is None:
            self.ax2.set_title("")
            return
        fn = activations.get(name, alpha)
        f0, d0 = float(fn.f(a0)), float(fn.df(a0))
        self.tangent.set_data(a, f0 + d0 * (a - a0))
        self.point.set_data([a0], [f0])
        self.slope.set_data([a0], [d0])
        self.ax2.set_title(f"f'(a) = {d0:.4f} at a = {a0:.2f}")


def activation_figure(name="sigmoid", alpha=None, a0=None):
    """f and f' side by side; with a0, the point (a0, f(a0)) and the tangent there."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8, 3.2))
    ActivationView(fig).update(name, alpha, a0)
    fig.tight_layout()
    return fig


def activation_ui():
    """Pick a function, its alpha and a point a0; see f, f' and the tangent."""

    def link(controls):  # alpha is offered only to the functions that have one
        def follow(change=None):
            controls["alpha"].disabled = not uses_alpha(controls["name"].value)

        follow()
        controls["name"].observe(follow, names="value")

    return Widget(
        ActivationView(new_figure((8, 3.2))),
        {
            "name": dropdown("f", ELEMENTWISE, "sigmoid"),
            "alpha": slider("alpha", 0.1, 0.0, 1.0, 0.01),
            "a0": slider("a0", 0.0, -5.0, 5.0, 0.1),
        },
        "An activation function f(a) (left) and its derivative f'(a) (right), with the "
        "tangent at a0",
        link,
    )


def chained_derivative(name, depth, a=0.0):
    """prod of f'(a) over ``depth`` layers at the same pre-activation: the best case of
    what backprop multiplies through a chain of units (sigmoid: at most 0.25^depth)."""
    _, _, df = curves(name, a=[a])
    return float(df[0] ** depth)


def relu_sparsity(X, W, b):
    """Fraction of ReLU units that output exactly 0 for the rows of X (000, sparsity)."""
    return float(np.mean(np.maximum(X @ W + b, 0.0) == 0.0))
