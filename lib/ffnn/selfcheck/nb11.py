"""Self-checks of notebook 11 (the playground): the number of parameters of the widget's
starting network, its first loss under the squared error, and the largest learning rate of
full-batch gradient descent on a linear neuron; and the widget's three challenges, each
replayed with the playground's own model (ffnn.widgets.playground.Playground), as the widget
trains it from epoch 0."""

import math

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise
from ffnn.widgets.playground import Playground

# the widget as the notebook opens it: pgw.Playground(dataset="circle", hidden=(4, 2), lr=0.03)
WIDGET_START = {"dataset": "circle", "hidden": (4, 2), "lr": 0.03}
# exercise 11.3: a linear neuron (no hidden layer) on the regression data, whole batch
LINEAR = {"dataset": "regression", "features": ("x1", "x2"), "hidden": (), "batch_size": 250}


def _count(sizes):
    """(weights, biases) of a fully connected network with these layer sizes."""
    pairs = list(zip(sizes[:-1], sizes[1:], strict=False))
    return sum(a * b for a, b in pairs), sum(b for _, b in pairs)


@exercise("11.1", "the number of parameters of the widget's starting network",
          wrong=18, diagnosis="bias")  # fmt: skip
def _(answer):
    sizes = [2, *WIDGET_START["hidden"], 1]  # features x1, x2; hidden 4, 2; one output
    weights, biases = _count(sizes)
    check_close("the number of parameters", answer, weights + biases, atol=0.5, slips={
        "the biases are parameters too: one per unit of every layer after the inputs": weights,
        "there is one bias per unit, not one per layer": weights + len(sizes) - 1,
        "the inputs have no bias; only the units of the hidden and output layers do":
            weights + biases + sizes[0],
        "that counts the units, not the parameters": sum(sizes),
    })  # fmt: skip


@exercise("11.2", "the first squared-error loss with small initial weights",
          wrong=math.log(2), diagnosis="cross-entropy")  # fmt: skip
def _(answer):
    y = 0.5  # sigmoid(0): every output with tiny weights
    expected = np.mean([0.5 * (y - t) ** 2 for t in (0.0, 1.0)])  # the same for t = 0 and 1
    check_close("the first loss", answer, expected, atol=2e-3, slips={
        "that is the cross-entropy of an output of 1/2; this run uses the squared error":
            math.log(2),
        "the squared error carries a 1/2: each sample adds 1/2 (y - t)^2": 2 * expected,
        "each sample adds 1/2 (y - t)^2: the error y - t = -1/2 or +1/2 is squared":
            abs(y - 1.0),
    })  # fmt: skip


def _linear_inputs():
    """The training inputs of the linear neuron of 11.3, and the column of 1s of its bias."""
    F = Playground(**LINEAR).F_train
    return F, np.ones((len(F), 1))


def _lr_max(F):
    """2 / largest eigenvalue of F^T F / n: full-batch gradient descent on the mean of
    1/2 (F w - t)^2 converges for every learning rate below it and diverges above."""
    return 2.0 / np.linalg.eigvalsh(F.T @ F / len(F)).max()


@exercise("11.3", "the largest learning rate of full-batch gradient descent (linear neuron)",
          wrong=_lr_max(_linear_inputs()[0]), diagnosis="bias")  # fmt: skip
def _(answer):
    F, ones = _linear_inputs()
    F1 = np.hstack([F, ones])
    lr_max = _lr_max(F1)
    lam = np.linalg.eigvalsh(F1.T @ F1 / len(F1))
    check_close("lr_max", answer, lr_max, atol=2e-3, slips={
        "the bias is a weight too, on a constant input 1: add a column of 1s to the inputs":
            _lr_max(F),
        "the loss is a mean over the n samples: the Hessian is F^T F / n":
            2 / (lam.max() * len(F1)),
        "1/lambda_max lands on the minimum along the steepest direction in one step; gradient "
        "descent diverges only beyond 2/lambda_max": lr_max / 2,
        "the largest eigenvalue (the steepest direction) sets the limit, not the smallest":
            2 / lam.min(),
    })  # fmt: skip


def _replay(epochs, settings):
    """The widget from epoch 0 with ``settings`` changed, after ``epochs`` epochs."""
    return Playground(**{**WIDGET_START, **settings}).step(epochs)


@challenge("11.C1", "circle: test loss below 0.05 within 200 epochs with two hidden units",
           features=("x1^2", "x2^2"), hidden=(2,), lr=0.03, epochs=200)  # fmt: skip
def _(epochs, **settings):
    pg = _replay(epochs, settings)
    loss = pg.test_loss[-1]
    units = sum(pg.hidden)
    return loss, pg.dataset == "circle" and units == 2 and epochs <= 200 and loss < 0.05


@challenge("11.C2", "spiral (noise 0.2), inputs x1 and x2 only: test loss below 0.1 within 300 "
           "epochs", dataset="spiral", noise=0.2, hidden=(8,), optimizer="adam", lr=0.03,
           epochs=300)  # fmt: skip
def _(epochs, **settings):
    pg = _replay(epochs, settings)
    loss = pg.test_loss[-1]
    met = pg.dataset == "spiral" and pg.noise >= 0.2 and pg.features == ("x1", "x2")
    return loss, met and epochs <= 300 and loss < 0.1


@challenge("11.C3", "regression: test loss below 0.002 within 200 epochs with two hidden units",
           dataset="regression", features=("x2^2", "sin(x1)"), hidden=(2,), lr=0.1,
           epochs=200)  # fmt: skip
def _(epochs, **settings):
    pg = _replay(epochs, settings)
    loss = pg.test_loss[-1]
    units = sum(pg.hidden)
    return loss, pg.dataset == "regression" and units == 2 and epochs <= 200 and loss < 0.002
