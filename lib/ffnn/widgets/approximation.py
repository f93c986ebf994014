"""Notebook 03: XOR by hand and universal approximation with three tanh units.

Lectures: 003 (Cheng) XOR by hand-set perceptrons (eqs. 1a-1c); 004 (Chen) "learning XOR"
with a ReLU hidden layer; 000 (Rossi) "Universal approximation capability" (Bishop's
figure: 50 points of x^2, sin, |x|, H(x) fit by a 1-3-1 tanh network).
"""

from collections import namedtuple

import numpy as np

from .. import datasets, network, perceptron, train
from .controls import Results, Widget, dropdown, nearest_first, new_figure, slider

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


class BishopPanel:
    """One fit: data (dots), network output (line), the hidden units' shares (dashed)."""

    def __init__(self, ax, max_hidden=8):
        self.ax = ax
        self.x = np.linspace(-1, 1, 200).reshape(-1, 1)
        (self.data,) = ax.plot([], [], "o", ms=3, color="C0")
        (self.output,) = ax.plot([], [], "C3", lw=2)
        self.shares = [ax.plot([], [], "--", lw=1, color=f"C{(j + 4) % 10}")[0]
                       for j in range(max_hidden)]  # fmt: skip
        ax.set(xlim=(-1.1, 1.1), ylim=(-1.5, 1.5))
        self.dynamic = [self.data, self.output, *self.shares, ax.title]

    def update(self, fit):
        if fit.net.sizes[1] > len(self.shares):
            raise ValueError(f"at most {len(self.shares)} hidden units, got {fit.net.sizes[1]}")
        self.data.set_data(fit.X.ravel(), fit.T.ravel())
        self.output.set_data(self.x.ravel(), fit.net.forward(self.x).ravel())
        parts = hidden_contributions(fit.net, self.x)
        for j, line in enumerate(self.shares):
            line.set_visible(j < parts.shape[1])
            if j < parts.shape[1]:
                line.set_data(self.x.ravel(), parts[:, j])
        self.ax.set_title(f"{LABELS.get(fit.name, fit.name)}: loss {fit.history.loss[-1]:.1e}")


def bishop_figure(fits):
    """One panel per fit: data (dots), network output (line), hidden units' shares (dashed)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(fits), figsize=(3.2 * len(fits), 3.0), squeeze=False)
    for ax, fit in zip(axes[0], fits, strict=True):
        panel = BishopPanel(ax, fit.net.sizes[1])
        panel.update(fit)
        for line in panel.shares[fit.net.sizes[1] :]:
            line.remove()
    fig.tight_layout()
    return fig


HIDDEN = (1, 8)  # the widget's range of hidden units
EPOCHS = (100, 6000, 100)  # and of epochs (first, last, step)


class BishopView:
    """One fit, chosen by function, hidden units and epochs; each fit is computed once."""

    def __init__(self, fig):
        self.figure = fig
        self.panel = BishopPanel(fig.add_subplot(), HIDDEN[1])
        self.dynamic = self.panel.dynamic
        self.fits = Results(lambda key: bishop_fit(key[0], hidden=key[1], epochs=key[2]))

    def update(self, name, hidden, epochs):
        self.panel.update(self.fits.get((name, hidden, epochs)))

    def look_ahead(self, name, hidden, epochs):
        """The other numbers of hidden units (the first slider), nearest first."""
        units = nearest_first(range(HIDDEN[0], HIDDEN[1] + 1), hidden)
        self.fits.ahead([(name, h, epochs) for h in units])


def bishop_ui():
    """Choose the function, the number of hidden units and the epochs; see that fit."""
    return Widget(
        BishopView(new_figure((4.8, 3.4))),
        {
            "name": dropdown("function", BISHOP, "sin"),
            "hidden": slider("hidden units", 3, *HIDDEN, 1, integer=True),
            "epochs": slider("epochs", 3000, *EPOCHS, integer=True, continuous=False),
        },
        "A 1-hidden-1 tanh network fitted to 50 points: data as dots, the network's output as "
        "a solid line, each hidden unit's share as a dashed line",
    )
