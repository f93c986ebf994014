"""Workload 1: on-line SGD (batch size 1), 2-16-16-1, tanh hidden, sigmoid output, binary
cross-entropy, 1,000 points (two circles), 20 epochs, lr 0.05, rows in a fixed order.

Same work for ffnn and NumPy: every sample's forward pass, backprop and update, and a
learning curve -- the mean over each epoch of the per-sample losses, each taken before
that sample's update (``fit(record="running")``; the NumPy loop adds them up the same
way). ffnn's default, ``record="full"``, evaluates the whole training set again after
every epoch (loss and accuracy of the epoch's final weights); its row "ffnn, record='full'"
shows what that extra pass costs. PyTorch and scikit-learn train without a curve.
"""

import math

import ffnn
import numpy as np

from . import backends as B
from .common import paired, peer, summary

SIZES, LR = [2, 16, 16, 1], 0.05


def setup(n):
    X, T = ffnn.datasets.circles(n, noise=0.1, seed=0)
    net = ffnn.MLP(SIZES, hidden="tanh", output="sigmoid", init="xavier", seed=0)
    return X, T, net, [p.copy() for p in net.params]


def ffnn_train(net, params0, X, T, epochs, record="running"):
    """fit from params0; returns the final parameters and the per-epoch losses."""
    net.set_params(params0)
    hist = ffnn.train.fit(net, X, T, loss="bce", optimizer="sgd", lr=LR, epochs=epochs,
                          batch_size=1, shuffle=False, record=record, progress=False)  # fmt: skip
    return [p.copy() for p in net.params], hist.loss


def numpy_online(params, X, T, epochs):
    """On-line SGD in NumPy as one writes it for batch size 1: each row a 1-D vector, the
    delta rule, np.outer for the weight gradients; the running loss of every epoch added up
    from the output's pre-activation a (BCE = softplus(a) - t a, as ffnn computes it).
    Updates ``params`` = [W1, b1, W2, b2, W3, b3] in place; returns them and the curve."""
    W1, b1, W2, b2, W3, b3 = params
    curve = []
    for _ in range(epochs):
        total = 0.0
        for x, t in zip(X, T, strict=True):
            h1 = np.tanh(x @ W1 + b1)
            h2 = np.tanh(h1 @ W2 + b2)
            a = h2 @ W3 + b3
            y = 1.0 / (1.0 + np.exp(-a))
            a0, t0 = float(a[0]), float(t[0])
            total += max(a0, 0.0) + math.log1p(math.exp(-abs(a0))) - t0 * a0
            d3 = y - t
            d2 = (W3 @ d3) * (1.0 - h2 * h2)
            d1 = (W2 @ d2) * (1.0 - h1 * h1)
            W3 -= LR * np.outer(h2, d3)
            b3 -= LR * d3
            W2 -= LR * np.outer(h1, d2)
            b2 -= LR * d2
            W1 -= LR * np.outer(x, d1)
            b1 -= LR * d1
        curve.append(total / len(X))
    return params, curve


def backends(X, T, net, params0, epochs, slow_epochs=None):
    """name -> f() that trains from params0 and returns the final parameters as NumPy arrays.

    ``slow_epochs`` (default ``epochs``): the epochs run by the peers that take ~100x longer
    per sample (PyTorch, scikit-learn), so that a run of theirs lasts about a second too.
    """
    fast, epochs = epochs, slow_epochs or epochs
    runs = {
        "ffnn": lambda: ffnn_train(net, params0, X, T, fast)[0],
        "ffnn, record='full'": lambda: ffnn_train(net, params0, X, T, fast, "full")[0],
        "NumPy": lambda: numpy_online([p.copy() for p in params0], X, T, fast)[0],
    }
    torch = peer("torch")
    if torch is not None:
        Xt, Tt = torch.tensor(X), torch.tensor(T)

        def autograd():
            ps = B.torch_autograd_train(B.torch_params(params0, grad=True), Xt, Tt, "tanh",
                                        "sigmoid", LR, epochs, 1)  # fmt: skip
            return [p.detach().numpy() for p in ps]

        def manual():
            ps = B.torch_manual_train(B.torch_params(params0), Xt, Tt, "tanh", "sigmoid", LR,
                                      epochs, 1)  # fmt: skip
            return [p.numpy() for p in ps]

        runs["PyTorch autograd"], runs["PyTorch hand-written"] = autograd, manual
    if peer("sklearn") is not None:
        _, train = B.sklearn_model(params0, X, T.ravel().astype(int), "tanh", LR, 1, epochs=epochs)

        def sk():
            clf = train()
            return [a for W, b in zip(clf.coefs_, clf.intercepts_, strict=True) for a in (W, b)]

        runs["scikit-learn"] = sk
    return runs


def same_maths(n=200, epochs=1):
    """Largest |difference| of each backend's weights from ffnn's after the same training
    (and, as "NumPy learning curve", of the NumPy loop's per-epoch losses from fit's)."""
    X, T, net, params0 = setup(n)
    runs = backends(X, T, net, params0, epochs)
    ref = runs.pop("ffnn")()
    diffs = {name: max(float(np.max(np.abs(a - b))) for a, b in zip(f(), ref, strict=True))
             for name, f in runs.items()}  # fmt: skip
    curve = ffnn_train(net, params0, X, T, epochs)[1]
    np_curve = numpy_online([p.copy() for p in params0], X, T, epochs)[1]
    diffs["NumPy learning curve"] = float(np.max(np.abs(np.subtract(curve, np_curve))))
    return diffs


def run(quick=False):
    n, epochs, slow, repeats = (200, 2, 1, 2) if quick else (1000, 20, 2, 5)
    X, T, net, params0 = setup(n)
    runs = backends(X, T, net, params0, epochs, slow)
    times = paired(runs, repeats=repeats)
    rows = {}
    for name, t in times.items():
        e = epochs if name.startswith("ffnn") or name == "NumPy" else slow
        rows[name] = summary(t, work=n * e) | {"epochs": e}
    base = rows["NumPy"]["median"]
    for r in rows.values():
        r["vs_numpy"] = r["median"] / base
    return {
        "title": "On-line SGD: 2-16-16-1 tanh/sigmoid, BCE, batch 1",
        "unit": "samples/s",
        "workload": f"{n} points x {epochs} epochs ({slow} for PyTorch and scikit-learn), "
        f"{repeats} paired runs; ffnn (fit, record='running') and NumPy both keep the running "
        "mean of the per-sample losses as the learning curve; 'ffnn, record='full'' (fit's "
        "default) also evaluates the whole training set after each epoch",
        "rows": rows,
        "missing": [
            p for p, m in (("PyTorch", "torch"), ("scikit-learn", "sklearn")) if peer(m) is None
        ],  # fmt: skip
        "max_weight_difference_vs_ffnn": same_maths(),
        "target": "ffnn >= 45x NumPy",
    }
