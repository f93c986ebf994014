"""Loss functions: value and gradient, and the output delta dL/da of the last layer.

Lectures: 000 (Rossi) "output units and error functions"; 002 (Drchal) loss
table; 004 (Chen) cost functions from maximum likelihood, softplus form of
the sigmoid + cross-entropy loss, stable softmax.

Conventions (the lectures differ, so both are available):
- reduction: ``"mean"`` (default) averages the per-sample losses over the n
  samples, ``"sum"`` adds them (Rossi's E = sum_n E_n).
- squared error carries the 1/2 by default (``half=True``):
  l = 1/2 sum_k (y_k - t_k)^2, so dl/dy = y - t (as in 001's worked example);
  ``half=False`` gives l = sum_k (y_k - t_k)^2 and dl/dy = 2 (y - t).
- per sample: bce l = -sum_k [t_k ln y_k + (1 - t_k) ln(1 - y_k)];
  ce l = -sum_k t_k ln y_k (one-hot t); absolute l = sum_k |y_k - t_k| (Laplace).

Matched pairs give the output delta dl/da = y - t (000 appendix): identity +
squared error (with the 1/2), sigmoid + binary cross-entropy, softmax +
cross-entropy. The kernels use that shortcut and compute those losses from the
pre-activation ``a`` (softplus / log-sum-exp form) so they never take log(0).
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit

from . import activations as act
from ._checks import as_matrix, lookup, same_rows

SQUARED, BCE, CE, ABSOLUTE = range(4)
_CODES = {
    "squared": SQUARED,
    "mse": SQUARED,
    "bce": BCE,
    "binary_cross_entropy": BCE,
    "ce": CE,
    "cross_entropy": CE,
    "absolute": ABSOLUTE,
    "mae": ABSOLUTE,
}
NAMES = ("squared", "bce", "ce", "absolute")
EPS = 1e-12  # floor inside log(y) when a loss is evaluated from y alone

Pairing = namedtuple("Pairing", "loss output alpha half")
Pairing.__doc__ = """An output unit and its loss as the kernels read them: the loss code,
the output activation's code (ffnn.activations), its alpha, and the 1/2 of the squared
error. The network's Spec (ffnn.network) has these fields too and serves as one."""


@njit(cache=True)
def softplus(a):
    """ln(1 + e^a) without overflow."""
    if a > 0.0:
        return a + math.log1p(math.exp(-a))
    return math.log1p(math.exp(a))


@njit(cache=True)
def is_matched(loss, out, half):
    """True when dl/da = y - t exactly (the lectures' canonical pairs)."""
    return (
        (loss == SQUARED and out == act.IDENTITY and half)
        or (loss == BCE and out == act.SIGMOID)
        or (loss == CE and out == act.SOFTMAX)
    )


@njit(cache=True, inline="always")
def loss_sum(pair, A, Y, T):
    """Sum over samples of the per-sample loss; uses a when the pair allows a stable form."""
    loss, out, half = pair.loss, pair.output, pair.half
    n, K = Y.shape
    total = 0.0
    for i in range(n):
        if loss == CE and out == act.SOFTMAX:
            # -sum_k t_k (a_k - logsumexp(a))
            m = A[i, 0]  # a loop, not A[i].max(): the on-line kernel runs without NRT
            for k in range(1, K):
                m = max(m, A[i, k])
            s = 0.0
            for k in range(K):
                s += act.exp_(A[i, k] - m)
            lse = m + math.log(s)
            for k in range(K):
                total -= T[i, k] * (A[i, k] - lse)
            continue
        for k in range(K):
            y, t = Y[i, k], T[i, k]
            if loss == SQUARED:
                total += (0.5 if half else 1.0) * (y - t) ** 2
            elif loss == ABSOLUTE:
                total += abs(y - t)
            elif loss == BCE and out == act.SIGMOID:
                # -t ln s(a) - (1-t) ln(1 - s(a)) = softplus(a) - t a
                total += softplus(A[i, k]) - t * A[i, k]
            elif loss == BCE:
                total -= t * math.log(max(y, EPS)) + (1.0 - t) * math.log(max(1.0 - y, EPS))
            else:  # CE with a non-softmax output
                total -= t * math.log(max(y, EPS))
    return total


@njit(cache=True)
def loss_grad_y(loss, y, t, half):
    """dl/dy for one output unit."""
    if loss == SQUARED:
        return (1.0 if half else 2.0) * (y - t)
    if loss == ABSOLUTE:
        return 1.0 if y > t else (-1.0 if y < t else 0.0)
    if loss == BCE:
        y = min(max(y, EPS), 1.0 - EPS)
        return (y - t) / (y * (1.0 - y))
    y = max(y, EPS)
    return -t / y  # CE


