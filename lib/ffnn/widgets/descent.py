"""Notebooks 06 and 07: gradient descent on 2-D loss surfaces, full-batch vs mini-batch vs
on-line updates, and the optimizers compared on real training.

Pure logic the tests call headless -- ``descent_path`` (a trajectory from ffnn.optim's own
update kernel), ``minibatch_path``, ``optimizer_histories`` -- the figure functions that draw
their results, and a thin ipywidgets layer (``descent_ui``). Learning curves of the
histories: ffnn.widgets.evaluation.curves_figure.

Lectures: 002 (Drchal) GD, batch/online/mini-batch, momentum, Adagrad, RMSProp; 000 (Rossi)
batch vs on-line, learning rate, momentum; 003 (Cheng) SGD algorithm 9.1, 9.3.3 clipping.
"""

from collections import namedtuple

import numpy as np

from .. import datasets, losses, optim
from .._checks import lookup, positive_int
from ..network import MLP
from ..train import fit
from .controls import Widget, dropdown, log_slider, new_figure, set_log_limits, slider

DIVERGED = 1e6  # a trajectory that leaves this box has diverged; descent_path stops there


# ---------------------------------------------------------------- 2-D loss surfaces


Surface = namedtuple("Surface", "name formula f grad minimum xlim ylim start")
Surface.__doc__ = (
    """A loss L(w1, w2) to descend: f works on arrays (for contours), grad on a (2,) w."""
)


def quadratic(h1, h2, name="quadratic", xlim=(-3, 3), ylim=(-3, 3), start=(-2.5, 2.0)):
    """L = (h1 w1^2 + h2 w2^2) / 2, Hessian diag(h1, h2): GD diverges when eta > 2 / max(h)."""

    def c(h):
        return "" if h == 1 else f"{h:g}\\,"

    return Surface(
        name,
        f"$L = ({c(h1)}w_1^2 + {c(h2)}w_2^2)/2$",
        lambda w1, w2: 0.5 * (h1 * np.square(w1) + h2 * np.square(w2)),
        lambda w: np.array([h1 * w[0], h2 * w[1]]),
        (0.0, 0.0),
        xlim,
        ylim,
        start,
    )


def rosenbrock(b=10.0):
    """L = (1 - w1)^2 + b (w2 - w1^2)^2: a curved valley, minimum at (1, 1)."""
    return Surface(
        "rosenbrock",
        f"$L = (1 - w_1)^2 + {b:g}\\,(w_2 - w_1^2)^2$",
        lambda w1, w2: np.square(1 - w1) + b * np.square(w2 - np.square(w1)),
        lambda w: np.array(
            [-2 * (1 - w[0]) - 4 * b * w[0] * (w[1] - w[0] ** 2), 2 * b * (w[1] - w[0] ** 2)]
        ),
        (1.0, 1.0),
        (-2.0, 2.0),
        (-1.0, 3.0),
        (-1.2, 1.0),
    )


SURFACES = {
    "bowl": quadratic(1.0, 2.0, "bowl"),
    "ravine": quadratic(0.2, 10.0, "ravine", (-5, 5), (-2.5, 2.5), (-4.5, 1.5)),
    "rosenbrock": rosenbrock(),
}


def get_surface(surface):
    """A Surface, or one of SURFACES by name ("bowl", "ravine", "rosenbrock")."""
    if isinstance(surface, Surface):
        return surface
    return lookup(SURFACES, surface, "surface")


def descent_path(
    optimizer="momentum", lr=0.1, momentum=0.0, steps=50, start=None, surface="ravine", **kwargs
):
    """The trajectory w_0, w_1, ... of ``optimizer`` on a 2-D surface, shape (k + 1, 2).

    Every step is ffnn.optim's update on the single parameter array w (shape (2,)):
    with "momentum", v <- mu v - eta g, w <- w + v (002 "Momentum"; momentum=0 is
    plain GD, w <- w - eta g). ``kwargs`` go to the optimizer (eps, decay, beta1,
    beta2, clip_norm, clip_value). The path stops early (k < steps) when it
    diverges: a coordinate leaves [-DIVERGED, DIVERGED] or stops being finite.
    """
    s = get_surface(surface)
    w = np.array(s.start if start is None else start, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"start must be a point (w1, w2), got {start!r}")
    steps = positive_int(steps, "steps")
    if optimizer == "momentum":
        kwargs["momentum"] = momentum
    elif momentum:
        raise ValueError("momentum applies to optimizer='momentum' only (Adam's momentum is beta1)")
    opt = optim.get(optimizer, [w], lr=lr, **kwargs)
    path = [w.copy()]
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            g = s.grad(w)
        opt.step([g])
        path.append(w.copy())
        if not np.all(np.abs(w) <= DIVERGED):  # also catches inf and nan
            break
    return np.array(path)


