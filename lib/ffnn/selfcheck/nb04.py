"""Self-checks of notebook 04 (output units and losses): the mean binary cross-entropy of two
predictions, the output delta of sigmoid + cross-entropy, a softmax with the stable shift, and
the challenge of the losses widget (where sigmoid + squared error learns slowly)."""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise
from ffnn.widgets import outputs

Y1, T1 = np.array([0.2, 0.9]), np.array([1.0, 0.0])  # exercise 04.1
A2, T2 = -2.0, 1.0  # exercise 04.2


def _bce(y, t):
    return -(t * np.log(y) + (1 - t) * np.log(1 - y))


@exercise(
    "04.1",
    "mean binary cross-entropy of y = [0.2, 0.9] for t = [1, 0]",
    wrong=float(np.mean(-np.log([0.8, 0.9]))),
    diagnosis="other class",
)
def _(answer):
    per_sample = _bce(Y1, T1)
    other = np.where(T1 == 1, 1 - Y1, Y1)  # the probability of the wrong class
    check_close("the mean cross-entropy", answer, per_sample.mean(), atol=5e-4, slips={
        "you took the log of the probability of the other class: the loss is -log y "
        "where t = 1 and -log(1 - y) where t = 0": np.mean(-np.log(other)),
        "that is the sum over the two samples; the exercise asks for the mean": per_sample.sum(),
        "you used the base-10 logarithm; cross-entropy uses the natural log (np.log)":
            per_sample.mean() / np.log(10),
        "that is the squared error (1/2 (y - t)^2, averaged), not the cross-entropy":
            0.5 * np.mean((Y1 - T1) ** 2),
    })  # fmt: skip


@exercise(
    "04.2",
    "the output delta dl/da of sigmoid + cross-entropy at a = -2, t = 1",
    wrong=-0.0925,
    diagnosis="cancels",
)
def _(answer):
    y = 1 / (1 + np.exp(-A2))
    check_close("dl/da", answer, y - T2, atol=5e-4, slips={
        "(y - t) y(1 - y) is the delta of sigmoid + squared error; with the cross-entropy the "
        "factor sigma'(a) = y(1 - y) cancels": (y - T2) * y * (1 - y),
        "that is dl/dy = -t/y + (1 - t)/(1 - y); multiply by dy/da = y(1 - y)":
            -T2 / y + (1 - T2) / (1 - y),
        "that is the output y itself: the delta is the output minus the target": y,
    })  # fmt: skip


def _softmax(A):
    """Independent reference: each row shifted by its own maximum."""
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


SOFTMAX_CASES = (
    np.array([[1.0, 2.0, 3.0]]),
    np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, 3.0, 3.0]]),
    np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]),  # exp overflows unshifted
)


def _naive_softmax(A):
    E = np.exp(A)
    return E / E.sum(axis=1, keepdims=True)


@exercise("04.3", "softmax of each row with the stable shift", wrong=_naive_softmax,
          diagnosis="shift")  # fmt: skip
def _(softmax):
    for A in SOFTMAX_CASES:
        name = f"softmax({A.tolist()})"
        with np.errstate(all="ignore"):
            got = softmax(A.copy())
        expected = _softmax(A)
        try:
            values = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is not None and values.shape == expected.shape:
            if not np.all(np.isfinite(values)):
                raise AssertionError(
                    f"{name} contains NaN or inf: exp overflowed (or every exp of a row "
                    "underflowed to 0); apply the stable shift: subtract each row's own "
                    "maximum before exp"
                )
        E = np.exp(A - A.max(axis=1, keepdims=True))
        check_close(name, got, expected, atol=1e-9, slips={
            "each row must sum to 1: normalise over the classes (axis=1), not over the "
            "samples": E / E.sum(axis=0, keepdims=True),
            "you forgot to normalise: divide each row by its sum": E,
        })  # fmt: skip


@challenge(
    "04.C1",
    "at t = 1, find an a0 where sigmoid + squared error's |dl/da| is at least 100 times "
    "smaller than sigmoid + cross-entropy's, while the cross-entropy's stays above 0.9",
    a0=-5.0,
    t=1.0,
)
def _(a0, t):
    table = outputs.delta_table(a0, t)  # what the widget prints
    ce = abs(table["sigmoid + cross-entropy"][2])
    sq = abs(table["sigmoid + squared error"][2])
    ratio = ce / sq if sq > 0 else np.inf
    return ratio, bool(t == 1.0 and ratio >= 100 and ce > 0.9)
