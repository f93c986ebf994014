"""Self-checks of notebook 06 (gradient descent): the best fixed learning rate on the bowl, the
number of steps the ravine's flat direction needs, the momentum velocity after two steps, and
the challenge of the descent widget (momentum on the ravine)."""

import numpy as np

from ffnn.grading import check_close
from ffnn.selfcheck import challenge, exercise
from ffnn.widgets import descent

# the bowl L = (h1 w1^2 + h2 w2^2) / 2 of the notebook, its start and the step budget
H_BOWL, START_BOWL, STEPS = np.array([1.0, 2.0]), np.array([-2.5, 2.0]), 30
# exercise 06.2: the ravine's curvatures and the learning rate
H_RAVINE, ETA3, FACTOR = np.array([0.2, 10.0]), 0.18, 1000.0


def _bowl_loss_after(eta, steps=STEPS):
    """L(w_steps) of plain GD on the bowl, in closed form: w_i,k = (1 - eta h_i)^k w_i,0."""
    w = (1 - eta * H_BOWL) ** steps * START_BOWL
    return 0.5 * np.sum(H_BOWL * w**2)


@exercise("06.1", "the fixed learning rate with the smallest loss after 30 steps on the bowl",
          wrong=0.5, diagnosis="flat")  # fmt: skip
def _(answer):
    grid = np.linspace(0.01, 0.99, 9801)
    best = grid[np.argmin([_bowl_loss_after(eta) for eta in grid])]
    h_min, h_max = H_BOWL.min(), H_BOWL.max()
    check_close("eta", answer, best, atol=0.01, slips={
        "at eta = 1/h_max the steep coordinate vanishes in one step, but the flat one only "
        "halves per step: a larger eta shrinks both faster": 1 / h_max,
        "eta = 2/h_max is the divergence threshold: the steep coordinate then flips sign "
        "without shrinking at all": 2 / h_max,
        "eta = 1/(h_min + h_max) is too timid: both factors |1 - eta h_i| stay above 1/3":
            1 / (h_min + h_max),
    })  # fmt: skip


@exercise("06.2", "steps until the ravine's w1 is 1000 times smaller (plain GD, eta 0.18)",
          wrong=31, diagnosis="steep")  # fmt: skip
def _(answer):
    h1, h2 = H_RAVINE
    k = 0
    while abs(1 - ETA3 * h1) ** k > 1 / FACTOR:  # |w1,k| / |w1,0| = |1 - eta h1|^k
        k += 1
    rate = -np.log(abs(1 - ETA3 * h1))
    check_close("the number of steps", answer, k, atol=0.01, slips={
        "you used the steep direction's factor |1 - eta h2|; w1 lives in the flat "
        "direction, factor 1 - eta h1": np.ceil(np.log(FACTOR) / -np.log(abs(1 - ETA3 * h2))),
        "one step short: after that many steps w1 is not yet 1000 times smaller (round up)":
            k - 1,
        "you approximated -ln(1 - eta h1) by eta h1; use the exact factor":
            np.ceil(np.log(FACTOR) / (ETA3 * h1)),
        "that many steps make the loss's w1 part 1000 times smaller (it falls with the "
        "square); the exercise asks about w1 itself": np.ceil(np.log(FACTOR) / (2 * rate)),
    })  # fmt: skip


def _bowl_grad(w):
    return H_BOWL * w


@exercise("06.3", "the momentum velocity v2 after two steps on the bowl (eta 0.1, mu 0.9)",
          wrong=[0.475, -0.76], diagnosis="gradient at w1")  # fmt: skip
def _(answer):
    eta, mu = 0.1, 0.9
    w0 = START_BOWL
    v1 = -eta * _bowl_grad(w0)
    w1 = w0 + v1
    v2 = mu * v1 - eta * _bowl_grad(w1)
    check_close("v2", answer, v2, atol=5e-4, slips={
        "the second step takes the gradient at w1 = w0 + v1, not again at w0 (use the "
        "gradient at w1)": mu * v1 - eta * _bowl_grad(w0),
        "the momentum term mu * v1 is missing (that is a plain gradient step from w1)":
            -eta * _bowl_grad(w1),
        "that is the new position w2 = w1 + v2, not the velocity v2": w1 + v2,
    })  # fmt: skip


@challenge(
    "06.C1",
    "on the ravine from the default start, reach a loss below 1e-6 within 50 steps "
    "(plain gradient descent cannot get below 0.04)",
    surface="ravine",
    optimizer="momentum",
    lr=0.25,
    momentum=0.6,
    steps=50,
    w1_0=-4.5,
    w2_0=1.5,
)
def _(surface, optimizer, lr, momentum, steps, w1_0, w2_0):
    mu = momentum if optimizer == "momentum" else 0.0  # as the widget passes it
    path = descent.descent_path(optimizer, lr, mu, steps, (w1_0, w2_0), surface)
    loss = float(descent.path_losses(path[-1:], surface)[0])
    start = tuple(descent.get_surface("ravine").start)
    fair = surface == "ravine" and steps <= 50 and (w1_0, w2_0) == start
    return loss, bool(fair and not descent.diverged(path, surface) and loss < 1e-6)