def path_losses(path, surface):
    """L(w_k) along a path."""
    s = get_surface(surface)
    with np.errstate(over="ignore", invalid="ignore"):
        return s.f(path[:, 0], path[:, 1])


def diverged(path, surface):
    """True if the loss ends higher than it started (or the path left the DIVERGED box)."""
    L = path_losses(path[[0, -1]], surface)
    return not (np.all(np.abs(path[-1]) <= DIVERGED) and L[1] <= L[0])


def final_loss_vs_lr(lrs, steps=30, surface="bowl", optimizer="momentum", **kwargs):
    """L(w_steps) for each learning rate (inf where the path diverged, see ``diverged``)."""
    out = []
    for lr in lrs:
        p = descent_path(optimizer, lr=lr, steps=steps, surface=surface, **kwargs)
        out.append(np.inf if diverged(p, surface) else float(path_losses(p[-1:], surface)[0]))
    return np.array(out)


def _surface_grid(s, n=120):
    """(w1, w2, L): the surface's values on an n x n grid over its xlim x ylim."""
    w1, w2 = np.meshgrid(np.linspace(*s.xlim, n), np.linspace(*s.ylim, n))
    return w1, w2, s.f(w1, w2)


def draw_paths(paths, surface, ax=None, title=None):
    """Contours of ``surface`` (log-spaced levels) with each labelled path {label: path} on top."""
    import matplotlib.pyplot as plt

    s = get_surface(surface)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    w1, w2, Z = _surface_grid(s)
    lo = max(Z.min(), 1e-3 * Z.max(), 1e-4)
    ax.contour(w1, w2, Z, levels=np.geomspace(lo, Z.max(), 18), cmap="viridis", linewidths=0.7)
    ax.plot(*s.minimum, "k*", ms=12, label="minimum")
    for label, p in paths.items():
        q = p[np.all(np.isfinite(p), axis=1)]
        line = ax.plot(q[:, 0], q[:, 1], ".-", ms=3, lw=1, label=label)[0]
        ax.plot(q[0, 0], q[0, 1], "o", color=line.get_color(), ms=6)
    ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="$w_1$", ylabel="$w_2$")
    ax.set_title(title or s.formula)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return ax


def path_label(optimizer, lr, momentum):
    return f"{optimizer}, η={lr:.3g}" + (f", μ={momentum:g}" if momentum else "")


