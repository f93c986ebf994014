"""Self-checks of notebook 01 (neurons and the perceptron): the signed distance of a
neuron's line from the origin, the perceptron criterion, one perceptron update by hand;
the challenges of the hyperplane widget and of the step-by-step perceptron widget.

Lecture: 000 (Rossi) "Hyperplane geometry: bias" (d = -b/||w||), "The perceptron
algorithm (3/7)-(7/7)". Weights use the bias trick, w = [w0 (bias), w1, w2].
"""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

# 01.1: the line 2 + 3 x1 - 4 x2 = 0
W_LINE = np.array([2.0, 3.0, -4.0])

# 01.2: five labelled points and a weight vector
X_CRIT = np.array([[1.0, 1.0], [2.0, -1.0], [0.0, 0.2], [-1.0, 1.5], [0.5, 0.5]])
T_CRIT = np.array([1.0, -1.0, 1.0, -1.0, -1.0])
W_CRIT = np.array([-1.0, 1.0, 2.0])

# 01.3: one update on a misclassified point of class C2
W_UPDATE, X_UPDATE, T_UPDATE = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.5]), -1.0


def _phi(X):
    X = np.atleast_2d(X)
    return np.hstack([np.ones((X.shape[0], 1)), X])


@exercise("01.1", "signed distance of the line 2 + 3 x1 - 4 x2 = 0 from the origin",
          wrong=0.4, diagnosis="sign")  # fmt: skip
def _(answer):
    b, w = W_LINE[0], W_LINE[1:]
    d = -b / np.sqrt(np.sum(w**2))
    check_close("d", answer, d, atol=5e-4, slips={
        "the sign: d = -b/||w|| is measured along the normal w; with b > 0, on which "
        "side of the origin does the line lie?": -d,
        "||w|| is the norm of (w1, w2) only: the bias w0 is not part of the normal": -b
        / np.sqrt(np.sum(W_LINE**2)),
        "divide b by ||w||, not by ||w||^2": -b / np.sum(w**2),
        "d = -b/||w||: divide by the length of w": -b,
        "||w|| is the Euclidean norm sqrt(w1^2 + w2^2), not |w1| + |w2|": -b / np.sum(np.abs(w)),
    })  # fmt: skip


@exercise("01.2", "the perceptron criterion E_p(w) on five points", wrong=3, diagnosis="0/1")
def _(answer):
    margins = T_CRIT * (_phi(X_CRIT) @ W_CRIT)
    wrong = margins <= 0
    e_p = -np.sum(margins[wrong])
    check_close("E_p(w)", answer, e_p, atol=5e-4, slips={
        "that is the number of misclassified points, the 0/1 loss; E_p adds up how far "
        "each of them is on the wrong side, -t_n w.phi(x_n)": np.sum(wrong),
        "E_p sums only over the misclassified points (the set M), not over all points":
            -np.sum(margins),
        "E_p is a sum over M, not a mean": e_p / np.sum(wrong),
        "E_p is a sum over M, not a mean over all points": e_p / len(margins),
    })  # fmt: skip


@exercise("01.3", "one perceptron update by hand", wrong=[1.5, 0.0, 2.5], diagnosis="subtract")
def _(answer):
    phi = _phi(X_UPDATE)[0]
    misclassified = T_UPDATE * (W_UPDATE @ phi) <= 0
    expected = W_UPDATE + T_UPDATE * phi if misclassified else W_UPDATE
    check_close("w after the update", answer, expected, atol=5e-4, slips={
        "the point is in class C2 (t = -1): subtract phi(x), do not add it": W_UPDATE + phi,
        "phi(x) = [1, x1, x2] starts with the constant 1: the bias w0 changes too": np.r_[
            W_UPDATE[0], W_UPDATE[1:] + T_UPDATE * X_UPDATE],
        "the point is misclassified (t w.phi(x) <= 0), so w must change": W_UPDATE,
    })  # fmt: skip


# ------------------------------------------------------------------------ widget challenges

AND_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AND_T = np.array([-1.0, -1.0, -1.0, 1.0])


@challenge("01.C1", "make the neuron compute AND with every one of the four points at least "
           "0.35 from its line", w0=-1.5, w1=1.0, w2=1.0)  # fmt: skip
def _(w0, w1, w2):
    """The smallest signed distance t_n (w.x_n + w0)/||w|| of the AND points from the line
    the widget draws (negative if a point is on the wrong side)."""
    from ffnn.widgets import neuron as nw

    w = np.array([w0, w1, w2], dtype=float)
    if np.hypot(w1, w2) == 0:
        return float("-inf"), False
    g = nw.geometry(w)
    signed = AND_T * (AND_X @ g.normal - g.distance)
    value = float(signed.min())
    return value, value >= 0.35 - 1e-9


@challenge("01.C2", "find a seed and an update k after which at least 5 more points are "
           "misclassified than before it", seed=0, k=2)  # fmt: skip
def _(seed, k):
    """Misclassified after update k minus before it, on the notebook's data (section 3)."""
    import ffnn
    from ffnn.widgets import neuron as nw

    X, t = ffnn.datasets.separable(n=30, seed=0)
    _, frames = nw.perceptron_frames(X, t, seed=seed)
    if not 1 <= k < len(frames):
        return None, False
    value = len(frames[k].misclassified) - len(frames[k - 1].misclassified)
    return value, value >= 5
