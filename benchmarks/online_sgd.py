"""Workload 1: on-line SGD (batch size 1), 2-16-16-1, tanh hidden, sigmoid output, binary
cross-entropy, 1,000 points (two circles), 20 epochs, lr 0.05, rows in a fixed order."""

import ffnn
import numpy as np

from . import backends as B
from .common import paired, peer, summary

SIZES, LR = [2, 16, 16, 1], 0.05


def setup(n):
    X, T = ffnn.datasets.circles(n, noise=0.1, seed=0)
    net = ffnn.MLP(SIZES, hidden="tanh", output="sigmoid", init="xavier", seed=0)
    return X, T, net, [p.copy() for p in net.params]


def ffnn_train(net, params0, X, T, epochs):
    net.set_params(params0)
    ffnn.train.fit(net, X, T, loss="bce", optimizer="sgd", lr=LR, epochs=epochs, batch_size=1,
                   shuffle=False, progress=False)  # fmt: skip
    return [p.copy() for p in net.params]


def backends(X, T, net, params0, epochs, slow_epochs=None):
    """name -> f() that trains from params0 and returns the final parameters as NumPy arrays.

    ``slow_epochs`` (default ``epochs``): the epochs run by the peers that take ~100x longer
    per sample (PyTorch, scikit-learn), so that a run of theirs lasts about a second too.
    """
    fast, epochs = epochs, slow_epochs or epochs
    runs = {
        "ffnn": lambda: ffnn_train(net, params0, X, T, fast),
        "NumPy": lambda: B.numpy_train(
            [p.copy() for p in params0], X, T, "tanh", "sigmoid", LR, fast, 1
        ),  # fmt: skip
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
    """Largest |difference| of each backend's weights from ffnn's after the same training."""
    X, T, net, params0 = setup(n)
    runs = backends(X, T, net, params0, epochs)
    ref = runs.pop("ffnn")()
    return {name: max(float(np.max(np.abs(a - b))) for a, b in zip(f(), ref, strict=True))
            for name, f in runs.items()}  # fmt: skip


def run(quick=False):
    n, epochs, slow, repeats = (200, 2, 1, 2) if quick else (1000, 20, 2, 5)
    X, T, net, params0 = setup(n)
    runs = backends(X, T, net, params0, epochs, slow)
    times = paired(runs, repeats=repeats)
    rows = {}
    for name, t in times.items():
        e = epochs if name in ("ffnn", "NumPy") else slow
        rows[name] = summary(t, work=n * e) | {"epochs": e}
    base = rows["NumPy"]["median"]
    for r in rows.values():
        r["vs_numpy"] = r["median"] / base
    return {
        "title": "On-line SGD: 2-16-16-1 tanh/sigmoid, BCE, batch 1",
        "unit": "samples/s",
        "workload": f"{n} points x {epochs} epochs ({slow} for PyTorch and scikit-learn), "
        f"{repeats} paired runs",
        "rows": rows,
        "missing": [
            p for p, m in (("PyTorch", "torch"), ("scikit-learn", "sklearn")) if peer(m) is None
        ],  # fmt: skip
        "max_weight_difference_vs_ffnn": same_maths(),
        "target": "ffnn >= 1.5M samples/s and >= 40x NumPy",
    }
