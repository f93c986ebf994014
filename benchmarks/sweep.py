"""Workload 8: a scaling sweep. Training samples/s of ffnn, NumPy and PyTorch (autograd, CPU)
on 64-W-W-10 (tanh hidden, softmax + cross-entropy, plain SGD, float64), one forward,
backprop and update per batch,
  (a) as the hidden width W grows 16, 32, ..., 1,024 at batch 64, and
  (b) as the batch grows 1, 2, ..., 1,024 at width 128;
and, at the large end of each, the step's GFLOP/s as a share of the machine's float64 GEMM
ceiling measured in the same run. Small problems are decided by per-call overhead and the
elementwise work (where compiled loops win); large ones by the matrix products (BLAS).

ffnn trains through ``ffnn.train.fit`` as a user would (record="running": it also adds up
the batch losses, which the peers do not compute), NumPy and PyTorch through backends.py.
Each backend trains on the first n rows of the same data, n chosen per backend and point
(after an untimed warm-up call) so that one run lasts about ``TARGET_S``: a slow backend does
fewer batches, never different maths. Rounds are paired and shuffled (common.paired).
"""

import time

import ffnn
import numpy as np

from . import backends as B
from .common import gemm_gflops, paired, peer, summary

INPUTS, OUTPUTS, LR = 64, 10, 0.01
WIDTHS, WIDTH_BATCH = [16, 32, 64, 128, 256, 512, 1024], 64
BATCHES, BATCH_WIDTH = [2**k for k in range(11)], 128
TARGET_S, REPEATS = 0.03, 5
THREADED = 32 * 128  # batch x width from which OpenBLAS splits the products over threads
QUICK = {"widths": [16, 32], "batches": [1, 4], "target_s": 0.003, "repeats": 2}


def sizes(width):
    return [INPUTS, width, width, OUTPUTS]


def flops_per_sample(width):
    """FLOPs of the matrix products per sample: X W per layer, dW = H^T D per layer, and D W^T
    for every layer but the first (as in large_batch.flops)."""
    s = sizes(width)
    products = [a * b for a, b in zip(s[:-1], s[1:], strict=True)]
    return 2 * (2 * sum(products) + sum(products[1:]))


