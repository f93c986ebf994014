"""Notebook 09: regularisation -- a large net overfitting few noisy points, L2 weight decay,
early stopping and noisy inputs.

Pure logic the tests call headless (``regression_data``, ``fit_curve``, ``jitter``,
``weight_norm``), figure functions (``fit_figure``, ``regularization_figure``) and a thin
ipywidgets layer (``regularization_ui``).

Lectures: 002 (Drchal) "L2 regularization as MAP", early stopping, "randomize inputs" and
other regularizers.
"""

from collections import namedtuple

import numpy as np

from .. import datasets
from ..network import MLP
from ..train import fit
from .controls import (
    Results,
    Widget,
    log_grid,
    log_slider,
    nearest_first,
    new_figure,
    set_log_limits,
    snap,
)


def regression_data(n_train=12, n_val=200, noise=0.25, seed=0):
    """Few noisy samples of sin(pi x) to fit, and many fresh ones to validate on."""
    X, T = datasets.function("sin", n=n_train, noise=noise, seed=seed)
    Xv, Tv = datasets.function("sin", n=n_val, noise=noise, seed=seed + 1000)
    return X, T, Xv, Tv


def jitter(X, T, copies=10, sigma=0.05, seed=0):
    """``copies`` noisy versions of every input, x + N(0, sigma^2), with the same targets.

    Training on them is 002's "randomize inputs" regularizer.
    """
    rng = np.random.default_rng(seed)
    Xn = np.concatenate([X + sigma * rng.normal(size=X.shape) for _ in range(copies)])
    return Xn, np.concatenate([T] * copies)


def fit_curve(X, T, lam=0.0, hidden=(50, 50), epochs=3000, lr=0.02, validation=None,
              early_stopping=None, seed=0, activation="tanh"):  # fmt: skip
    """Fit a 1-D regression net with full-batch Adam and L2 weight decay ``lam``.

    Loss: (1/2n) sum (y - t)^2 + lam/2 ||w||^2 on the weights only (002 "L2
    regularization as MAP", lam = sigma^2 / sigma_0^2 up to the 1/n). Returns
    (net, History); see ffnn.train.fit for ``validation`` and ``early_stopping``.
    """
    net = MLP([1, *hidden, 1], hidden=activation, output="identity", init="xavier", seed=seed)
    hist = fit(net, X, T, optimizer="adam", lr=lr, epochs=epochs, batch_size=None,
               weight_decay=lam, validation=validation, early_stopping=early_stopping,
               progress=False)  # fmt: skip
    return net, hist


def weight_norm(net):
    """||w||^2 = sum of the squared weights (biases excluded, as in the penalty)."""
    return float(sum(np.sum(W**2) for W in net.weights))


