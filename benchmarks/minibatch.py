"""Workload 2: mini-batch SGD with momentum on the shipped digits, 64-128-64-10, ReLU hidden,
softmax + cross-entropy, batch 32, lr 0.05, momentum 0.9, He initialisation, float64 and
float32; samples/s and the test accuracy each backend reaches from the same start.

Same work for ffnn and NumPy: every batch's forward pass, backprop and update. ffnn runs
``fit(record="running")``, which also adds up each batch's loss for the learning curve (the
NumPy loop keeps none); its row "ffnn, record='full'" (fit's default) also evaluates the
whole training set after every epoch, the cost of that extra pass.
"""

import ffnn
import numpy as np

from . import backends as B
from .common import paired, peer, summary

SIZES, LR, MU, BATCH = [64, 128, 64, 10], 0.05, 0.9, 32


def setup():
    d = ffnn.datasets.digits(test_fraction=0.25, seed=0)
    T = ffnn.losses.one_hot(d.t_train, 10)
    net = ffnn.MLP(SIZES, hidden="relu", output="softmax", init="he", seed=0)
    return d, T, [p.copy() for p in net.params]


def backends(d, T, params0, epochs, dtype):
    """name -> f() returning a predict(X_test) -> labels function after training."""
    X = d.X_train.astype(dtype)
    Tc = T.astype(dtype)
    p0 = [p.astype(dtype) for p in params0]
    net = ffnn.MLP(SIZES, hidden="relu", output="softmax", seed=0, dtype=dtype)

    def ours(record="running"):
        net.set_params(p0)
        ffnn.train.fit(net, X, Tc, loss="ce", optimizer="momentum", lr=LR, momentum=MU,
                       epochs=epochs, batch_size=BATCH, shuffle=False, record=record,
                       progress=False)  # fmt: skip
        return lambda Xt: net.predict(Xt.astype(dtype))

    def numpy():
        ps = B.numpy_train([p.copy() for p in p0], X, Tc, "relu", "softmax", LR, epochs, BATCH, MU)
        return lambda Xt: B.numpy_forward(ps, Xt.astype(dtype), "relu", "softmax").argmax(axis=1)

    runs = {"ffnn": ours, "ffnn, record='full'": lambda: ours("full"), "NumPy": numpy}
    torch = peer("torch")
    if torch is not None:
        Xt_, Tt_ = torch.tensor(X), torch.tensor(Tc)
        tdt = "float64" if dtype == np.float64 else "float32"

        def autograd():
            ps = B.torch_autograd_train(B.torch_params(p0, tdt, grad=True), Xt_, Tt_, "relu",
                                        "softmax", LR, epochs, BATCH, MU)  # fmt: skip
            return lambda Xt: B.torch_forward(ps, torch.tensor(Xt.astype(dtype)), "relu",
                                              "softmax").argmax(dim=1).numpy()  # fmt: skip

        runs["PyTorch autograd"] = autograd
    if peer("sklearn") is not None and dtype == np.float64:
        _, train = B.sklearn_model(params0, X, d.t_train, "relu", LR, BATCH, MU, epochs)

        def sk():
            clf = train()
            return clf.predict

        runs["scikit-learn"] = sk
    return runs


def run(quick=False):
    epochs, repeats = (1, 2) if quick else (5, 5)
    d, T, params0 = setup()
    n = len(d.X_train)
    tables, predictors = {}, {}

    def keep(f, name):
        def g():
            predictors[name] = f()

        return g

    for dtype in (np.float64, np.float32):
        runs = backends(d, T, params0, epochs, dtype)
        times = paired(
            {k: keep(f, k) for k, f in runs.items()}, repeats=repeats, settle=1, rest=0.2
        )
        rows = {name: summary(t, work=n * epochs) for name, t in times.items()}
        for name, r in rows.items():
            r["vs_numpy"] = r["median"] / rows["NumPy"]["median"]
            r["test_accuracy"] = float(np.mean(predictors[name](d.X_test) == d.t_test))
        tables[np.dtype(dtype).name] = rows
    return {
        "title": "Mini-batch SGD + momentum: digits 64-128-64-10 ReLU/softmax, batch 32",
        "unit": "samples/s",
        "workload": f"{n} training images x {epochs} epochs, {repeats} paired runs per dtype "
        "(each after an untimed one); ffnn (fit, record='running') adds up the batch losses "
        "for its learning curve, NumPy keeps none; 'ffnn, record='full'' (fit's default) also "
        f"evaluates the whole training set after each epoch; test accuracy on {len(d.X_test)} "
        "images",
        "tables": tables,
        "missing": [
            p for p, m in (("PyTorch", "torch"), ("scikit-learn", "sklearn")) if peer(m) is None
        ],  # fmt: skip
        "target": "ffnn >= 300k samples/s float64, >= 450k float32",
    }
