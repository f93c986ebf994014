"""Self-checks of notebook 09 (regularization): the L2 penalty's value, one weight-decay
step, the weight decay that input noise amounts to, and the regularization widget's
challenge.

Convention (ffnn and the notebook): objective = mean loss + lam/2 ||w||^2 over the weights
only (biases are not penalised), squared error with the 1/2: (1/2n) sum (y - t)^2.
"""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

# exercise 09.1: a 1-2-1 network's parameters
W1, B1 = np.array([[0.5, -1.0]]), np.array([0.3, -0.2])
W2, B2 = np.array([[2.0], [0.5]]), np.array([1.0])
LAM_1 = 0.01
SQ_W = float(np.sum(W1**2) + np.sum(W2**2))
SQ_B = float(np.sum(B1**2) + np.sum(B2**2))


@exercise("09.1", "the L2 penalty lam/2 ||w||^2 of a 1-2-1 network",
          wrong=LAM_1 / 2 * (SQ_W + SQ_B), diagnosis="bias")  # fmt: skip
def _(answer):
    check_close("the penalty", answer, LAM_1 / 2 * SQ_W, atol=1e-7, rtol=1e-4, slips={
        "the biases are not penalised: sum the squares of the weights only":
            LAM_1 / 2 * (SQ_W + SQ_B),
        "the penalty uses the squared norm ||w||^2, not ||w||": LAM_1 / 2 * np.sqrt(SQ_W),
        "the penalty is lam/2 times ||w||^2: the factor 1/2 is missing": LAM_1 * SQ_W,
    })  # fmt: skip


# exercise 09.2: one gradient step with weight decay on a neuron's weights and bias
W, B = np.array([0.8, -1.5]), 0.4
G_W, G_B = np.array([0.3, -0.2]), 0.1
ETA, LAM_2 = 0.1, 0.5


def _step(decay_w=LAM_2, decay_b=0.0):
    return np.append(W - ETA * (G_W + decay_w * W), B - ETA * (G_B + decay_b * B))


@exercise("09.2", "one weight-decay step (eta = 0.1, lam = 0.5) on [w1, w2, b]",
          wrong=_step(decay_b=LAM_2), diagnosis="bias")  # fmt: skip
def _(answer):
    check_close("[w1, w2, b] after the step", answer, _step(), atol=5e-5, slips={
        "the bias is not decayed: only the weights get the extra lam * w":
            _step(decay_b=LAM_2),
        "the gradient of lam/2 ||w||^2 is lam * w, not lam/2 * w": _step(decay_w=LAM_2 / 2),
        "the decay term has the wrong sign: the step is w - eta (g + lam w), which shrinks w":
            _step(decay_w=-LAM_2),
        "the weight decay is missing: add lam * w to the weights' gradient": _step(0.0),
    })  # fmt: skip


S_NOISE = 0.1


@exercise("09.3", "the weight decay lam equivalent to input noise of s = 0.1",
          wrong=2 * S_NOISE**2, diagnosis="1/2")  # fmt: skip
def _(answer):
    check_close("lam", answer, S_NOISE**2, atol=1e-9, rtol=1e-6, slips={
        "2 s^2 forgets that the squared error carries the 1/2 as well: expand "
        "1/2 E(w (x + eps) + b - t)^2 and match its w^2 term with lam/2 w^2": 2 * S_NOISE**2,
        "s is the standard deviation of the noise; its variance s^2 enters": S_NOISE,
        "that is lam/2, the coefficient of w^2; the exercise asks for lam itself":
            S_NOISE**2 / 2,
    })  # fmt: skip


@challenge("09.C1", "find a weight decay whose final validation loss is below 0.05",
           lam=0.01)  # fmt: skip
def _(lam):
    from ffnn.widgets import regularization as rw

    # what regularization_ui(n_train=12, noise=0.25, epochs=3000) fits and draws
    X, T, Xv, Tv = rw.regression_data(12, noise=0.25, seed=0)
    _, hist = rw.fit_curve(X, T, lam=lam, epochs=3000, validation=(Xv, Tv), seed=0)
    val = float(hist.val_loss[-1])
    return val, val < 0.05
