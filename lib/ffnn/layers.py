"""Plain-NumPy twin of the network kernels, written as modular layers.

Lecture 002 (Drchal) "modular backprop": every module has a forward message
(its output) and a backward message (dL/d its input), plus parameter messages
(dL/d its parameters). Here each layer is a pair
    forward(x, ...) -> (out, cache)      backward(dout, cache) -> gradients
(the cs231n convention). ``backprop`` chains them for a whole ffnn.MLP; the
tests check it agrees with the compiled kernels in ffnn.network.
"""

import numpy as np

from . import activations as act
from . import losses


def dense_forward(X, W, b):
    """A = X W + b."""
    return X @ W + b, (X, W)


def dense_backward(dA, cache):
    """dX = dA W^T, dW = X^T dA, db = sum over rows of dA."""
    X, W = cache
    return dA @ W.T, X.T @ dA, dA.sum(axis=0)


def activation_forward(A, name, alpha=None):
    """H = f(A)."""
    fn = act.get(name, alpha)
    H = fn.f(A)
    return H, (A, H, fn)


def activation_backward(dH, cache):
    """dA = dH * f'(A) (elementwise); for softmax dA_k = y_k (dH_k - sum_j dH_j y_j)."""
    A, H, fn = cache
    if fn.code == act.SOFTMAX:
        return H * (dH - np.sum(dH * H, axis=1, keepdims=True))
    return dH * fn.df(A)


def loss_gradient(Y, T, loss, reduction="mean", half=True):
    """(L, dL/dY) from the outputs, written out in NumPy."""
    n = Y.shape[0]
    scale = 1.0 / n if reduction == "mean" else 1.0
    if loss == "squared":
        c = 0.5 if half else 1.0
        return scale * c * np.sum((Y - T) ** 2), scale * 2 * c * (Y - T)
    if loss == "bce":
        value = -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y))
        return scale * value, scale * (Y - T) / (Y * (1 - Y))
    if loss == "ce":
        return -scale * np.sum(T * np.log(Y)), -scale * T / Y
    if loss == "absolute":
        return scale * np.sum(np.abs(Y - T)), scale * np.sign(Y - T)
    raise ValueError(f"unknown loss {loss!r}")


def backprop(net, X, T, loss=None, reduction="mean", half=True, return_deltas=False):
    """(L, grads) for an ffnn.MLP, layer by layer in NumPy: the twin of loss_and_gradients.

    With return_deltas, also the list of deltas dL/dA^l per layer (first layer first).
    """
    loss = losses.get(loss or net.default_loss()).name
    h, caches = np.asarray(X, dtype=np.float64), []
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        A, dense_cache = dense_forward(h, W, b)
        name = net.output if l == net.n_layers - 1 else net.hidden
        h, act_cache = activation_forward(A, name, net.alpha)
        caches.append((dense_cache, act_cache))
    value, dH = loss_gradient(h, np.asarray(T, dtype=np.float64), loss, reduction, half)
    grads, deltas = [], []
    for dense_cache, act_cache in reversed(caches):
        dA = activation_backward(dH, act_cache)
        dH, dW, db = dense_backward(dA, dense_cache)
        grads, deltas = [dW, db, *grads], [dA, *deltas]
    return (value, grads, deltas) if return_deltas else (value, grads)
