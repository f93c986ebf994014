"""Self-checks of notebook 05 (backpropagation): 001's gradient step by hand (dJ/dw1 and the
new weights), a hidden delta in the matrix form, the gradient of Y = XW with respect to W, and
the challenge of the backprop widget."""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise
from ffnn.widgets import backprop

# 001's worked step: inputs, weights, target (001 writes y for the target; we write t)
X001, W001, T001 = np.array([0.50, 0.51]), np.array([0.35, 0.40]), 0.10

# exercise 05.3: one tanh hidden layer of 3 units below 2 output units, 2 samples (rows)
H3 = np.array([[0.5, -0.2, 0.9], [0.1, 0.3, -0.6]])
W3 = np.array([[0.4, -0.3], [-1.0, 0.2], [0.7, 0.5]])
D3 = np.array([[0.3, -0.1], [-0.5, 0.2]])

# exercise 05.4: Y = X W, J = 1/2 sum (Y - T)^2
X4 = np.array([[1.0, -0.5], [0.2, 0.4], [-0.3, 0.8]])
W4 = np.array([[0.5, -0.2], [0.1, 0.3]])
T4 = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]])


def _step001():
    """(y, (y - t) y (1 - y)): the output and the factor every dJ/dw_i shares."""
    y = 1 / (1 + np.exp(-(X001 @ W001)))
    return y, (y - T001) * y * (1 - y)


@exercise("05.1", "dJ/dw1 of 001's worked step", wrong=0.0607, diagnosis="x2")
def _(answer):
    y, common = _step001()
    check_close("dJ/dw1", answer, common * X001[0], atol=5e-5, slips={
        "you multiplied by 0.51 = x2 (the slide's erratum); dSigma/dw1 = x1": common * X001[1],
        "the sigmoid's derivative y(1 - y) is missing": (y - T001) * X001[0],
        "you multiplied the rounded factors 0.49 * 0.24; keep every digit until the end":
            0.49 * 0.24 * X001[0],
    })  # fmt: skip


@exercise("05.2", "the new weights (w1', w2') after 001's step with eta = 1",
          wrong=[0.29, 0.34], diagnosis="rounded")  # fmt: skip
def _(answer):
    _, common = _step001()
    grad = common * X001
    check_close("(w1', w2')", answer, W001 - grad, atol=5e-5, slips={
        "you subtracted the rounded gradient 0.06 (the slide's numbers); use the unrounded "
        "gradients": W001 - 0.06,
        "you used x2 = 0.51 for both weights (the slide's erratum); dSigma/dw1 = x1":
            W001 - common * X001[1],
        "you added the gradient: gradient descent moves against it, w' = w - eta dJ/dw":
            W001 + grad,
        "that is the gradient, not the new weights w - eta dJ/dw": grad,
    })  # fmt: skip


@exercise("05.3", "the hidden delta in the matrix form", wrong=D3 @ W3.T, diagnosis="missing")
def _(answer):
    back = D3 @ W3.T  # dL/dH, one row per sample
    check_close("Delta1", answer, back * (1 - H3**2), atol=5e-5, slips={
        "the factor f'(A) = 1 - H**2 is missing: the delta is dL/dA, not dL/dH": back,
        "tanh'(a) = 1 - tanh(a)**2 = 1 - H**2, not 1 - H": back * (1 - H3),
        "H already is tanh(A): f'(A) = 1 - H**2, do not apply tanh to H again":
            back * (1 - np.tanh(H3) ** 2),
        "h(1 - h) is the sigmoid's derivative; these hidden units are tanh": back * H3 * (1 - H3),
    })  # fmt: skip


@exercise("05.4", "dJ/dW of Y = XW with J = 1/2 sum (Y - T)^2",
          wrong=(X4 @ W4 - T4).T @ X4, diagnosis="transpose")  # fmt: skip
def _(answer):
    G = X4 @ W4 - T4  # dJ/dY
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        got = None
    if got is not None and got.shape == G.shape and np.allclose(got, G @ W4.T, atol=5e-5):
        raise AssertionError("that is dJ/dX (the message to the layer below), not dJ/dW")
    check_close("dJ/dW", answer, X4.T @ G, atol=5e-5, slips={
        "you computed (dJ/dY)^T X, the transpose: for Y = XW, dJ/dW = X^T dJ/dY, which has "
        "the shape of W with W[i, j] from input i to output j": G.T @ X4,
        "you divided by the number of samples; this J is a sum": X4.T @ G / len(X4),
    })  # fmt: skip


@challenge("05.C1", "move one weight only so that the loss falls below 1e-4",
           name="b2[0]", value=-2.1)  # fmt: skip
def _(name, value):
    net = backprop.tiny_net()  # the widget's network, fresh
    backprop.set_weight(net, name, value)
    loss = backprop.state(net, (0.5, 0.51), 0.1)["loss"]  # what the widget prints
    return loss, bool(loss < 1e-4)
