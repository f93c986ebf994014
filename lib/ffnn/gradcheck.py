"""Numerical gradients by central differences, to check backprop.

  dL/dtheta_i ~= (L(theta + h e_i) - L(theta - h e_i)) / (2h)    (error O(h^2))
  relative error = ||g_bp - g_num|| / max(||g_bp|| + ||g_num||, tiny)
Below ~1e-7 the two agree (float64); above ~1e-3 something is wrong.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar f() at x (perturbed in place, then
    restored; x may be a view such as W.T: each entry is perturbed where it lives)."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(
            f"x must be a float64 NumPy array (perturbed in place), got {type(x).__name__} "
            f"of {getattr(x, 'dtype', '?')}"
        )
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2.0 * h)
    return grad


def numerical_gradients(net, X, T, loss=None, reduction="mean", half=True, h=1e-6):
    """dL/dtheta of an MLP by central differences, as a list parallel to net.params."""

    def L():
        return net.loss(X, T, loss=loss, reduction=reduction, half=half)

    flat = numerical_gradient(L, net.theta, h)
    return net.views(flat)


def relative_error(net, X, T, loss=None, reduction="mean", half=True, h=1e-6):
    """||backprop - numerical|| / (||backprop|| + ||numerical||) over all parameters."""
    _, grads = net.loss_and_gradients(X, T, loss=loss, reduction=reduction, half=half)
    num = numerical_gradients(net, X, T, loss=loss, reduction=reduction, half=half, h=h)
    return compare(grads.flat, num.flat)


def compare(a, b):
    """Relative error ||a - b|| / (||a|| + ||b||) (0 when both are 0)."""
    a, b = np.ravel(a), np.ravel(b)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)
