"""Self-checks of notebook 03 (structure and universal approximation): the hidden-space
coordinates of the XOR points under 003's hand-set perceptrons, a second ReLU network
that solves XOR (judged on the four points, and required to differ from 004's), the
parameter count of an architecture, the number of linear pieces of a deep ReLU
sawtooth; the challenge of the universal-approximation widget.

Lectures: 003 (Cheng) sec. 9.1, eqs. (1a)-(1c); 004 (Chen) "A simple example: learning
XOR", "Universal Approximation Properties and Depth"; 000 (Rossi) Bishop's figure.
"""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([0.0, 1.0, 1.0, 0.0])


def _sign(a):
    return np.where(a >= 0, 1.0, -1.0)  # 000's f(a): +1 for a >= 0


def _hidden_003():
    h1 = _sign(1.5 - XOR_X[:, 0] - XOR_X[:, 1])  # eq. (1a), bias first
    h2 = _sign(-0.5 + XOR_X[:, 0] + XOR_X[:, 1])  # eq. (1b)
    return np.c_[h1, h2]


@exercise("03.1", "the XOR points in the hidden space of 003's perceptrons",
          wrong=(_hidden_003() + 1) / 2, diagnosis="-1")  # fmt: skip
def _(H):
    expected = _hidden_003()
    check_close("H", H, expected, atol=1e-6, slips={
        "the sign units output +1 or -1, not 1 or 0": (expected + 1) / 2,
        "the columns are swapped: column 0 is h1, the unit with weights [1.5, -1, -1]":
            expected[:, ::-1],
        "a sign unit outputs +1 when its pre-activation is >= 0, -1 otherwise (did you flip "
        "the signs?)": -expected,
    })  # fmt: skip


XOR_004 = {"W1": [[1.0, 1.0], [1.0, 1.0]], "b1": [0.0, -1.0], "W2": [[1.0], [-2.0]], "b2": [0.0]}
PROBE = np.array([[0.5, 0.0], [0.0, 2.0], [2.0, 0.0], [0.3, 0.9], [-1.0, 0.5], [0.5, -1.0],
                  [1.5, 1.5], [-0.7, -0.2], [0.25, 0.75], [3.0, -2.0]])  # fmt: skip


def _relu_net(params, X):
    """y = max(0, X W1 + b1) W2 + b2 in plain NumPy, as a flat array of outputs."""
    W1, b1 = np.asarray(params["W1"], float), np.asarray(params["b1"], float).ravel()
    W2, b2 = np.asarray(params["W2"], float), np.asarray(params["b2"], float).ravel()
    if W1.ndim != 2 or W1.shape[0] != 2:
        raise AssertionError(
            f"W1 must have shape (2, k): one column per hidden unit, got {W1.shape}"
        )
    k = W1.shape[1]
    if b1.shape != (k,):
        raise AssertionError(f"b1 must hold one bias per hidden unit ({k}), got shape {b1.shape}")
    if W2.size != k or (W2.ndim == 2 and W2.shape != (k, 1)):
        raise AssertionError(f"W2 must have shape ({k}, 1), got {W2.shape}")
    if b2.size != 1:
        raise AssertionError(f"b2 must be one number (the output's bias), got shape {b2.shape}")
    return (np.maximum(X @ W1 + b1, 0.0) @ W2.reshape(k, 1)).ravel() + b2[0]


@exercise("03.2", "a second ReLU network that computes XOR", wrong=XOR_004, diagnosis="004")
def _(params):
    if not isinstance(params, dict) or not {"W1", "b1", "W2", "b2"} <= set(params):
        raise AssertionError('give a dict with the keys "W1", "b1", "W2", "b2"')
    y = _relu_net(params, XOR_X)
    off = ~np.isclose(y, XOR_T, atol=1e-6)
    if off.any():
        where = ", ".join(
            f"x = {tuple(XOR_X[i].astype(int).tolist())}: y = {y[i]:.4g}, XOR = {XOR_T[i]:g}"
            for i in np.flatnonzero(off)
        )
        raise AssertionError(f"not XOR on every input ({where})")
    if np.allclose(_relu_net(params, PROBE), _relu_net(XOR_004, PROBE), atol=1e-6):
        raise AssertionError(
            "this computes the same function as 004's network everywhere (it is 004's, or "
            "its units rescaled or reordered): find a different one"
        )


SIZES = [64, 64, 10]  # notebook 10's digits network


@exercise("03.3", "the number of parameters of an MLP([64, 64, 10])", wrong=4736,
          diagnosis="bias")  # fmt: skip
def _(n_params):
    weights = sum(m * n for m, n in zip(SIZES[:-1], SIZES[1:], strict=True))
    biases = sum(SIZES[1:])
    check_close("the number of parameters", n_params, weights + biases, atol=0.5, slips={
        "the biases are missing: every unit above the input has one": weights,
        "the input units have no biases: only the layers that compute do": weights
            + sum(SIZES),
        "that counts units, not parameters": sum(SIZES),
    })  # fmt: skip


DEPTH = 5


@exercise("03.4", "the number of linear pieces of the depth-5 sawtooth on [0, 1]",
          wrong=2**DEPTH - 1, diagnosis="kink")  # fmt: skip
def _(n_pieces):
    pieces = 2**DEPTH  # each layer folds [0, 1] once more: 2, 4, 8, ... linear pieces
    check_close("the number of linear pieces", n_pieces, pieces, atol=0.5, slips={
        "that is the number of kinks inside (0, 1); there is one piece more than kinks":
            pieces - 1,
        "that is the number of teeth; each tooth is made of two pieces": pieces // 2,
        "that is the number of hidden units (2 per layer), not of pieces": 2 * DEPTH,
        "each layer doubles the number of pieces; it does not add two": 2 * DEPTH + 1,
    })  # fmt: skip


# ------------------------------------------------------------------------ widget challenge


@challenge("03.C1", "fit sin(pi x) with at most 2 hidden units to a final loss below 5e-4",
           name="sin", hidden=2, epochs=3000)  # fmt: skip
def _(name, hidden, epochs):
    """The final loss the widget shows in its title for these settings."""
    from ffnn.widgets import approximation as ap

    loss = float(ap.bishop_fit(name, hidden=hidden, epochs=epochs).history.loss[-1])
    return loss, name == "sin" and hidden <= 2 and loss < 5e-4
