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


@njit(cache=True, fastmath={"reassoc", "contract"})
def score(w, X, n):
    """w^T phi(x_n) = w_0 + w_1 x_n1 + ... + w_D x_nD, with phi(x) = [1, x].

    The kernels read phi(x_n) straight from row n of X (its leading 1 is the w_0 term),
    so no copy of X with a column of ones is ever made. The only kernel with fast-math:
    the sum may be reordered (vectorised), which can change its last bits. It only feeds
    the sign test t_n w^T phi(x_n) <= 0, so that matters only for a point lying on the
    hyperplane to within rounding; in exchange a step costs ~7 ns instead of ~16 ns.
    """
    s = w[0]
    for d in range(X.shape[1]):
        s += w[d + 1] * X[n, d]
    return s


@njit(cache=True)
def first_mistake(w, X, t, start):
    """The first n (scanning from ``start``, wrapping round) with t_n w^T phi(x_n) <= 0, or -1."""
    N = X.shape[0]
    for k in range(N):
        n = start + k
        if n >= N:
            n -= N
        if t[n] * score(w, X, n) <= 0.0:
            return n
    return -1


@njit(cache=True)
def all_correct(w, X, t):
    """True when t_n w^T phi(x_n) > 0 for every n."""
    return first_mistake(w, X, t, 0) < 0


@njit(cache=True)
def random_index(state, N):
    """A uniform pick from 0..N-1 by xorshift64* (Vigna 2016) on state[0]; updates the state.

    A few ns instead of ~16 ns for Numba's np.random.randint, which would
    otherwise dominate the algorithm's steps."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    u = (x * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)  # 53 random bits
    return int(u * 2.0**-53 * N)


def rng_state(seed):
    """A non-zero xorshift state from an integer seed (splitmix64 of the seed)."""
    z = (int(seed) + 0x9E3779B97F4A7C15) % 2**64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    return np.array([(z ^ (z >> 31)) or 1], dtype=np.uint64)


@njit(cache=True)
def perceptron_kernel(X, t, w, max_steps, state, trajectory, updated):
    """Run the algorithm in place on w = [w_0, w_1, ..., w_D]; returns (n_updates, steps,
    converged). phi(x_n) = [1, x_n] is row n of X behind a 1 (see score).

    The full "all correct?" test is repeated only after w has changed: between
    updates its answer cannot change, so skipping it gives the same run. It
    scans from the last mistake it found, where the next one is likely to be.
    ``state`` is the random generator's state (see rng_state).
    """
    N, D = X.shape
    n_updates = 0
    trajectory[0, :] = w
    changed = True
    last = 0
    for step in range(max_steps):
        if changed:
            last = first_mistake(w, X, t, last)
            if last < 0:
                return n_updates, step, True
            changed = False
        n = random_index(state, N)
        if t[n] * score(w, X, n) <= 0.0:  # misclassified: w <- w + t_n phi(x_n)
            w[0] += t[n]  # (add for t_n = +1, subtract for t_n = -1)
            for d in range(D):
                w[d + 1] += t[n] * X[n, d]
            if n_updates + 1 < trajectory.shape[0]:
                trajectory[n_updates + 1, :] = w
                updated[n_updates] = n
            n_updates += 1
            changed = True
    return n_updates, max_steps, all_correct(w, X, t)


def add_bias(X):
    """phi(x) = [1, x]: a column of ones in front of X."""
    X = as_matrix(X)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def check_labels(t, n):
    """t as n float labels +1/-1 (1/0 read as +1/-1), else ValueError. Labels that are
    already +1/-1 floats come back as they are (no copy)."""
    t = np.asarray(t, dtype=np.float64).ravel()
    if t.size != n:
        raise ValueError(f"t must hold one label per sample ({n}), got {t.size}")
    plus = t == 1.0
    if np.all(plus | (t == -1.0)):
        return t
    if np.all(plus | (t == 0.0)):
        return np.where(plus, 1.0, -1.0)
    values = sorted(set(np.unique(t).tolist()))
    raise ValueError(f"labels must be +1/-1 (or 1/0), got values {values}")


def train(X, t, max_steps=10_000, seed=0, w0=None, max_trajectory=100_000):
    """Run Rosenblatt's algorithm on (X, t); returns a PerceptronResult.

    ``w0`` is the start [w_0, w_1, ..., w_D] (default: N(0, 1) from ``seed``);
    the trajectory keeps at most ``max_trajectory`` updates.
    """
    X = as_matrix(X)  # checked, not copied when already a C-contiguous float array
    labels = check_labels(t, X.shape[0])
    max_steps = positive_int(max_steps, "max_steps")
    size = X.shape[1] + 1  # [w_0 (bias), w_1, ..., w_D]
    if w0 is None:
        w = np.random.default_rng(seed).normal(size=size)
    else:
        w = np.array(w0, dtype=np.float64).ravel()
        if w.size != size or not np.all(np.isfinite(w)):
            raise ValueError(f"w0 must hold {size} finite numbers [w_0 (bias), w_1, ...]")
    cap = max(1, int(max_trajectory))
    trajectory = np.empty((cap + 1, size))
    updated = np.empty(cap, dtype=np.int64)
    n_updates, steps, converged = perceptron_kernel(
        X, labels, w, max_steps, rng_state(seed), trajectory, updated
    )
    kept = min(n_updates, cap)
    return PerceptronResult(
        w, trajectory[: kept + 1].copy(), updated[:kept].copy(), bool(converged), int(steps)
    )


def predict(w, X):
    """f(w^T phi(x)): +1 where w^T phi(x) >= 0, else -1 (Rossi's f(a))."""
    Phi = add_bias(X)
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.size != Phi.shape[1]:
        raise ValueError(f"w must hold {Phi.shape[1]} numbers [w_0 (bias), w_1, ...], got {w.size}")
    return np.where(Phi @ w >= 0.0, 1, -1)


def hyperplane(w):
    """Unit normal w/||w|| and signed distance -w_0/||w|| from the origin of w_0 + w.x = 0."""
    w = np.asarray(w, dtype=np.float64).ravel()
    norm = np.linalg.norm(w[1:])
    if norm == 0:
        raise ValueError("w[1:] is zero: no hyperplane")
    return w[1:] / norm, -w[0] / norm
