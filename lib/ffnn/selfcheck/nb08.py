"""Self-checks of notebook 08 (initialization and vanishing gradients): the Xavier and He
variances of a layer, the deltas along a chain of sigmoid units, 001's question of how many
steps a 1e-5 gradient needs, and the initialization widget's challenge."""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise

N_IN, N_OUT = 300, 100
VARIANCES = np.array([2 / (N_IN + N_OUT), 2 / N_IN])


@exercise("08.1", "Xavier and He variances of a 300 -> 100 layer",
          wrong=np.sqrt(VARIANCES), diagnosis="standard deviation")  # fmt: skip
def _(answer):
    check_close("[Var Xavier, Var He]", answer, VARIANCES, atol=1e-7, rtol=1e-3, slips={
        "those are standard deviations (sigma); the exercise asks for the variances "
        "sigma^2": np.sqrt(VARIANCES),
        "1/n_in is the variance of 002's forward-only derivation (LeCun's rule); Xavier "
        "averages fan-in and fan-out": [1 / N_IN, 2 / N_IN],
        "He's variance uses the fan-in n_in (the units feeding the layer), not n_out":
            [2 / (N_IN + N_OUT), 2 / N_OUT],
        "Xavier and He are swapped: give [Xavier, He]": VARIANCES[::-1],
        "r^2 = 6/(...) is the square of the uniform distribution's bound, not a variance":
            [6 / (N_IN + N_OUT), 6 / N_IN],
    })  # fmt: skip


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def chain(w=2.0, x=0.0, n=5):
    """Pre-activations a_1..a_n of a chain of sigmoid units a_{l+1} = w sigma(a_l), a_1 = w x,
    and the deltas dh_n/da_l for l = 1..n (plain NumPy)."""
    a, h = [], x
    for _ in range(n):
        a.append(w * h)
        h = _sigmoid(a[-1])
    a = np.array(a)
    d = _sigmoid(a) * (1 - _sigmoid(a))  # sigma'(a_l)
    deltas = np.array([np.prod(d[l:]) * w ** (n - 1 - l) for l in range(n)])
    return a, d, deltas


A_CHAIN, D_CHAIN, DELTAS = chain()
BOUND = 0.25 * (0.25 * 2.0) ** np.arange(4, -1, -1)  # sigma' = 1/4 at every unit


@exercise("08.2", "the deltas dh_5/da_l along five chained sigmoid units (w = 2, x = 0)",
          wrong=BOUND, diagnosis="only at a = 0")  # fmt: skip
def _(answer):
    check_close("[delta_1, ..., delta_5]", answer, DELTAS, atol=1e-6, rtol=1e-3, slips={
        "that is the bound 0.25 |w| per unit: sigma'(a) = 1/4 only at a = 0; run the "
        "forward pass and use sigma'(a_l) = h_l (1 - h_l) at each unit": BOUND,
        "the order is reversed: give delta_1 (next to the input) first, delta_5 last":
            DELTAS[::-1],
        "the factor w of each connection is missing: dh_5/da_l = sigma'(a_5) * prod over "
        "l <= m < 5 of w sigma'(a_m)": [np.prod(D_CHAIN[l:]) for l in range(5)],
        "that is dh_5/dh_l: the delta dh_5/da_l also carries sigma'(a_l)": DELTAS / D_CHAIN,
    })  # fmt: skip


DISTANCE, GRADIENT, ETA = 0.5 - (-0.2), 1e-5, 1.0


@exercise("08.3", "001's question: steps from w1 = 0.5 to -0.2 with a gradient of 1e-5",
          wrong=30_000, diagnosis="distance")  # fmt: skip
def _(answer):
    check_close("the number of steps", answer, DISTANCE / (ETA * GRADIENT), atol=1.5, slips={
        "the distance from 0.5 to -0.2 is 0.5 + 0.2 = 0.7, not 0.5 - 0.2":
            (0.5 - 0.2) / (ETA * GRADIENT),
        "the distance to cover is from 0.5 to -0.2 (0.7), not to 0":
            0.5 / (ETA * GRADIENT),
        "each step moves the weight by eta * 1e-5, so you divide the distance by the step, "
        "not multiply": DISTANCE * ETA * GRADIENT,
    })  # fmt: skip


@challenge("08.C1", "with Gaussian weights and tanh, keep the standard deviation of layer "
           "10's activations between 0.3 and 0.7", init="gaussian", sigma=10**-1.2,
           activation="tanh")  # fmt: skip
def _(init, sigma, activation):
    from ffnn.widgets import initialization as iw

    Hs = iw.layer_activations(init, sigma, activation, n_samples=500)  # as init_ui's show()
    std = float(iw.activation_stats(Hs)["std"][-1])
    return std, 0.3 <= std <= 0.7
