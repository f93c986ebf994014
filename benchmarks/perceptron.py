"""Workload 4: Rosenblatt's perceptron on 10,000 linearly separable points in 20-D (margin
0.1): random picks ("steps") per second for ffnn, pure Python and NumPy per sample.

All three run the same algorithm with the same random picks (ffnn's xorshift64* generator,
re-implemented in Python), so they make the same steps and updates and end at the same w.
ffnn's timed call is ``perceptron.train`` as a user calls it (input checks included), run
FFNN_RUNS times in a row: one run lasts about a millisecond, shorter than the machine's
scheduling noise, while one NumPy run lasts about 0.1 s.
"""

import ffnn
import numpy as np
from ffnn.perceptron import add_bias, rng_state

from .common import paired, summary

MASK = 2**64 - 1
FFNN_RUNS = 10  # whole training runs per timed ffnn call


def python_picks(seed, N):
    """ffnn.perceptron.random_index in Python integers."""
    state = int(rng_state(seed)[0])
    while True:
        x = state
        x ^= x >> 12
        x = (x ^ (x << 25)) & MASK
        x ^= x >> 27
        state = x
        u = ((x * 0x2545F4914F6CDD1D) & MASK) >> 11
        yield int(u * (1.0 / 9007199254740992.0) * N)


def pure_python(Phi, t, w0, max_steps, seed):
    """Lists and loops: test all (from the last mistake) after each update, pick, update."""
    rows, t, w = Phi.tolist(), t.tolist(), list(w0)
    N, D = len(rows), len(w)
    picks = python_picks(seed, N)
    changed, last, updates = True, 0, 0
    for step in range(max_steps):
        if changed:
            for k in range(N):
                n = (last + k) % N
                if t[n] * sum(a * b for a, b in zip(w, rows[n])) <= 0.0:  # noqa: B905 (lean loop)
                    last = n
                    break
            else:
                return w, updates, step
            changed = False
        n = next(picks)
        row = rows[n]
        if t[n] * sum(a * b for a, b in zip(w, row)) <= 0.0:  # noqa: B905
            for d in range(D):
                w[d] += t[n] * row[d]
            updates += 1
            changed = True
    return w, updates, max_steps


def numpy_per_sample(Phi, t, w0, max_steps, seed):
    """One NumPy dot product per pick; the all-correct test as one matrix-vector product."""
    w = np.array(w0, dtype=np.float64)
    picks = python_picks(seed, len(Phi))
    changed, last, updates = True, 0, 0
    for step in range(max_steps):
        if changed:
            wrong = np.flatnonzero(t * (Phi @ w) <= 0.0)
            if wrong.size == 0:
                return w, updates, step
            after = wrong[wrong >= last]
            last = int(after[0] if after.size else wrong[0])
            changed = False
        n = next(picks)
        if t[n] * np.dot(Phi[n], w) <= 0.0:
            w += t[n] * Phi[n]
            updates += 1
            changed = True
    return w, updates, max_steps


def setup(n, dim):
    X, t = ffnn.datasets.separable(n, dim, margin=0.1, seed=0)
    w0 = np.random.default_rng(0).normal(size=dim + 1)  # what perceptron.train draws
    return X, t.ravel(), add_bias(X), w0


def run(quick=False):
    n, dim, repeats = (2000, 20, 2) if quick else (10_000, 20, 5)
    X, t, Phi, w0 = setup(n, dim)
    max_steps = 10_000_000
    results = {}

    def record(name, f):
        def g():
            results[name] = f()

        return g

    def ours():
        for _ in range(FFNN_RUNS):
            r = ffnn.perceptron.train(X, t, max_steps=max_steps, seed=0, w0=w0, max_trajectory=1)
        return r.weights, None, r.steps

    runs = {
        "ffnn": record("ffnn", ours),
        "pure Python": record("pure Python", lambda: pure_python(Phi, t, w0, max_steps, 0)),
        "NumPy per sample": record(
            "NumPy per sample", lambda: numpy_per_sample(Phi, t, w0, max_steps, 0)
        ),
    }
    times = paired(runs, repeats=repeats)
    ref = ffnn.perceptron.train(X, t, max_steps=max_steps, seed=0, w0=w0)
    steps, updates = ref.steps, int(ref.trajectory.shape[0] - 1)
    rows = {}
    for name, secs in times.items():
        w, _, s = results[name]
        runs_per_call = FFNN_RUNS if name == "ffnn" else 1
        rows[name] = summary(secs, work=s * runs_per_call) | {
            "steps": s,
            "same_run_as_ffnn": bool(s == steps and np.allclose(w, ref.weights, atol=1e-9)),
        }
    for r in rows.values():
        r["vs_numpy"] = r["median"] / rows["NumPy per sample"]["median"]
    return {
        "title": f"Perceptron: {n:,} separable points in {dim}-D",
        "unit": "steps/s",
        "workload": f"{steps:,} random picks, {updates} updates to convergence (seed 0), "
        f"{repeats} paired runs (ffnn: {FFNN_RUNS} whole `perceptron.train` calls per timed run)",
        "rows": rows,
        "converged": bool(ref.converged),
        "target": "ffnn >= 100x NumPy per sample",
    }
