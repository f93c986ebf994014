"""Notebook 08: initialisation -- symmetry of constant weights, activation statistics across
the layers of a deep net, and the gradient size per layer.

Pure logic the tests call headless (``symmetric_net``, ``layer_activations``,
``activation_stats``, ``gradient_norms``), a figure function (``activations_figure``) and a
thin ipywidgets layer (``init_ui``).

Lectures: 002 (Drchal) "Parameter initialization", "Gaussian Initialization Example", Xavier,
vanishing gradients; 003 (Cheng) sec. 9.3 vanishing/exploding gradients, table 2 (Xavier/He).
"""

from collections import namedtuple

import numpy as np

from .. import datasets
from .._checks import positive_int
from ..network import MLP
from ..train import fit
from .controls import (
    Results,
    Widget,
    dropdown,
    log_grid,
    log_slider,
    nearest_first,
    new_figure,
    set_log_limits,
    snap,
)


def symmetric_net(value=0.5, epochs=300, seed=0):
    """A 2-4-1 tanh net started with every weight equal to ``value``, trained on XOR.

    002 "Parameter initialization": all hidden units get the same deltas, so the
    columns of W1 (one per hidden unit) stay identical; see hidden_unit_spread.
    """
    X, T = datasets.xor()
    net = MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="constant",
              init_kwargs={"value": value})  # fmt: skip
    hist = fit(net, X, T, optimizer="momentum", lr=0.5, momentum=0.9, epochs=epochs,
               batch_size=4, seed=seed, progress=False)  # fmt: skip
    return net, hist


def hidden_unit_spread(net, layer=0):
    """max_j ||W[:, j] - W[:, 0]||: 0 when all units of the layer have the same incoming weights."""
    W = net.weights[layer]
    return float(np.max(np.abs(W - W[:, :1])))


def layer_activations(init="gaussian", sigma=0.01, activation="tanh", n_layers=10, width=500,
                      n_samples=1000, seed=0):  # fmt: skip
    """H^1 .. H^L of a deep net fed with x ~ N(0, I) (002 "Gaussian Initialization Example").

    n_layers layers of ``width`` units (ten tanh layers of 500 in the lecture),
    weights drawn by ``init`` ("gaussian" with ``sigma``, "xavier", "he"). The layers are
    computed one at a time (the net's layer l as a one-layer MLP), the same arithmetic as
    net.forward_all: each kernel call is short, so a widget computing this in a background
    thread never holds up the notebook for long.
    """
    width = positive_int(width, "width")
    kw = {"sigma": sigma} if init in ("gaussian", "normal") else {}
    net = MLP([width] * (positive_int(n_layers, "n_layers") + 1), hidden=activation,
              output=activation, init=init, init_kwargs=kw, seed=seed)  # fmt: skip
    H = np.random.default_rng(seed).normal(size=(positive_int(n_samples, "n_samples"), width))
    layer = MLP([width, width], output=activation, init="zeros")
    Hs = []
    for W, b in zip(net.weights, net.biases, strict=True):
        H = layer.set_params([W, b]).forward(H)
        Hs.append(H)
    return Hs


def activation_stats(Hs):
    """Per layer: mean, standard deviation, fraction |h| > 0.99 (tanh saturated), fraction h = 0."""
    return {
        "mean": np.array([h.mean() for h in Hs]),
        "std": np.array([h.std() for h in Hs]),
        "saturated": np.array([np.mean(np.abs(h) > 0.99) for h in Hs]),
        "zero": np.array([np.mean(h == 0.0) for h in Hs]),
    }


BINS = 50

Summary = namedtuple("Summary", "lim counts std")
Summary.__doc__ = """What the activations figure draws of H^1 .. H^L: the histogram range
[-lim, lim], BINS counts per layer and the standard deviation per layer."""


def summarize(Hs):
    """Summary of the activations H^1 .. H^L (a few numbers instead of the big arrays)."""
    lim = max(1.0, max(float(np.abs(h).max()) for h in Hs))
    counts = np.array([np.histogram(h.ravel(), bins=BINS, range=(-lim, lim))[0] for h in Hs])
    return Summary(lim, counts, activation_stats(Hs)["std"])


