"""Notebook 03: XOR by hand and universal approximation with three tanh units.

Lectures: 003 (Cheng) XOR by hand-set perceptrons (eqs. 1a-1c); 004 (Chen) "learning XOR"
with a ReLU hidden layer; 000 (Rossi) "Universal approximation capability" (Bishop's
figure: 50 points of x^2, sin, |x|, H(x) fit by a 1-3-1 tanh network).
"""

from collections import namedtuple

import numpy as np

from .. import datasets, network, perceptron, train

BISHOP = ("square", "sin", "abs", "heaviside")
LABELS = {"square": "x²", "sin": "sin(πx)", "abs": "|x|", "heaviside": "H(x)"}

Fit = namedtuple("Fit", "name X T net history")


def xor_by_perceptrons(X):
    """003's two hidden sign units (OR-like and NAND-like) and the AND output, bias first."""
    H = np.c_[perceptron.predict([1.5, -1, -1], X), perceptron.predict([-0.5, 1, 1], X)]
    return H, perceptron.predict([-1, 1, 1], H)


def xor_relu_network():
    """004's network: W = [[1, 1], [1, 1]], c = [0, -1], w = [1, -2], b = 0."""
    net = network.MLP([2, 2, 1], hidden="relu", output="identity")
    return net.set_params({"W1": [[1, 1], [1, 1]], "b1": [0, -1], "W2": [[1], [-2]], "b2": [0]})


def xor_table(net, X):
    """Rows x1, x2 | a1, a2 (= xW + c) | h1, h2 (ReLU) | y, the forward pass of 004."""
    (A1, _), (H1, Y) = net.forward_all(X)
    return np.hstack([X, A1, H1, Y])


def bishop_fit(name, n=50, hidden=3, epochs=3000, lr=0.05, seed=0):
    """Fit a 1-hidden-3-1 tanh/linear network to one of Bishop's functions (full batch Adam)."""
    X, T = datasets.function(name, n=n, seed=seed)
    net = network.MLP([1, hidden, 1], hidden="tanh", output="identity", seed=seed)
    history = train.fit(
        net, X, T, optimizer="adam", lr=lr, epochs=epochs, batch_size=None, seed=seed,
        progress=False,
    )  # fmt: skip
    return Fit(name, X, T, net, history)


def hidden_contributions(net, x):
    """Each hidden unit's share of the output, w_j tanh(a_j(x)), for x of shape (m, 1)."""
    _, (H, _) = net.forward_all(x)
    return H * net.params[2][:, 0]


def bishop_figure(fits):
    """One panel per fit: data (dots), network output (line), hidden units' shares (dashed)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(fits), figsize=(3.2 * len(fits), 3.0), squeeze=False)
    x = np.linspace(-1, 1, 200).reshape(-1, 1)
    for ax, fit in zip(axes[0], fits, strict=True):
        ax.plot(fit.X, fit.T, "o", ms=3, color="C0")
        ax.plot(x, fit.net.forward(x), "C3", lw=2)
        ax.plot(x, hidden_contributions(fit.net, x), "--", lw=1)
        ax.set_title(f"{LABELS.get(fit.name, fit.name)}: loss {fit.history.loss[-1]:.1e}")
        ax.set_ylim(-1.5, 1.5)
    fig.tight_layout()
    return fig


def bishop_ui():
    """Choose the function, the number of hidden units and the epochs; refit and redraw."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    def show(name, hidden, epochs):
        fig = bishop_figure([bishop_fit(name, hidden=hidden, epochs=epochs)])
        plt.show()  # inline backend: draws the figure into the widget's output
        return fig

    return W.interactive(
        show,
        name=W.Dropdown(options=BISHOP, value="sin"),
        hidden=W.IntSlider(value=3, min=1, max=8),
        epochs=W.IntSlider(value=3000, min=100, max=6000, step=100, continuous_update=False),
    )
