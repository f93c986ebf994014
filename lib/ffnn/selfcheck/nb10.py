"""Self-checks of notebook 10 (putting it together): the three sanity checks before a real
run -- the initial loss of a K-class softmax network (ln K), a tiny batch learned by heart,
one weight's derivative by central differences and the relative error a missing 1/n
produces in the gradient check -- and the challenge of the learning curves.

The notebook's data are rebuilt here from the same seeds (digits with test_fraction 0.25,
seed 0, then a quarter of the training part for validation, seed 0), so the judges see the
student's tiny batch and network without being handed them.
"""

import math

import numpy as np

from ffnn import datasets, losses
from ffnn.grading import check_close
from ffnn.network import MLP
from ffnn.selfcheck import challenge, exercise
from ffnn.train import fit

K = 10  # classes
N_TINY = 20  # 10.2: the first 20 training images
N_CHECK = 10  # 10.3 and 10.4: the first 10 training images
PIXEL, UNIT = 59, 27  # 10.3: the weight W1[PIXEL, UNIT], input pixel 59 -> hidden unit 27


def _split():
    """(X_fit, T_fit, X_val, T_val) exactly as the notebook builds them."""
    d = datasets.digits(test_fraction=0.25, seed=0)
    X_fit, t_fit, X_val, t_val = datasets.train_test_split(d.X_train, d.t_train, 0.25, seed=0)
    return X_fit, losses.one_hot(t_fit, K), X_val, losses.one_hot(t_val, K)


def _fresh_net(hidden=64):
    """The notebook's network before training: 64-hidden-10, ReLU, softmax, He, seed 0."""
    return MLP([64, hidden, K], hidden="relu", output="softmax", init="he", seed=0)


@exercise("10.1", "the initial loss of a 10-class softmax network with small weights",
          wrong=1.0, diagnosis="natural logarithm")  # fmt: skip
def _(answer):
    check_close("the initial loss", answer, math.log(K), atol=5e-3, slips={
        "the cross-entropy uses the natural logarithm (np.log), not log10": math.log10(K),
        "1/K is the probability the network gives each class; the loss is minus its logarithm":
            1 / K,
        "that is the two-class value; this network has K = 10 classes": math.log(2),
        "only the true class's term counts in -sum_k t_k ln y_k (t is one-hot), so do not "
        "add up the K classes": K * math.log(K),
    })  # fmt: skip


@exercise("10.2", "a network that has learned 20 images by heart (loss below 0.01)",
          wrong=_fresh_net(), diagnosis="barely learned")  # fmt: skip
def _(net):
    if hasattr(net, "best_epoch"):
        raise AssertionError(
            "that is the History that fit returns; fit trains the network in place, so give "
            "the network itself"
        )
    assert isinstance(net, MLP), f"give the trained network (an ffnn.MLP), got {type(net).__name__}"
    assert net.sizes[0] == 64 and net.sizes[-1] == K and net.output == "softmax", (
        f"the network should take the 64 pixels and end in {K} softmax units; got {net!r}"
    )
    X_fit, T_fit, _, _ = _split()
    X, T = X_fit[:N_TINY], T_fit[:N_TINY]
    loss = net.loss(X, T)
    if loss > 0.5 * math.log(K):
        raise AssertionError(
            f"the network has barely learned the {N_TINY} images: its loss on them is "
            f"{loss:.3f}, close to the ln K of a network that guesses. Train it on "
            "X_tiny, T_tiny (ffnn.train.fit), long enough and with a large enough learning rate"
        )
    assert loss < 0.01, (
        f"its loss on the {N_TINY} images is {loss:.3g}, not yet below 0.01: train longer or "
        "with a larger learning rate (the whole tiny batch in every step)"
    )
    assert net.accuracy(X, T) == 1.0, "the loss is small but not every image is classified right"


def _mean_ce_gradient_W1(W1, b1, W2, b2, X, T):
    """dL/dW1 of the mean cross-entropy of a ReLU-softmax network, in plain NumPy."""
    A1 = X @ W1 + b1
    A2 = np.maximum(A1, 0.0) @ W2 + b2
    Y = np.exp(A2 - A2.max(axis=1, keepdims=True))
    Y /= Y.sum(axis=1, keepdims=True)
    D2 = (Y - T) / len(X)  # softmax + cross-entropy: delta = (y - t), over n for the mean
    D1 = (D2 @ W2.T) * (A1 > 0)
    return X.T @ D1


def _gradient_W1():
    X_fit, T_fit, _, _ = _split()
    net = _fresh_net()
    W1, b1, W2, b2 = (p.copy() for p in net.params)
    return _mean_ce_gradient_W1(W1, b1, W2, b2, X_fit[:N_CHECK], T_fit[:N_CHECK])


@exercise("10.3", "dL/dW1[59, 27] of the fresh network by central differences",
          wrong=float(_gradient_W1()[UNIT, PIXEL]), diagnosis="from unit i")  # fmt: skip
def _(answer):
    G = _gradient_W1()
    g = G[PIXEL, UNIT]
    check_close("dL/dW1[59, 27]", answer, g, atol=2e-6, slips={
        "W1[i, j] is the weight from unit i of the layer below (input pixel i) to unit j of the "
        "layer above (hidden unit j): you perturbed W1[27, 59]": G[UNIT, PIXEL],
        "the two points w + h and w - h are 2h apart: divide by 2h, not h": 2 * g,
        "the difference is L(w + h) - L(w - h), in that order: check the sign": -g,
        f"net.loss is the mean over the {N_CHECK} images, not their sum": N_CHECK * g,
    })  # fmt: skip


@exercise("10.4", "the relative error a missing 1/n produces (n = 10)",
          wrong=0.9, diagnosis="sum of both norms")  # fmt: skip
def _(answer):
    n = N_CHECK  # backprop returns n g, the numerical gradient is g
    check_close("the relative error", answer, (n - 1) / (n + 1), atol=5e-4, slips={
        "that is ||a - b|| / ||b||; the relative error divides by the sum of both norms, "
        "||a|| + ||b||": n - 1,
        "that is ||a - b|| / ||a||; the relative error divides by the sum of both norms, "
        "||a|| + ||b||": (n - 1) / n,
    })  # fmt: skip


@challenge("10.C1", "validation accuracy of at least 0.97 within 10 epochs",
           lr=0.02, batch_size=16, epochs=10)  # fmt: skip
def _(lr, batch_size, epochs, hidden=64):
    """The training cell of section 4 with these settings: the validation accuracy at the
    best epoch (the one early stopping restores)."""
    X_fit, T_fit, X_val, T_val = _split()
    net = _fresh_net(hidden)
    history = fit(
        net, X_fit, T_fit, optimizer="adam", lr=lr, weight_decay=1e-4, epochs=epochs,
        batch_size=batch_size, seed=0, validation=(X_val, T_val), early_stopping=10,
        progress=False,
    )  # fmt: skip
    accuracy = float(history.val_accuracy[history.best_epoch])
    return accuracy, accuracy >= 0.97 and epochs <= 10