class DescentView:
    """Left: a descent path on the surface's contours; right: L(w_k) per step.

    The contours and the legend (outside the axes) are drawn once per surface; the path, the
    loss line with its (rescaling) log axis and the right title (it names the optimizer and
    its settings) are what a control change redraws.
    """

    def __init__(self, fig):
        self.figure = fig
        self.ax, self.ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        self.surface = None
        self.dynamic = []
        (self.loss,) = self.ax2.semilogy([1.0], ".-")
        self.ax2.set(xlabel="step k", ylabel="$L(w_k)$")

    def _draw_surface(self, s):
        ax = self.ax
        ax.clear()
        w1, w2, Z = _surface_grid(s)
        lo = max(Z.min(), 1e-3 * Z.max(), 1e-4)
        ax.contour(w1, w2, Z, levels=np.geomspace(lo, Z.max(), 18), cmap="viridis",
                   linewidths=0.7)  # fmt: skip
        ax.plot(*s.minimum, "k*", ms=12, label="minimum")
        (self.path,) = ax.plot([], [], ".-", ms=3, lw=1, color="C0", label="path from ●")
        (self.start,) = ax.plot([], [], "o", color="C0", ms=6)
        ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="$w_1$", ylabel="$w_2$", title=s.formula)
        self.legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        self.surface = s
        self.dynamic = [self.path, self.start, self.loss, self.ax2.yaxis, self.ax2.title]

    def background_key(self, surface, **_):
        return get_surface(surface).name

    def update(self, optimizer="momentum", lr=0.1, momentum=0.0, steps=50, w1_0=None,
               w2_0=None, surface="ravine", **kwargs):  # fmt: skip
        s = get_surface(surface)
        if self.surface is not s:
            self._draw_surface(s)
        momentum = momentum if optimizer == "momentum" else 0.0
        start = None if w1_0 is None else (w1_0, w2_0)
        path = descent_path(optimizer, lr, momentum, steps, start, s, **kwargs)
        q = path[np.all(np.isfinite(path), axis=1)]
        self.path.set_data(q[:, 0], q[:, 1])
        self.start.set_data(q[:1, 0], q[:1, 1])
        losses_ = path_losses(path, s) + 1e-12
        self.loss.set_data(np.arange(len(losses_)), losses_)
        self.ax2.set_xlim(-0.02 * steps, 1.02 * steps)
        finite = losses_[np.isfinite(losses_)]
        if finite.size:
            set_log_limits(self.ax2, 0.5 * finite.min(), 2.0 * finite.max())
        label = path_label(optimizer, lr, momentum)
        if diverged(path, s):
            self.ax2.set_title(f"{label}\ndiverged: the loss grew over {len(path) - 1} steps",
                               color="C3", fontsize=10)  # fmt: skip
        else:
            self.ax2.set_title(f"{label}\nloss along the path", color="k", fontsize=10)


def descent_figure(
    optimizer="momentum", lr=0.1, momentum=0.0, steps=50, start=None, surface="ravine", **kwargs
):
    """Left: the path of descent_path on the surface's contours; right: L(w_k) per step."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(11, 4))
    w1_0, w2_0 = (None, None) if start is None else start
    DescentView(fig).update(optimizer, lr, momentum, steps, w1_0, w2_0, surface, **kwargs)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- batch, on-line, mini-batch


def linear_neuron_data(n=40, noise=0.3, seed=0):
    """n points x ~ U(-1, 1), t = 1.5 x - 0.5 + noise: a linear neuron's two parameters (w, b)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (positive_int(n, "n", 2), 1))
    return x, 1.5 * x - 0.5 + noise * rng.normal(size=x.shape)


def linear_neuron_surface(X, T, start=(-1.5, 1.5)):
    """The mean squared error (with the 1/2) of y = w x + b as a Surface over (w, b).

    The minimum is the least-squares line (002: linear neuron = linear regression).
    """
    x, t = np.asarray(X, float).reshape(-1), np.asarray(T, float).reshape(-1, 1)

    def loss(w, b):
        return losses.squared_error((w * x + b).reshape(-1, 1), t)

    def f(w1, w2):
        return np.vectorize(loss)(w1, w2)

    def grad(w):
        r = w[0] * x + w[1] - t[:, 0]
        return np.array([np.mean(r * x), np.mean(r)])

    best = np.linalg.lstsq(np.c_[x, np.ones_like(x)], t[:, 0], rcond=None)[0]
    lo = np.minimum(best, start) - 1.0
    hi = np.maximum(best, start) + 1.0
    return Surface(
        "linear neuron",
        "$L(w, b) = \\frac{1}{2n}\\sum_n (w x_n + b - t_n)^2$",
        f,
        grad,
        tuple(best),
        (lo[0], hi[0]),
        (lo[1], hi[1]),
        tuple(start),
    )