@njit(cache=True, inline="always")
def output_delta(pair, A, Y, T, scale, delta):
    """delta = dL/da for the output layer, times ``scale`` (1/n for the mean).

    Matched pairs: delta = y - t. Otherwise the chain rule
    delta_k = dl/dy_k f'(a_k), or for softmax delta_k = y_k (g_k - sum_j g_j y_j).
    """
    loss, out, alpha, half = pair.loss, pair.output, pair.alpha, pair.half
    n, K = Y.shape
    if is_matched(loss, out, half):
        for i in range(n):
            for k in range(K):
                delta[i, k] = scale * (Y[i, k] - T[i, k])
        return delta
    for i in range(n):
        if out == act.SOFTMAX:
            gy = 0.0
            for k in range(K):
                gy += loss_grad_y(loss, Y[i, k], T[i, k], half) * Y[i, k]
            for k in range(K):
                g = loss_grad_y(loss, Y[i, k], T[i, k], half)
                delta[i, k] = scale * Y[i, k] * (g - gy)
        else:
            for k in range(K):
                g = loss_grad_y(loss, Y[i, k], T[i, k], half)
                delta[i, k] = scale * g * act.derivative(out, A[i, k], Y[i, k], alpha)
    return delta


Loss = namedtuple("Loss", "name code reduction half")


def get(loss, reduction="mean", half=True):
    """Loss(name, code, reduction, half) from a name ("squared", "bce", "ce", "absolute")."""
    if isinstance(loss, Loss):
        return loss
    code = lookup(_CODES, loss, "loss")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    return Loss(NAMES[code], code, reduction, bool(half))


def _prepare(Y, T):
    Y = as_matrix(Y, "Y")
    T = as_matrix(T, "T")
    if Y.shape != T.shape:
        same_rows(Y, T, ("Y", "T"))
        raise ValueError(f"Y and T must have the same shape, got {Y.shape} and {T.shape}")
    return Y, T


def _from_y(spec):
    """The Pairing for a loss read from Y alone: an identity output, so a = y."""
    return Pairing(spec.code, act.IDENTITY, 0.0, spec.half)


def value(loss, Y, T, reduction="mean", half=True):
    """L(Y, T) from the outputs Y alone (no pre-activation, so logs are floored at 1e-12)."""
    spec = get(loss, reduction, half)
    Y, T = _prepare(Y, T)
    total = loss_sum(_from_y(spec), Y, Y, T)
    return total / Y.shape[0] if spec.reduction == "mean" else total


def gradient(loss, Y, T, reduction="mean", half=True):
    """dL/dY, same shape as Y."""
    spec = get(loss, reduction, half)
    Y, T = _prepare(Y, T)
    scale = 1.0 / Y.shape[0] if spec.reduction == "mean" else 1.0
    G = np.empty_like(Y)
    # identity output: delta = dL/dY (the shortcut y - t agrees with it for half squared)
    return output_delta(_from_y(spec), Y, Y, T, scale, G)


def squared_error(Y, T, reduction="mean", half=True):
    """L = 1/2 sum_k (y_k - t_k)^2 per sample (no 1/2 if half=False), averaged or summed."""
    return value(NAMES[SQUARED], Y, T, reduction, half)


def binary_cross_entropy(Y, T, reduction="mean"):
    """L = -sum_k [t_k ln y_k + (1 - t_k) ln(1 - y_k)] per sample."""
    return value(NAMES[BCE], Y, T, reduction)


def cross_entropy(Y, T, reduction="mean"):
    """L = -sum_k t_k ln y_k per sample (t one-hot)."""
    return value(NAMES[CE], Y, T, reduction)


def absolute_error(Y, T, reduction="mean"):
    """L = sum_k |y_k - t_k| per sample (Laplace likelihood; its minimiser is the median)."""
    return value(NAMES[ABSOLUTE], Y, T, reduction)


def one_hot(labels, n_classes=None):
    """One-hot rows T[i, labels[i]] = 1 for integer class labels 0..K-1."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if labels.size and labels.min() < 0:
        raise ValueError("labels must be non-negative class indices")
    K = int(labels.max()) + 1 if n_classes is None else int(n_classes)
    if labels.size and labels.max() >= K:
        raise ValueError(f"labels must be < n_classes={K}, got max {labels.max()}")
    T = np.zeros((labels.size, K))
    T[np.arange(labels.size), labels] = 1.0
    return T
