"""Self-checks of notebook 07 (adaptive optimizers): an Adagrad and an RMSProp step by
hand on the ravine, Adam's bias-corrected first moment, and the descent widget's challenge.

The ravine is L = (0.2 w1^2 + 10 w2^2) / 2 with gradient (0.2 w1, 10 w2), started at
(-4.5, 1.5) (ffnn.widgets.descent.SURFACES["ravine"]); the expected values below are
recomputed here in plain NumPy with eps = 0, as the exercises state.
"""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

H_RAVINE = np.array([0.2, 10.0])
START = np.array([-4.5, 1.5])


def _grad(w):
    return H_RAVINE * w


def _adagrad_two_steps(lr, stale=False, no_sqrt=False):
    """w after two Adagrad steps from START; ``stale``: divide by the G before adding g^2;
    ``no_sqrt``: divide by G instead of sqrt(G)."""
    w, G = START.copy(), np.zeros(2)
    for _ in range(2):
        g = _grad(w)
        G_new = G + g**2
        scale = G if stale and np.all(G > 0) else G_new
        w = w - lr * g / (scale if no_sqrt else np.sqrt(scale))
        G = G_new
    return w


W_ADAGRAD = _adagrad_two_steps(0.5)
W_ADAGRAD_STALE = _adagrad_two_steps(0.5, stale=True)


@exercise("07.1", "the second Adagrad step on the ravine (eta = 0.5)", wrong=W_ADAGRAD_STALE,
          diagnosis="before dividing")  # fmt: skip
def _(answer):
    w1 = START - 0.5 * np.sign(_grad(START))
    g1 = _grad(w1)
    check_close("w after two steps", answer, W_ADAGRAD, atol=5e-4, slips={
        "you divided by the old G: add the new g_1^2 to G before dividing, "
        "G_2 = g_0^2 + g_1^2": W_ADAGRAD_STALE,
        "the square root of G is missing": _adagrad_two_steps(0.5, no_sqrt=True),
        "that is one step only: take the second step from w_1, with the gradient at w_1":
            w1,
        "the gradient at w_1 is (0.2 w1, 10 w2) at the new point, not the old gradient":
            w1 - 0.5 * _grad(START) / np.sqrt(2 * _grad(START) ** 2),
        "G must accumulate: G_2 = g_0^2 + g_1^2, not g_1^2 alone": w1 - 0.5 * np.sign(g1),
    })  # fmt: skip


def _rmsprop_first(lr, gamma):
    g = _grad(START)
    return START - lr * g / np.sqrt((1 - gamma) * g**2)


W_RMSPROP = _rmsprop_first(0.05, 0.9)


@exercise("07.2", "the first RMSProp step on the ravine (eta = 0.05, gamma = 0.9)",
          wrong=START - 0.05 * np.sign(_grad(START)), diagnosis="(1 - γ)")  # fmt: skip
def _(answer):
    g = _grad(START)
    check_close("w after one step", answer, W_RMSPROP, atol=5e-4, slips={
        "G starts at 0, so G_1 = (1 - γ) g_0^2, not g_0^2: the factor (1 - γ) is missing":
            START - 0.05 * np.sign(g),
        "G_1 = γ·0 + (1 - γ) g_0^2: you weighted the new g^2 by γ instead of (1 - γ)":
            START - 0.05 * g / np.sqrt(0.9 * g**2),
        "the square root of G is missing": START - 0.05 * g / (0.1 * g**2),
        "that is the step, not the new w = w_0 + step": W_RMSPROP - START,
    })  # fmt: skip


M1 = 0.1 * _grad(START)


@exercise("07.3", "Adam's bias-corrected first moment after step 1", wrong=M1,
          diagnosis="bias correction")  # fmt: skip
def _(answer):
    g, beta1 = _grad(START), 0.9
    m1 = beta1 * 0.0 + (1 - beta1) * g
    check_close("m_hat_1", answer, m1 / (1 - beta1**1), atol=1e-6, rtol=1e-9, slips={
        "that is m_1 = (1 - β1) g_1 itself: the bias correction (divide by 1 - β1^1) "
        "is missing": M1,
        "divide m_1 by 1 - β1 (= 0.1), not by 1 - β2": M1 / (1 - 0.999),
        "m_hat is an average of the gradient, not of its square": g**2,
        "Adam descends: m_hat follows the gradient g = (0.2 w1, 10 w2) itself, the minus "
        "sign enters only in the update": -g,
    })  # fmt: skip


@challenge("07.C1", "on the ravine, from the widget's start, reach a loss below 1e-3 "
           "within 30 steps", surface="ravine", optimizer="rmsprop", lr=10**-0.5,
           momentum=0.0, steps=30, start=(-4.5, 1.5))  # fmt: skip
def _(surface, optimizer, lr, momentum, steps, start):
    from ffnn.widgets import descent as dw

    mu = momentum if optimizer == "momentum" else 0.0  # as descent_ui's show()
    path = dw.descent_path(optimizer, lr, mu, steps, start, surface)
    loss = float(dw.path_losses(path[-1:], surface)[0])
    return loss, (not dw.diverged(path, surface)) and loss < 1e-3
