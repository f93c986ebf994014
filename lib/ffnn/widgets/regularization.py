"""Notebook 09: regularisation -- a large net overfitting few noisy points, L2 weight decay,
early stopping and noisy inputs.

Pure logic the tests call headless (``regression_data``, ``fit_curve``, ``jitter``,
``weight_norm``), figure functions (``fit_figure``, ``regularization_figure``) and a thin
ipywidgets layer (``regularization_ui``).

Lectures: 002 (Drchal) "L2 regularization as MAP", early stopping, "randomize inputs" and
other regularizers.
"""

import numpy as np

from .. import datasets
from ..network import MLP
from ..train import fit
from .controls import log_slider


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


def regularization_figure(lam=0.0, n_train=12, noise=0.25, epochs=3000, seed=0):
    """Fit with weight decay lam: the function (left), the train/val curves (right)."""
    import matplotlib.pyplot as plt

    X, T, Xv, Tv = regression_data(n_train, noise=noise, seed=seed)
    net, hist = fit_curve(X, T, lam=lam, epochs=epochs, validation=(Xv, Tv), seed=seed)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    fit_figure(net, X, T, Xv, Tv, ax, f"$\\lambda$ = {lam:g},  $||w||^2$ = {weight_norm(net):.3g}")
    ax2.semilogy(hist.loss, label="training")
    ax2.semilogy(hist.val_loss, label="validation")
    ax2.set(xlabel="epoch", ylabel="loss (without the penalty)", title="learning curves")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


def regularization_ui(n_train=12, noise=0.25, epochs=3000):
    """The weight-decay strength lambda vs the fitted function and the learning curves."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(lam):
        fig = regularization_figure(lam, n_train, noise, epochs)
        plt.show()
        return fig

    return w.interactive(show, lam=log_slider(1e-4, 1e-5, 1.0, "λ"))
