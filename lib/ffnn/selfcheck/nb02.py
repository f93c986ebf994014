"""Self-checks of notebook 02 (activation functions): the derivative of ELU with its
alpha, the two derivatives of PReLU (with respect to the input and to its learned slope),
the softmax Jacobian; the challenge of the activation widget.

Lectures: 000 (Rossi) "Exponential Linear: ELU"; 003 (Cheng) table of activations and
derivatives; 004 (Chen) "Generalizations of ReLUs"; 000 appendix A (softmax derivative).
Each function is called on a few inputs and compared with plain NumPy.
"""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

A = np.array([-3.0, -1.0, -0.2, 0.3, 1.5])  # away from the kink at 0


def _answer(fn, x, *rest):
    """The student's function on a fresh copy of x (a function may overwrite its input)."""
    return fn(np.array(x, dtype=float), *rest)


def _elu_prime_without_alpha(a, alpha=1.0):
    """A typical slip: ELU' = e^a for a <= 0, right only for alpha = 1."""
    return np.where(a > 0, 1.0, np.exp(a))


@exercise("02.1", "ELU'(a) for any alpha", wrong=_elu_prime_without_alpha, diagnosis="alpha")
def _(elu_prime):
    for alpha in (1.0, 0.5, 2.0):
        expected = np.where(A > 0, 1.0, alpha * np.exp(A))
        h = np.where(A > 0, A, alpha * (np.exp(A) - 1.0))
        check_close(f"elu_prime(a, alpha={alpha})", _answer(elu_prime, A, alpha), expected,
                    atol=1e-8, slips={
            "for a <= 0 the slope is alpha e^a = h + alpha: your function leaves alpha out "
            "(it is only right for alpha = 1)": np.where(A > 0, 1.0, np.exp(A)),
            "for a <= 0 the slope is h + alpha, with h = alpha (e^a - 1), not h + 1": h + 1.0,
            "that is ELU itself, h = f(a), not its derivative": h,
            "for a > 0 ELU is h = a, so its slope there is 1": np.where(A > 0, A, expected),
        })  # fmt: skip


def _prelu_alpha_fixed(a, alpha):
    """A typical slip: alpha treated as a constant, so dh/dalpha = 0."""
    return np.where(a > 0, 1.0, alpha), np.zeros_like(a)


@exercise("02.2", "PReLU's dh/da and dh/dalpha", wrong=_prelu_alpha_fixed, diagnosis="learned")
def _(prelu_grads):
    for alpha in (0.25, 0.01, -1.0):
        out = _answer(prelu_grads, A, alpha)
        try:
            dh_da, dh_dalpha = out
        except (TypeError, ValueError):
            raise AssertionError(
                "prelu_grads should return two arrays: (dh/da, dh/dalpha)"
            ) from None
        check_close(f"dh/da (alpha={alpha})", np.asarray(dh_da, dtype=float),
                    np.where(A > 0, 1.0, alpha), atol=1e-8, slips={
            "for a < 0 the slope of PReLU is alpha, not 0 (that is ReLU's)":
                np.where(A > 0, 1.0, 0.0),
            "that is h = PReLU(a) itself, not dh/da": np.where(A > 0, A, alpha * A),
        })  # fmt: skip
        check_close(f"dh/dalpha (alpha={alpha})", np.asarray(dh_dalpha, dtype=float),
                    np.minimum(A, 0.0), atol=1e-8, slips={
            "alpha is a learned parameter of PReLU: for a < 0, h = alpha a depends on it":
                np.zeros_like(A),
            "for a > 0, h = a does not depend on alpha": A,
            "h = alpha a for a < 0, so dh/dalpha is a there (not alpha)":
                np.where(A > 0, 0.0, alpha),
        })  # fmt: skip


def _softmax_jacobian_diagonal(y):
    """A typical slip: only the diagonal y_k (1 - y_k)."""
    return np.diag(y * (1 - y))


@exercise("02.3", "the softmax Jacobian dy_k/da_j", wrong=_softmax_jacobian_diagonal,
          diagnosis="off-diagonal")  # fmt: skip
def _(softmax_jacobian):
    for a in ([0.5, -1.0, 2.0], [1.0, 1.0, 1.0, 1.0], [3.0, 0.0]):
        y = np.exp(np.array(a) - max(a))
        y /= y.sum()
        expected = np.diag(y) - np.outer(y, y)
        check_close(f"softmax_jacobian(y) for y = {np.round(y, 3).tolist()}",
                    _answer(softmax_jacobian, y), expected, atol=1e-8, slips={
            "the off-diagonal entries are missing: y_k depends on every a_j, "
            "dy_k/da_j = -y_k y_j for j != k": np.diag(y * (1 - y)),
            "the Kronecker delta term y_k delta_kj is missing on the diagonal": -np.outer(y, y),
            "J[k, j] = y_k (delta_kj - y_j): the product is y_k y_j, not y_j": np.diag(y)
            - np.ones((len(y), 1)) * y,
        })  # fmt: skip


# ------------------------------------------------------------------------ widget challenge


@challenge("02.C1", "with the sigmoid, find a point a0 with |a0| >= 2 where its slope is still "
           "at least 0.1", name="sigmoid", alpha=0.1, a0=2.0)  # fmt: skip
def _(name, alpha, a0):
    """The slope f'(a0) that the widget prints, for the function the widget draws."""
    from ffnn.widgets import activations as aw

    _, _, df = aw.curves(name, alpha if name in ("leaky_relu", "elu") else None, a=[a0])
    value = float(df[0])
    return value, name == "sigmoid" and abs(a0) >= 2 and value >= 0.1
