"""Workload 5: a decision-boundary frame, the forward pass of 2-8-8-1 (tanh hidden, sigmoid
output) over a 200 x 200 grid (40,000 points), float64: milliseconds per frame."""

import ffnn
import numpy as np

from . import backends as B
from .common import paired, peer, summary


def setup(resolution):
    xs = np.linspace(-1.5, 1.5, resolution)
    x1, x2 = np.meshgrid(xs, xs)
    G = np.c_[x1.ravel(), x2.ravel()]
    net = ffnn.MLP([2, 8, 8, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    return G, net


def run(quick=False):
    resolution, repeats = (100, 5) if quick else (200, 21)
    G, net = setup(resolution)
    params = [p.copy() for p in net.params]
    outputs = {}
    runs = {
        "ffnn": lambda: outputs.__setitem__("ffnn", net.forward(G)),
        "NumPy": lambda: outputs.__setitem__(
            "NumPy", B.numpy_forward(params, G, "tanh", "sigmoid")
        ),
    }
    torch = peer("torch")
    if torch is not None:
        tp, Gt = B.torch_params(params), torch.tensor(G)
        runs["PyTorch"] = lambda: outputs.__setitem__(
            "PyTorch", B.torch_forward(tp, Gt, "tanh", "sigmoid").numpy()
        )
    times = paired(
        runs, repeats=repeats, settle=1, rest=0.2
    )  # let the other's BLAS/OpenMP threads rest
    rows = {}
    for name, secs in times.items():
        s = summary(secs)  # frames per second
        rows[name] = {
            "median": 1e3 * s["seconds"],
            "min": 1e3 * min(secs),
            "max": 1e3 * max(secs),
            "runs": s["runs"],
            "max_difference_vs_ffnn": float(np.max(np.abs(outputs[name] - outputs["ffnn"]))),
        }
    for r in rows.values():
        r["vs_numpy"] = rows["NumPy"]["median"] / r["median"]  # speed-up: > 1 is faster
    return {
        "title": f"Decision-boundary frame: 2-8-8-1 forward on {resolution}x{resolution} points",
        "unit": "ms per frame",
        "workload": f"{resolution**2:,} points, {repeats} paired runs (each after an untimed one)",
        "rows": rows,
        "target": "ffnn <= 9 ms float64",
    }
