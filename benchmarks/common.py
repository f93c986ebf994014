"""Shared measuring tools: paired timing, statistics, the machine's record, optional peers."""

import datetime
import importlib
import os
import platform
import random
import statistics
import time

import numpy as np


def paired(runs, repeats=5, warmup=1, seed=0, settle=0, rest=0.0):
    """Time each callable of ``runs`` (name -> f()) ``repeats`` times, interleaved: every
    round runs each backend once, in a shuffled order, so machine noise hits them alike.

    Returns name -> list of seconds. ``warmup`` untimed rounds come first (compilation,
    caches, allocator). For multi-threaded work, ``rest`` seconds of sleep and then ``settle``
    untimed calls precede each timed one: the previous backend's worker threads (another
    OpenBLAS copy -- NumPy's, SciPy's for Numba -- or PyTorch's OpenMP pool) keep spinning
    for a while after a call and would otherwise steal the machine's 2 cores.
    """
    order = list(runs)
    rng = random.Random(seed)
    for _ in range(warmup):
        for name in order:
            runs[name]()
    times = {name: [] for name in order}
    for _ in range(repeats):
        rng.shuffle(order)
        for name in order:
            if rest:
                time.sleep(rest)
            for _ in range(settle):
                runs[name]()
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
    return times


def summary(seconds, work=1.0):
    """Median and min-max of ``work / seconds`` (a rate) plus the median time."""
    rates = [work / s for s in seconds]
    return {
        "median": statistics.median(rates),
        "min": min(rates),
        "max": max(rates),
        "seconds": statistics.median(seconds),
        "runs": len(seconds),
    }


def peer(name):
    """The module if installed, else None (a missing peer is reported, never an error)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def versions():
    out = {"python": platform.python_version()}
    for name in ("numpy", "numba", "scipy", "torch", "sklearn", "matplotlib", "ffnn"):
        module = peer(name)
        out[name] = getattr(module, "__version__", "?") if module else "missing"
    return out


def machine():
    """CPU model, cores, memory, BLAS, thread settings and the date of the run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    blas = "?"
    try:
        config = np.show_config(mode="dicts")
        info = config.get("Build Dependencies", {}).get("blas", {})
        blas = f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except (TypeError, AttributeError):
        pass
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "numpy_blas": blas,
        "threads": {k: os.environ.get(k, "") for k in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")},
        "versions": versions(),
    }


def gemm_gflops(n=1024, dtype=np.float64, repeats=7):
    """The matrix-multiply ceiling: GFLOP/s of NumPy's BLAS on n x n (median of ``repeats``)."""
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(n, n)).astype(dtype), rng.normal(size=(n, n)).astype(dtype)
    C = np.empty((n, n), dtype=dtype)
    times = paired({"gemm": lambda: np.dot(A, B, out=C)}, repeats=repeats, settle=1, rest=0.2)[
        "gemm"
    ]
    return 2 * n**3 / statistics.median(times) / 1e9


def fmt_rate(x):
    """1.53M, 312k, 950 -- short, three significant figures."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:.3g}{suffix}"
    return f"{x:.3g}"


def ulps(got, ref):
    """Largest distance of ``got`` from ``ref`` in units in the last place of ``ref`` (equal
    values, infinities and NaNs included, count 0; a NaN against a number counts inf)."""
    got, ref = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    with np.errstate(invalid="ignore"):
        dist = np.abs(got - ref) / np.spacing(np.abs(ref))
    dist = np.where(same, 0.0, np.where(np.isnan(dist), np.inf, dist))
    return float(dist.max())


def activation_grid():
    """Pre-activations from the subnormals to overflow: a dense linear grid over [-40, 40]
    (every range-reduction step of tanh and exp), +-10^k for k in [-320, 308], and the ends."""
    dense = np.linspace(-40.0, 40.0, 400_001)
    powers = 10.0 ** np.linspace(-320.0, 308.0, 20_001)
    ends = [0.0, -0.0, 5e-324, -5e-324, 709.78, -709.78, 745.2, -745.2, 1e308, -1e308]
    return np.concatenate([dense, powers, -powers, ends, [np.inf, -np.inf]])


NUMPY_ACTIVATIONS = {
    "sigmoid": (
        "1 / (1 + exp(-a)), exp(a) / (1 + exp(a)) for a < 0",
        lambda a: np.where(
            a >= 0,
            1.0 / (1.0 + np.exp(-np.abs(a))),
            np.exp(-np.abs(a)) / (1.0 + np.exp(-np.abs(a))),
        ),
    ),  # fmt: skip
    "tanh": ("np.tanh", np.tanh),
    "relu": ("np.maximum(a, 0)", lambda a: np.maximum(a, 0.0)),
    "leaky_relu": ("np.where(a > 0, a, 0.01 a)", lambda a: np.where(a > 0, a, 0.01 * a)),
    "elu": ("np.where(a > 0, a, np.expm1(a))", lambda a: np.where(a > 0, a, np.expm1(a))),
    "softmax": (
        "e = exp(a - max a); e / sum e, rows of 10",
        lambda A: (lambda e: e / e.sum(axis=1, keepdims=True))(
            np.exp(A - A.max(axis=1, keepdims=True))
        ),
    ),
}


def activation_ulps():
    """name -> (largest distance in ulp of ffnn's activation from NumPy's on the grid, the
    NumPy reference). softmax runs on rows of 10 finite grid values."""
    import ffnn

    a = activation_grid()
    out = {}
    with np.errstate(over="ignore", invalid="ignore"):
        for name, (formula, ref) in NUMPY_ACTIVATIONS.items():
            if name == "softmax":
                finite = a[np.isfinite(a) & (np.abs(a) < 700)]
                A = finite[: finite.size // 10 * 10].reshape(-1, 10)
                got, want = ffnn.activations.softmax(A), ref(A)
            else:
                got, want = ffnn.activations.get(name).f(a), ref(a)
            out[name] = {"max_ulp": ulps(got, want), "numpy": formula}
    return out
