"""Notebook 08: initialisation -- symmetry of constant weights, activation statistics across
the layers of a deep net, and the gradient size per layer.

Pure logic the tests call headless (``symmetric_net``, ``layer_activations``,
``activation_stats``, ``gradient_norms``), a figure function (``activations_figure``) and a
thin ipywidgets layer (``init_ui``).

Lectures: 002 (Drchal) "Parameter initialization", "Gaussian Initialization Example", Xavier,
vanishing gradients; 003 (Cheng) sec. 9.3 vanishing/exploding gradients, table 2 (Xavier/He).
"""

import numpy as np

from .. import datasets
from .._checks import positive_int
from ..network import MLP
from ..train import fit
from .controls import log_slider


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
    weights drawn by ``init`` ("gaussian" with ``sigma``, "xavier", "he").
    """
    width = positive_int(width, "width")
    kw = {"sigma": sigma} if init in ("gaussian", "normal") else {}
    net = MLP([width] * (positive_int(n_layers, "n_layers") + 1), hidden=activation,
              output=activation, init=init, init_kwargs=kw, seed=seed)  # fmt: skip
    X = np.random.default_rng(seed).normal(size=(positive_int(n_samples, "n_samples"), width))
    return net.forward_all(X)[1]


def activation_stats(Hs):
    """Per layer: mean, standard deviation, fraction |h| > 0.99 (tanh saturated), fraction h = 0."""
    return {
        "mean": np.array([h.mean() for h in Hs]),
        "std": np.array([h.std() for h in Hs]),
        "saturated": np.array([np.mean(np.abs(h) > 0.99) for h in Hs]),
        "zero": np.array([np.mean(h == 0.0) for h in Hs]),
    }


def activations_figure(Hs, title=""):
    """One histogram of the activations per layer (as in 002's figure), std per layer below."""
    import matplotlib.pyplot as plt

    L = len(Hs)
    fig, axes = plt.subplots(2, L, figsize=(1.6 * L, 4.2), gridspec_kw={"height_ratios": [3, 2]})
    lim = max(1.0, max(float(np.abs(h).max()) for h in Hs))
    for l, (ax, h) in enumerate(zip(axes[0], Hs, strict=True)):
        ax.hist(h.ravel(), bins=50, range=(-lim, lim), color="C0")
        ax.set_title(f"layer {l + 1}", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=6)
    gs = axes[1, 0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    ax = fig.add_subplot(gs[1, :])
    stats = activation_stats(Hs)
    ax.semilogy(np.arange(1, L + 1), stats["std"] + 1e-300, "o-", label="std of $h^l$")
    ax.set(xlabel="layer l", ylabel="std", xticks=np.arange(1, L + 1))
    ax.legend(fontsize=8)
    fig.suptitle(title)
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


def init_ui():
    """Initialisation scheme and scale vs the activation histograms of a 10 x 500 net."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(init, sigma, activation):
        Hs = layer_activations(init, sigma, activation, n_samples=500)
        label = f"sigma = {sigma:.3g}" if init == "gaussian" else init
        fig = activations_figure(Hs, f"{activation}, {label}")
        plt.show()
        return fig

    return w.interactive(
        show,
        init=w.Dropdown(options=["gaussian", "xavier", "he"], value="gaussian"),
        sigma=log_slider(0.01, 1e-3, 10.0, "σ"),
        activation=w.Dropdown(options=["tanh", "relu", "sigmoid"], value="tanh"),
    )
