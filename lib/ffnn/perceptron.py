"""Rosenblatt's perceptron algorithm (Rossi, lecture 000, "The perceptron algorithm (1/7)-(7/7)").

Bias trick: phi(x) = [1, x_1, ..., x_D], so w = [w_0, w_1, ..., w_D] and
w_0 is the bias. Labels t in {+1, -1} (0 is read as -1). The algorithm:
  start: w random, t = 0
  test:  stop if every point is correctly classified (t_n w^T phi(x_n) > 0);
         pick x_n at random;
         if t_n w^T phi(x_n) <= 0:  w <- w + t_n phi(x_n)   (add for C1, subtract for C2)
The perceptron theorem: on linearly separable data this stops after finitely
many updates; on XOR it never does, so a step budget ends the run.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from ._checks import as_matrix, positive_int

PerceptronResult = namedtuple("PerceptronResult", "weights trajectory updated converged steps")
PerceptronResult.__doc__ = """Result of ffnn.perceptron.train.

weights: final w (D + 1,), w[0] the bias; trajectory: w after each update,
(n_updates + 1, D + 1), row 0 the start; updated: index of the sample used
for each update; converged: all points correct; steps: random picks made."""


@njit(cache=True)
def all_correct(w, Phi, t):
    """True when t_n w^T phi(x_n) > 0 for every n."""
    for n in range(Phi.shape[0]):
        s = 0.0
        for d in range(Phi.shape[1]):
            s += w[d] * Phi[n, d]
        if t[n] * s <= 0.0:
            return False
    return True


@njit(cache=True)
def perceptron_kernel(Phi, t, w, max_steps, seed, trajectory, updated):
    """Run the algorithm in place on w; returns (n_updates, steps, converged).

    The full "all correct?" test is repeated only after w has changed: between
    updates its answer cannot change, so skipping it gives the same run.
    """
    np.random.seed(seed)  # noqa: NPY002 (Numba's own generator inside the kernel)
    N, D = Phi.shape
    n_updates = 0
    trajectory[0, :] = w
    changed = True
    for step in range(max_steps):
        if changed:
            if all_correct(w, Phi, t):
                return n_updates, step, True
            changed = False
        n = np.random.randint(0, N)  # noqa: NPY002
        s = 0.0
        for d in range(D):
            s += w[d] * Phi[n, d]
        if t[n] * s <= 0.0:  # misclassified: add (t = +1) or subtract (t = -1)
            for d in range(D):
                w[d] += t[n] * Phi[n, d]
            if n_updates + 1 < trajectory.shape[0]:
                trajectory[n_updates + 1, :] = w
                updated[n_updates] = n
            n_updates += 1
            changed = True
    return n_updates, max_steps, all_correct(w, Phi, t)


def add_bias(X):
    """phi(x) = [1, x]: a column of ones in front of X."""
    X = as_matrix(X, "X")
    return np.hstack([np.ones((X.shape[0], 1)), X])


def check_labels(t, n):
    t = np.asarray(t, dtype=np.float64).reshape(-1)
    if t.size != n:
        raise ValueError(f"t must hold one label per sample ({n}), got {t.size}")
    values = set(np.unique(t).tolist())
    if not values <= {-1.0, 1.0} and not values <= {0.0, 1.0}:
        raise ValueError(f"labels must be +1/-1 (or 1/0), got values {sorted(values)}")
    return np.where(t > 0, 1.0, -1.0)


def train(X, t, max_steps=10_000, seed=0, w0=None, max_trajectory=100_000):
    """Run Rosenblatt's algorithm on (X, t); returns a PerceptronResult.

    ``w0`` is the start [w_0, w_1, ..., w_D] (default: N(0, 1) from ``seed``);
    the trajectory keeps at most ``max_trajectory`` updates.
    """
    Phi = add_bias(X)
    labels = check_labels(t, Phi.shape[0])
    max_steps = positive_int(max_steps, "max_steps")
    if w0 is None:
        w = np.random.default_rng(seed).normal(size=Phi.shape[1])
    else:
        w = np.array(w0, dtype=np.float64).reshape(-1)
        if w.size != Phi.shape[1] or not np.all(np.isfinite(w)):
            raise ValueError(f"w0 must hold {Phi.shape[1]} finite numbers [w_0 (bias), w_1, ...]")
    cap = max(1, int(max_trajectory))
    trajectory = np.empty((cap + 1, Phi.shape[1]))
    updated = np.empty(cap, dtype=np.int64)
    n_updates, steps, converged = perceptron_kernel(
        Phi, labels, w, max_steps, int(seed), trajectory, updated
    )
    kept = min(n_updates, cap)
    return PerceptronResult(
        w, trajectory[: kept + 1].copy(), updated[:kept].copy(), bool(converged), int(steps)
    )


def predict(w, X):
    """f(w^T phi(x)): +1 where w^T phi(x) >= 0, else -1 (Rossi's f(a))."""
    Phi = add_bias(X)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    if w.size != Phi.shape[1]:
        raise ValueError(f"w must hold {Phi.shape[1]} numbers [w_0 (bias), w_1, ...], got {w.size}")
    return np.where(Phi @ w >= 0.0, 1, -1)


def hyperplane(w):
    """Unit normal w/||w|| and signed distance -w_0/||w|| from the origin of w_0 + w.x = 0."""
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    norm = np.linalg.norm(w[1:])
    if norm == 0:
        raise ValueError("w[1:] is zero: no hyperplane")
    return w[1:] / norm, -w[0] / norm