class ActivationsView:
    """One histogram of the activations per layer (as in 002's figure), std per layer below.

    Each histogram is one step patch scaled to its highest bar (the counts' scale is not
    shown), so only the patches, the std line with its (rescaling) log axis and the title are
    redrawn.
    """

    def __init__(self, fig, n_layers=10):
        self.figure, self.n_layers = fig, n_layers
        grid = fig.add_gridspec(2, n_layers, height_ratios=[3, 2])
        self.hist_axes, self.steps = [], []
        edges = np.linspace(-1, 1, BINS + 1)
        for l in range(n_layers):
            ax = fig.add_subplot(grid[0, l])
            self.steps.append(ax.stairs(np.zeros(BINS), edges, fill=True, color="C0"))
            ax.set_title(f"layer {l + 1}", fontsize=8)
            ax.set(yticks=[], ylim=(0, 1.05))
            ax.tick_params(labelsize=6)
            self.hist_axes.append(ax)
        self.ax = fig.add_subplot(grid[1, :])
        layers = np.arange(1, n_layers + 1)
        (self.std,) = self.ax.semilogy(layers, np.ones(n_layers), "o-", label="std of $h^l$")
        self.ax.set(xlabel="layer l", ylabel="std", xticks=layers)
        legend = self.ax.legend(fontsize=8, loc="upper right")
        self.title = fig.suptitle(" ")
        self.dynamic = [*self.steps, self.ax.yaxis, self.std, legend, self.title]

    def update(self, summary, title=""):
        if len(summary.counts) != self.n_layers:
            raise ValueError(f"expected {self.n_layers} layers, got {len(summary.counts)}")
        edges = np.linspace(-summary.lim, summary.lim, BINS + 1)
        for ax, step, counts in zip(self.hist_axes, self.steps, summary.counts, strict=True):
            step.set_data(counts / max(counts.max(), 1), edges)
            ax.set_xlim(-summary.lim, summary.lim)
        std = summary.std + 1e-300
        self.std.set_ydata(std)
        set_log_limits(self.ax, 0.8 * std.min(), 1.25 * std.max())
        self.title.set_text(title)


def activations_figure(Hs, title=""):
    """One histogram of the activations per layer (as in 002's figure), std per layer below."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1.6 * len(Hs), 4.2))
    ActivationsView(fig, len(Hs)).update(summarize(Hs), title)
    fig.tight_layout()
    return fig


def gradient_norms(net, X, T, loss=None):
    """||dL/dW^l|| (Frobenius) for each layer l = 1..L, from net.loss_and_gradients."""
    _, grads = net.loss_and_gradients(X, T, loss=loss)
    return np.array([np.linalg.norm(g) for g in grads[0::2]])


def deep_gradient_norms(inits, X, T, n_hidden=8, width=64, hidden="tanh", seed=0):
    """{label: per-layer weight-gradient norms} of a deep softmax net at initialisation.

    inits: {label: (scheme, init_kwargs)}, e.g. {"sigma=0.01": ("gaussian", {"sigma": 0.01})}.
    """
    sizes = [X.shape[1]] + [width] * n_hidden + [T.shape[1]]
    out = {}
    for label, (scheme, kw) in inits.items():
        net = MLP(sizes, hidden=hidden, output="softmax", init=scheme, init_kwargs=kw, seed=seed)
        out[label] = gradient_norms(net, X, T)
    return out


SIGMA = (1e-3, 10.0, 0.1)  # the widget's sigma slider: from, to, step in log10


def init_label(init, sigma, activation):
    return f"{activation}, " + (f"sigma = {sigma:.3g}" if init == "gaussian" else init)


class InitView(ActivationsView):
    """ActivationsView of a 10 x 500 net per setting; each setting is computed once."""

    def __init__(self, fig):
        super().__init__(fig, 10)
        self.results = Results(self._compute)

    @staticmethod
    def _compute(key):
        init, sigma, activation = key
        return summarize(layer_activations(init, sigma, activation, n_samples=500))

    @staticmethod
    def key(init, sigma, activation):
        """sigma matters for the Gaussian only (as in layer_activations)."""
        if init not in ("gaussian", "normal"):
            return init, 0.01, activation
        return init, snap(float(sigma), log_grid(*SIGMA)), activation

    def update(self, init, sigma, activation):
        summary = self.results.get(self.key(init, sigma, activation))
        super().update(summary, init_label(init, sigma, activation))

    def look_ahead(self, init, sigma, activation):
        """The other sigmas, nearest first (Gaussian only), then the other schemes."""
        keys = []
        if init in ("gaussian", "normal"):
            keys = [(init, s, activation) for s in nearest_first(log_grid(*SIGMA), sigma)]
        keys += [self.key(i, sigma, activation) for i in ("gaussian", "xavier", "he")]
        self.results.ahead(keys)


def init_ui():
    """Initialisation scheme and scale vs the activation histograms of a 10 x 500 net."""
    return Widget(
        InitView(new_figure((12, 3.8))),
        {
            "init": dropdown("initialization", ["gaussian", "xavier", "he"], "gaussian"),
            "sigma": log_slider(0.01, SIGMA[0], SIGMA[1], "σ (Gaussian)", step=SIGMA[2]),
            "activation": dropdown("activation", ["tanh", "relu", "sigmoid"], "tanh"),
        },
        "Histograms of the activations in each layer of a 10-layer network of 500 units, and "
        "their standard deviation per layer",
    )