def fit_figure(net, X, T, Xv=None, Tv=None, ax=None, title=None):
    """The fitted function y(x) over the training points (and validation points, if given)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(-1.1, 1.1, 300).reshape(-1, 1)
    if Xv is not None:
        ax.plot(Xv, Tv, ".", color="0.75", ms=4, label="validation")
    ax.plot(x, np.sin(np.pi * x), "k:", lw=1, label="$\\sin(\\pi x)$")
    ax.plot(X, T, "o", color="C1", label="training")
    ax.plot(x, net.forward(x), "C0", lw=2, label="network")
    ax.set(xlabel="x", ylabel="y", ylim=(-2, 2), title=title or "")
    ax.legend(fontsize=8, loc="upper left")
    return ax


Curve = namedtuple("Curve", "lam x y norm loss val_loss")
Curve.__doc__ = """What the widget draws of one fit: the network's output y on the grid x,
||w||^2 and the training and validation loss per epoch."""

GRID = np.linspace(-1.1, 1.1, 300).reshape(-1, 1)
LAMBDA = (1e-5, 1.0, 0.5)  # the widget's lambda slider: from, to, step in log10


def fitted_curve(lam, n_train=12, noise=0.25, epochs=3000, seed=0):
    """Fit with weight decay lam (as regularization_figure does) and keep what it draws."""
    X, T, Xv, Tv = regression_data(n_train, noise=noise, seed=seed)
    net, hist = fit_curve(X, T, lam=lam, epochs=epochs, validation=(Xv, Tv), seed=seed)
    return Curve(lam, GRID.ravel(), net.forward(GRID).ravel(), weight_norm(net),
                 np.array(hist.loss), np.array(hist.val_loss))  # fmt: skip


class RegularizationView:
    """The fitted function over the data (left), its learning curves (right).

    The data, the sine and the legends stay; the fitted line, the title and the learning
    curves with their (rescaling) log axis are redrawn.
    """

    def __init__(self, fig, n_train=12, noise=0.25, seed=0):
        self.figure = fig
        self.ax, self.ax2 = fig.subplots(1, 2)
        X, T, Xv, Tv = regression_data(n_train, noise=noise, seed=seed)
        ax = self.ax
        ax.plot(Xv, Tv, ".", color="0.75", ms=4, label="validation")
        ax.plot(GRID, np.sin(np.pi * GRID), "k:", lw=1, label="$\\sin(\\pi x)$")
        ax.plot(X, T, "o", color="C1", label="training")
        (self.fitted,) = ax.plot([], [], "C0", lw=2, label="network")
        ax.set(xlabel="x", ylabel="y", xlim=(-1.2, 1.2), ylim=(-2, 2))
        ax.legend(fontsize=8, loc="upper left")
        (self.train,) = self.ax2.semilogy([1.0], label="training")
        (self.val,) = self.ax2.semilogy([1.0], label="validation")
        self.ax2.set(xlabel="epoch", ylabel="loss (without the penalty)", title="learning curves")
        self.ax2.legend(fontsize=8)
        self.dynamic = [self.fitted, ax.title, self.train, self.val, self.ax2.yaxis]

    def update(self, curve):
        self.fitted.set_data(curve.x, curve.y)
        self.ax.set_title(f"λ = {curve.lam:.3g},  ‖w‖² = {curve.norm:.3g}")
        epochs = np.arange(1, len(curve.loss) + 1)
        self.train.set_data(epochs, curve.loss)
        self.val.set_data(epochs, curve.val_loss)
        self.ax2.set_xlim(1 - 0.02 * len(epochs), 1.02 * len(epochs))
        both = np.r_[curve.loss, curve.val_loss]
        set_log_limits(self.ax2, 0.7 * both.min(), 1.4 * both.max())


def regularization_figure(lam=0.0, n_train=12, noise=0.25, epochs=3000, seed=0):
    """Fit with weight decay lam: the function (left), the train/val curves (right)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(11, 4))
    RegularizationView(fig, n_train, noise, seed).update(
        fitted_curve(lam, n_train, noise, epochs, seed)
    )
    fig.tight_layout()
    return fig


class LambdaView(RegularizationView):
    """RegularizationView with one fit per lambda, each computed once."""

    def __init__(self, fig, n_train=12, noise=0.25, epochs=3000):
        super().__init__(fig, n_train, noise)
        self.fits = Results(lambda lam: fitted_curve(lam, n_train, noise, epochs))

    def update(self, lam):
        super().update(self.fits.get(snap(float(lam), log_grid(*LAMBDA))))

    def look_ahead(self, lam):
        self.fits.ahead(nearest_first(log_grid(*LAMBDA), lam))


def regularization_ui(n_train=12, noise=0.25, epochs=3000):
    """The weight-decay strength lambda vs the fitted function and the learning curves."""
    return Widget(
        LambdaView(new_figure((11, 4)), n_train, noise, epochs),
        {"lam": log_slider(1e-4, LAMBDA[0], LAMBDA[1], "weight decay λ", step=LAMBDA[2])},
        f"A network of two hidden layers of 50 tanh units fitted to {n_train} noisy points of "
        "sin(pi x) with weight decay lambda (left), and its learning curves (right)",
    )
