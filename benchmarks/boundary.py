"""Workload 5: a decision-boundary frame, the forward pass of 2-8-8-1 (tanh hidden, sigmoid
output) over a 200 x 200 grid (40,000 points), float64: milliseconds per frame.

A frame is timed as a widget draws it during a drag: after 0.2 s of rest (so that the
previous backend's BLAS or OpenMP threads stop spinning) each backend draws STREAM untimed
frames, then the timed one. The rows "..., after idle" time instead the second frame after
the rest: cores that slept for 0.2 s run slower for a few milliseconds, and a backend on two
cores wakes two of them.
"""

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


STREAM, AFTER_IDLE = 10, 1  # untimed frames before the timed one


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
    rows = {}
    for suffix, settle in (("", STREAM), (", after idle", AFTER_IDLE)):
        times = paired(runs, repeats=repeats, settle=settle, rest=0.2)
        for name, secs in times.items():
            rows[name + suffix] = {
                "median": 1e3 * summary(secs)["seconds"],
                "min": 1e3 * min(secs),
                "max": 1e3 * max(secs),
                "runs": len(secs),
                "max_difference_vs_ffnn": float(np.max(np.abs(outputs[name] - outputs["ffnn"]))),
            }
        for name in times:
            r = rows[name + suffix]
            r["vs_numpy"] = rows["NumPy" + suffix]["median"] / r["median"]  # > 1 is faster
    return {
        "title": f"Decision-boundary frame: 2-8-8-1 forward on {resolution}x{resolution} points",
        "unit": "ms per frame",
        "workload": f"{resolution**2:,} points, {repeats} paired runs; each timed frame follows "
        f"0.2 s of rest and {STREAM} untimed frames of the same backend, as in a drag (rows "
        f"'after idle': {AFTER_IDLE} untimed frame)",
        "rows": rows,
        "target": "ffnn <= 9 ms float64",
    }