def setup(width, n, seed=0):
    """n random inputs, one-hot targets of 10 classes, the net and a copy of its start."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, INPUTS))
    T = ffnn.losses.one_hot(rng.integers(0, OUTPUTS, n), OUTPUTS)
    net = ffnn.MLP(sizes(width), hidden="tanh", output="softmax", init="xavier", seed=seed)
    return X, T, net, [p.copy() for p in net.params]


def backends(X, T, net, params0, batch):
    """name -> train(n): one epoch over the first n rows in batches of ``batch``, from the
    backend's current weights (each keeps its own copy, starting at params0); returns the
    weights as NumPy arrays."""
    net.set_params(params0)

    def ours(n):
        ffnn.train.fit(net, X[:n], T[:n], loss="ce", optimizer="sgd", lr=LR, epochs=1,
                       batch_size=batch, shuffle=False, record="running",
                       progress=False)  # fmt: skip
        return net.params

    numpy_params = [p.copy() for p in params0]
    runs = {
        "ffnn": ours,
        "NumPy": lambda n: B.numpy_train(
            numpy_params, X[:n], T[:n], "tanh", "softmax", LR, 1, batch
        ),
    }
    torch = peer("torch")
    if torch is not None:
        tp = B.torch_params(params0, grad=True)
        Xt, Tt = torch.tensor(X), torch.tensor(T)

        def autograd(n):
            B.torch_autograd_train(tp, Xt[:n], Tt[:n], "tanh", "softmax", LR, 1, batch)
            return [p.detach().numpy() for p in tp]

        runs["PyTorch autograd"] = autograd
    return runs


def same_maths(width=16, n=24, batches=(1, 5)):
    """Largest |weight difference| from ffnn after one epoch of the same steps from the same
    start, per backend and batch size (batch 1 runs ffnn's on-line kernel; 5 leaves a
    smaller last batch)."""
    out = {}
    for batch in batches:
        X, T, net, params0 = setup(width, n)
        runs = backends(X, T, net, params0, batch)
        ref = [p.copy() for p in runs.pop("ffnn")(n)]
        for name, train in runs.items():
            got = train(n)
            out[f"{name}, batch {batch}"] = max(
                float(np.max(np.abs(a - b))) for a, b in zip(got, ref, strict=True)
            )
    return out


def measure_point(width, batch, target_s, repeats):
    """samples/s of every backend at one (width, batch): calibrate n, then paired rounds.

    Where a backend uses both cores -- products big enough for BLAS threads, or a batch
    that ffnn cuts in two halves (ffnn.network.splits) -- each timed run follows a rest and
    an untimed run of the same backend (common.paired), so that the previous library's
    spinning worker threads do not steal the cores.
    """
    most = max(2 * batch, 16384 if batch < 64 else 4 * batch)
    X, T, net, params0 = setup(width, most)
    runs = backends(X, T, net, params0, batch)
    counts = {}
    for name, train in runs.items():
        probe = min(most, max(2 * batch, 64))
        train(probe)  # warm-up: compilation, allocator, thread pools
        took = []
        for _ in range(2):
            start = time.perf_counter()
            train(probe)
            took.append(time.perf_counter() - start)
        n = int(target_s * probe / min(took)) // batch * batch
        counts[name] = min(most // batch * batch, max(2 * batch, n))
    threaded = batch * width >= THREADED or ffnn.network.splits(net.layout, batch)
    times = paired(
        {name: (lambda f=train, n=counts[name]: f(n)) for name, train in runs.items()},
        repeats=repeats,
        warmup=0,
        settle=1 if threaded else 0,
        rest=0.1 if threaded else 0.01,
    )
    rows = {}
    for name, secs in times.items():
        rows[name] = summary(secs, work=counts[name]) | {"samples": counts[name]}
        rows[name]["gflops"] = rows[name]["median"] * flops_per_sample(width) / 1e9
    return rows


def sweep(points, width_of, batch_of, target_s, repeats):
    """{"points": [...], "rows": name -> [row per point]}."""
    rows = {}
    for p in points:
        for name, r in measure_point(width_of(p), batch_of(p), target_s, repeats).items():
            rows.setdefault(name, []).append(r)
    return {"points": list(points), "rows": rows}


def leads(points, ours, theirs):
    """Where ffnn is ahead of a peer: the ratio per point and the points where it leads."""
    ratios = [a["median"] / b["median"] for a, b in zip(ours, theirs, strict=True)]
    return {"ratios": ratios, "ahead_at": [p for p, r in zip(points, ratios, strict=True) if r > 1]}


def run(quick=False):
    cfg = (
        QUICK
        if quick
        else {"widths": WIDTHS, "batches": BATCHES, "target_s": TARGET_S, "repeats": REPEATS}
    )
    ceiling = gemm_gflops(256 if quick else 1024, repeats=3 if quick else 7)
    start = time.perf_counter()
    width = sweep(cfg["widths"], lambda w: w, lambda w: WIDTH_BATCH, cfg["target_s"],
                  cfg["repeats"])  # fmt: skip
    batch = sweep(cfg["batches"], lambda b: BATCH_WIDTH, lambda b: b, cfg["target_s"],
                  cfg["repeats"])  # fmt: skip
    seconds = time.perf_counter() - start
    large_end = {}
    for label, s in (
        (f"width {width['points'][-1]}, batch {WIDTH_BATCH}", width),
        (f"batch {batch['points'][-1]}, width {BATCH_WIDTH}", batch),
    ):
        large_end[label] = {
            name: {"gflops": rows[-1]["gflops"], "of_ceiling": rows[-1]["gflops"] / ceiling}
            for name, rows in s["rows"].items()
        }
    for s in (width, batch):
        ours = s["rows"]["ffnn"]
        s["ffnn_vs"] = {
            name: leads(s["points"], ours, rows) for name, rows in s["rows"].items()
            if name != "ffnn"
        }  # fmt: skip
    return {
        "title": "Scaling sweep: 64-W-W-10 tanh/softmax, SGD, float64, samples/s",
        "unit": "samples/s",
        "workload": f"(a) width W = {width['points'][0]}..{width['points'][-1]} at batch "
        f"{WIDTH_BATCH}; (b) batch {batch['points'][0]}..{batch['points'][-1]} at width "
        f"{BATCH_WIDTH}; each point {cfg['repeats']} paired rounds of ~{1e3 * cfg['target_s']:.0f}"
        f" ms runs per backend (a slower backend trains on fewer rows); sweep "
        f"{seconds:.0f} s; GEMM ceiling = NumPy float64 {256 if quick else 1024}^2",
        "ceiling_gflops": ceiling,
        "width": width | {"batch": WIDTH_BATCH},
        "batch": batch | {"width": BATCH_WIDTH},
        "large_end": large_end,
        "seconds": seconds,
        "max_weight_difference_vs_ffnn": same_maths(),
        "missing": ["PyTorch"] if peer("torch") is None else [],
    }
