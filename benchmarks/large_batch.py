"""Workload 3: one training step (forward, backprop, SGD update) of 784-512-512-10 ReLU/softmax
on a batch of 1,024, float64: achieved GFLOP/s and its share of the machine's GEMM ceiling.

FLOPs per step count the matrix products only: the forward X W for each layer, dL/dW = H^T D
for each layer, and D W^T for every layer but the first (no gradient w.r.t. the inputs):
2 B (sum n_in n_out) * 2 + 2 B (sum over layers 2.. of n_in n_out).
"""

import ffnn
import numpy as np

from . import backends as B
from .common import gemm_gflops, paired, peer, summary

SIZES, BATCH, LR = [784, 512, 512, 10], 1024, 0.01


def flops(sizes=SIZES, batch=BATCH):
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    return 2 * batch * (2 * sum(products) + sum(products[1:]))


def setup(batch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, SIZES[0]))
    labels = rng.integers(0, 10, batch)
    T = ffnn.losses.one_hot(labels, 10)
    net = ffnn.MLP(SIZES, hidden="relu", output="softmax", init="he", seed=0)
    return X, T, labels, net, [p.copy() for p in net.params]


def backends(X, T, labels, net, params0):
    opt = ffnn.optim.get("sgd", net.params, lr=LR)

    def ours():
        _, grads = net.loss_and_gradients(X, T, loss="ce")
        opt.step(grads)

    numpy_params = [p.copy() for p in params0]
    runs = {
        "ffnn": ours,
        "NumPy": lambda: B.numpy_train(numpy_params, X, T, "relu", "softmax", LR, 1, len(X)),
    }
    torch = peer("torch")
    if torch is not None:
        tp = B.torch_params(params0, grad=True)
        Xt, Tt = torch.tensor(X), torch.tensor(T)
        runs["PyTorch autograd"] = lambda: B.torch_autograd_train(
            tp, Xt, Tt, "relu", "softmax", LR, 1, len(X)
        )
    if peer("sklearn") is not None:
        _, train = B.sklearn_model(params0, X, labels, "relu", LR, len(X), epochs=1)
        runs["scikit-learn"] = train
    return runs


def same_maths():
    """One step from the same start: largest weight difference from ffnn, per backend."""
    X, T, labels, net, params0 = setup(64)
    opt = ffnn.optim.get("sgd", net.params, lr=LR)
    opt.step(net.loss_and_gradients(X, T, loss="ce")[1])
    ref = [p.copy() for p in net.params]
    out = {"NumPy": B.numpy_train([p.copy() for p in params0], X, T, "relu", "softmax", LR, 1, 64)}
    if peer("torch") is not None:
        torch = peer("torch")
        ps = B.torch_autograd_train(B.torch_params(params0, grad=True), torch.tensor(X),
                                    torch.tensor(T), "relu", "softmax", LR, 1, 64)  # fmt: skip
        out["PyTorch autograd"] = [p.detach().numpy() for p in ps]
    return {k: max(float(np.max(np.abs(a - b))) for a, b in zip(v, ref, strict=True))
            for k, v in out.items()}  # fmt: skip


def run(quick=False):
    batch, repeats = (256, 3) if quick else (BATCH, 7)
    X, T, labels, net, params0 = setup(batch)
    ceiling = gemm_gflops(512 if quick else 1024)
    times = paired(backends(X, T, labels, net, params0), repeats=repeats, settle=1, rest=0.2)
    work = flops(batch=batch) / 1e9
    rows = {name: summary(t, work=work) for name, t in times.items()}
    for r in rows.values():
        r["vs_numpy"] = r["median"] / rows["NumPy"]["median"]
        r["of_ceiling"] = r["median"] / ceiling
    return {
        "title": f"Large batch: 784-512-512-10 ReLU/softmax, one SGD step on {batch} samples",
        "unit": "GFLOP/s",
        "workload": f"{flops(batch=batch) / 1e9:.2f} GFLOP per step, {repeats} paired runs; "
        f"ceiling = NumPy float64 GEMM {1024 if not quick else 512}^2; each timed step "
        "follows an untimed one of the same backend (BLAS threads of the previous one settle)",
        "ceiling_gflops": ceiling,
        "rows": rows,
        "max_weight_difference_vs_ffnn": same_maths(),
        "missing": [
            p for p, m in (("PyTorch", "torch"), ("scikit-learn", "sklearn")) if peer(m) is None
        ],  # fmt: skip
        "target": "ffnn >= 88% of the GEMM ceiling",
    }