def minibatch_path(
    X, T, batch_size=None, lr=0.1, epochs=10, start=(-1.5, 1.5), optimizer="sgd", seed=0, **kw
):
    """(w, b) after every update of a linear neuron trained by (mini-)batch GD.

    batch_size None: full batch, one update per epoch with the exact gradient
    (000 "Batch-mode learning"); 1: on-line, one update per sample in random
    order (000 "On-line learning", 003 algorithm 9.1); B: the mean gradient of
    B samples (002 "Mini-batch learning"). Gradients come from MLP([1, 1]).
    ``lr``: a number, or a schedule eta(k) (ffnn.optim.schedule) set before update k = 0, 1, ...
    """
    X, T = np.asarray(X, float), np.asarray(T, float)
    n = X.shape[0]
    B = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
    net = MLP([1, 1], output="identity")
    net.set_params([[[start[0]]], [start[1]]])
    eta = lr if callable(lr) else optim.schedule.constant(lr)
    opt = optim.get(optimizer, net.params, lr=eta(0), **kw)
    rng = np.random.default_rng(seed)
    path = [(start[0], start[1])]
    for _ in range(positive_int(epochs, "epochs")):
        order = rng.permutation(n)
        for s in range(0, n, B):
            idx = order[s : s + B]
            _, grads = net.loss_and_gradients(X[idx], T[idx], loss="squared")
            opt.set_lr(eta(len(path) - 1))
            opt.step(grads)
            path.append((net.params[0][0, 0], net.params[1][0]))
    return np.array(path)


def batch_modes_figure(X, T, lr=0.1, epochs=5, batch_sizes=(None, 8, 1), seed=0):
    """Paths of full-batch, mini-batch and on-line GD over the same number of epochs."""
    import matplotlib.pyplot as plt

    s = linear_neuron_surface(X, T)
    paths = {}
    for B in batch_sizes:
        p = minibatch_path(X, T, B, lr, epochs, s.start, seed=seed)
        name = "full batch" if B is None else ("on-line" if B == 1 else f"mini-batch B={B}")
        paths[f"{name} ({len(p) - 1} updates)"] = p
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    draw_paths(paths, s, ax, title=f"{epochs} epochs, $\\eta$={lr:g}")
    ax.set(xlabel="weight w", ylabel="bias b")
    return fig


# ---------------------------------------------------------------- optimizers on real training


def digits_data(seed=0):
    """Shipped digits: (X_train, T_train one-hot, X_test, T_test one-hot, t_train, t_test)."""
    d = datasets.digits(seed=seed)
    return (
        d.X_train,
        losses.one_hot(d.t_train, 10),
        d.X_test,
        losses.one_hot(d.t_test, 10),
        d.t_train,
        d.t_test,
    )


def optimizer_histories(configs, X, T, validation=None, sizes=None, epochs=20, batch_size=32,
                        hidden="tanh", seed=0):  # fmt: skip
    """Train the same network (same seed, same batches) once per optimizer.

    configs: {label: dict(optimizer=name, lr=..., other keywords)}. Returns
    {label: ffnn.train.History}.
    """
    sizes = sizes or [X.shape[1], 32, T.shape[1]]
    out = {}
    for label, cfg in configs.items():
        net = MLP(sizes, hidden=hidden, output="softmax", init="xavier", seed=seed)
        cfg = dict(cfg)
        out[label] = fit(net, X, T, optimizer=cfg.pop("optimizer"), epochs=epochs,
                         batch_size=batch_size, seed=seed, validation=validation,
                         progress=False, **cfg)  # fmt: skip
    return out


# ---------------------------------------------------------------- the ipywidgets layer


def descent_ui(surface="ravine", optimizer="momentum"):
    """Learning rate, momentum, steps and start point vs the path on a 2-D surface."""
    s = get_surface(surface)

    def link(controls):  # mu belongs to the momentum rule only
        def follow(change=None):
            controls["momentum"].disabled = controls["optimizer"].value != "momentum"

        follow()
        controls["optimizer"].observe(follow, names="value")

    return Widget(
        DescentView(new_figure((11, 4))),
        {
            "surface": dropdown("surface", SURFACES, s.name),
            "optimizer": dropdown("optimizer", optim.RULES, optimizer),
            "lr": log_slider(0.05, 1e-3, 2.0, "learning rate η"),
            "momentum": slider("momentum μ", 0.0, 0.0, 0.99, 0.01),
            "steps": slider("steps", 50, 1, 300, 1, integer=True),
            "w1_0": slider("start w1", s.start[0], -5.0, 5.0, 0.1),
            "w2_0": slider("start w2", s.start[1], -2.5, 3.0, 0.1),
        },
        "Gradient descent on a 2-D loss surface: the path over the contours (left) and the "
        "loss at each step (right)",
        link,
    )
