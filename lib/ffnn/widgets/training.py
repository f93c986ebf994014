"""Widgets and figures for training: gradient descent, adaptive optimizers,
initialisation, regularisation, and the final digits experiment (notebooks 06-10).

Each widget is a thin ipywidgets layer over plain functions that the tests
call headless: ``descent_path`` (a trajectory from ffnn.optim's own update
kernel), ``minibatch_path``, ``layer_activations``, ``fit_curve``, ... and the
figure functions that draw their results.

Lectures: 002 (Drchal) GD, batch/online/mini-batch, momentum, Adagrad, RMSProp,
initialisation, vanishing gradients, L2 as MAP, other regularizers; 000 (Rossi)
batch vs on-line, learning rate, momentum; 003 (Cheng) SGD algorithm 9.1,
sec. 9.3 vanishing/exploding gradients, table 2 (Xavier/He), 9.3.3 clipping.
"""

from collections import namedtuple

import matplotlib.pyplot as plt
import numpy as np

from .. import datasets, losses, optim
from .._checks import lookup, positive_int
from ..network import MLP
from ..train import fit

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
    w1, w2 = np.meshgrid(np.linspace(*s.xlim, n), np.linspace(*s.ylim, n))
    return w1, w2, s.f(w1, w2)


def draw_paths(paths, surface, ax=None, title=None):
    """Contours of ``surface`` (log-spaced levels) with each labelled path {label: path} on top."""
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


def descent_figure(
    optimizer="momentum", lr=0.1, momentum=0.0, steps=50, start=None, surface="ravine", **kwargs
):
    """Left: the path of descent_path on the surface's contours; right: L(w_k) per step."""
    path = descent_path(optimizer, lr, momentum, steps, start, surface, **kwargs)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    label = f"{optimizer}, $\\eta$={lr:g}" + (f", $\\mu$={momentum:g}" if momentum else "")
    draw_paths({label: path}, surface, ax)
    ax2.semilogy(path_losses(path, surface) + 1e-12, ".-")
    ax2.set(xlabel="step k", ylabel="$L(w_k)$", title="loss along the path")
    if diverged(path, surface):
        ax2.set_title(f"diverged: the loss grew over {len(path) - 1} steps", color="C3")
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
    """
    X, T = np.asarray(X, float), np.asarray(T, float)
    n = X.shape[0]
    B = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
    net = MLP([1, 1], output="identity")
    net.set_params([[[start[0]]], [start[1]]])
    opt = optim.get(optimizer, net.params, lr=lr, **kw)
    rng = np.random.default_rng(seed)
    path = [(start[0], start[1])]
    for _ in range(positive_int(epochs, "epochs")):
        order = rng.permutation(n)
        for s in range(0, n, B):
            idx = order[s : s + B]
            _, grads = net.loss_and_gradients(X[idx], T[idx], loss="squared")
            opt.step(grads)
            path.append((net.params[0][0, 0], net.params[1][0]))
    return np.array(path)


def batch_modes_figure(X, T, lr=0.1, epochs=5, batch_sizes=(None, 8, 1), seed=0):
    """Paths of full-batch, mini-batch and on-line GD over the same number of epochs."""
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


def curves_figure(histories, keys=("loss", "val_loss"), logy=True):
    """One panel per key (e.g. loss, val_loss), one line per labelled History."""
    keys = [k for k in keys if any(len(h[k]) for h in histories.values())]
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.6), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for label, h in histories.items():
            epochs = np.arange(1, len(h[key]) + 1)
            ax.plot(epochs, h[key], label=label)
        if logy:
            ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel=key, title=key.replace("_", " "))
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- initialisation


def symmetric_net(value=0.5, epochs=300, seed=0):
    """A 2-4-1 tanh net started with every weight equal to ``value``, trained on XOR.

    002 "Parameter initialization": all hidden units get the same deltas, so the
    columns of W1 (one per hidden unit) stay identical; see hidden_unit_spread.
    """
    X, T = datasets.xor()
    net = MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="constant",
              init_kwargs={"value": value})  # fmt: skip
    hist = fit(net, X, T, optimizer="momentum", lr=0.5, momentum=0.9, epochs=epochs,
               batch_size=4, seed=seed, progress=False)  # fmt: skip
    return net, hist


def hidden_unit_spread(net, layer=0):
    """max_j ||W[:, j] - W[:, 0]||: 0 when all units of the layer have the same incoming weights."""
    W = net.weights[layer]
    return float(np.max(np.abs(W - W[:, :1])))


def layer_activations(init="gaussian", sigma=0.01, activation="tanh", n_layers=10, width=500,
                      n_samples=1000, seed=0):  # fmt: skip
    """H^1 .. H^L of a deep net fed with x ~ N(0, I) (002 "Gaussian Initialization Example").

    n_layers layers of ``width`` units (ten tanh layers of 500 in the lecture),
    weights drawn by ``init`` ("gaussian" with ``sigma``, "xavier", "he").
    """
    width = positive_int(width, "width")
    kw = {"sigma": sigma} if init in ("gaussian", "normal") else {}
    net = MLP([width] * (positive_int(n_layers, "n_layers") + 1), hidden=activation,
              output=activation, init=init, init_kwargs=kw, seed=seed)  # fmt: skip
    X = np.random.default_rng(seed).normal(size=(positive_int(n_samples, "n_samples"), width))
    return net.forward_all(X)[1]


def activation_stats(Hs):
    """Per layer: mean, standard deviation, fraction |h| > 0.99 (tanh saturated), fraction h = 0."""
    return {
        "mean": np.array([h.mean() for h in Hs]),
        "std": np.array([h.std() for h in Hs]),
        "saturated": np.array([np.mean(np.abs(h) > 0.99) for h in Hs]),
        "zero": np.array([np.mean(h == 0.0) for h in Hs]),
    }


def activations_figure(Hs, title=""):
    """One histogram of the activations per layer (as in 002's figure), std per layer below."""
    L = len(Hs)
    fig, axes = plt.subplots(2, L, figsize=(1.6 * L, 4.2), gridspec_kw={"height_ratios": [3, 2]})
    lim = max(1.0, max(float(np.abs(h).max()) for h in Hs))
    for l, (ax, h) in enumerate(zip(axes[0], Hs, strict=True)):
        ax.hist(h.ravel(), bins=50, range=(-lim, lim), color="C0")
        ax.set_title(f"layer {l + 1}", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=6)
    gs = axes[1, 0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    ax = fig.add_subplot(gs[1, :])
    stats = activation_stats(Hs)
    ax.semilogy(np.arange(1, L + 1), stats["std"] + 1e-300, "o-", label="std of $h^l$")
    ax.set(xlabel="layer l", ylabel="std", xticks=np.arange(1, L + 1))
    ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def gradient_norms(net, X, T, loss=None):
    """||dL/dW^l|| (Frobenius) for each layer l = 1..L, from net.loss_and_gradients."""
    _, grads = net.loss_and_gradients(X, T, loss=loss)
    return np.array([np.linalg.norm(g) for g in grads[0::2]])


def deep_gradient_norms(inits, X, T, n_hidden=8, width=64, hidden="tanh", seed=0):
    """{label: per-layer weight-gradient norms} of a deep softmax net at initialisation.

    inits: {label: (scheme, init_kwargs)}, e.g. {"sigma=0.01": ("gaussian", {"sigma": 0.01})}.
    """
    sizes = [X.shape[1]] + [width] * n_hidden + [T.shape[1]]
    out = {}
    for label, (scheme, kw) in inits.items():
        net = MLP(sizes, hidden=hidden, output="softmax", init=scheme, init_kwargs=kw, seed=seed)
        out[label] = gradient_norms(net, X, T)
    return out


# ---------------------------------------------------------------- regularisation


def regression_data(n_train=12, n_val=200, noise=0.25, seed=0):
    """Few noisy samples of sin(pi x) to fit, and many fresh ones to validate on."""
    X, T = datasets.function("sin", n=n_train, noise=noise, seed=seed)
    Xv, Tv = datasets.function("sin", n=n_val, noise=noise, seed=seed + 1000)
    return X, T, Xv, Tv


def jitter(X, T, copies=10, sigma=0.05, seed=0):
    """``copies`` noisy versions of every input, x + N(0, sigma^2), with the same targets.

    Training on them is 002's "randomize inputs" regularizer.
    """
    rng = np.random.default_rng(seed)
    Xn = np.concatenate([X + sigma * rng.normal(size=X.shape) for _ in range(copies)])
    return Xn, np.concatenate([T] * copies)


def fit_curve(X, T, lam=0.0, hidden=(50, 50), epochs=3000, lr=0.02, validation=None,
              early_stopping=None, seed=0, activation="tanh"):  # fmt: skip
    """Fit a 1-D regression net with full-batch Adam and L2 weight decay ``lam``.

    Loss: (1/2n) sum (y - t)^2 + lam/2 ||w||^2 on the weights only (002 "L2
    regularization as MAP", lam = sigma^2 / sigma_0^2 up to the 1/n). Returns
    (net, History); see ffnn.train.fit for ``validation`` and ``early_stopping``.
    """
    net = MLP([1, *hidden, 1], hidden=activation, output="identity", init="xavier", seed=seed)
    hist = fit(net, X, T, optimizer="adam", lr=lr, epochs=epochs, batch_size=None,
               weight_decay=lam, validation=validation, early_stopping=early_stopping,
               progress=False)  # fmt: skip
    return net, hist


def weight_norm(net):
    """||w||^2 = sum of the squared weights (biases excluded, as in the penalty)."""
    return float(sum(np.sum(W**2) for W in net.weights))


def fit_figure(net, X, T, Xv=None, Tv=None, ax=None, title=None):
    """The fitted function y(x) over the training points (and validation points, if given)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(-1.1, 1.1, 300).reshape(-1, 1)
    if Xv is not None:
        ax.plot(Xv, Tv, ".", color="0.75", ms=4, label="validation")
    ax.plot(x, np.sin(np.pi * x), "k:", lw=1, label="$\\sin(\\pi x)$")
    ax.plot(X, T, "o", color="C1", label="training")
    ax.plot(x, net.forward(x), "C0", lw=2, label="network")
    ax.set(xlabel="x", ylabel="y", ylim=(-2, 2), title=title or "")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def regularization_figure(lam=0.0, n_train=12, noise=0.25, epochs=3000, seed=0):
    """Fit with weight decay lam: the function (left), the train/val curves (right)."""
    X, T, Xv, Tv = regression_data(n_train, noise=noise, seed=seed)
    net, hist = fit_curve(X, T, lam=lam, epochs=epochs, validation=(Xv, Tv), seed=seed)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    fit_figure(net, X, T, Xv, Tv, ax, f"$\\lambda$ = {lam:g},  $||w||^2$ = {weight_norm(net):.3g}")
    ax2.semilogy(hist.loss, label="training")
    ax2.semilogy(hist.val_loss, label="validation")
    ax2.set(xlabel="epoch", ylabel="loss (without the penalty)", title="learning curves")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- evaluation (digits)


def confusion_matrix(labels, pred, n_classes=None):
    """C[i, j] = number of samples of true class i predicted as class j."""
    labels, pred = np.asarray(labels, np.int64), np.asarray(pred, np.int64)
    if labels.shape != pred.shape:
        raise ValueError(
            f"labels and pred must have the same shape, got {labels.shape}, {pred.shape}"
        )
    k = n_classes or int(max(labels.max(), pred.max()) + 1)
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (labels, pred), 1)
    return C


def confusion_figure(C, ax=None):
    """The confusion matrix as an image with the counts written in."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    ax.imshow(C, cmap="Blues")
    for i, j in np.ndindex(C.shape):
        if C[i, j]:
            color = "w" if C[i, j] > C.max() / 2 else "k"
            ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7, color=color)
    k = C.shape[0]
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true")
    return ax


def misclassified_figure(X, labels, pred, max_images=16, cols=8):
    """The first ``max_images`` misclassified inputs as 8x8 images, titled true -> predicted."""
    wrong = np.flatnonzero(np.asarray(labels) != np.asarray(pred))[:max_images]
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.4 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong, strict=False):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{labels[i]} → {pred[i]}", fontsize=9)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the ipywidgets layers


def _slider_log(value, lo, hi, description):
    import ipywidgets as w

    return w.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=0.05,
                            description=description, continuous_update=False)  # fmt: skip


def descent_ui(surface="ravine", optimizer="momentum"):
    """Learning rate, momentum, steps and start point vs the path on a 2-D surface."""
    import ipywidgets as w

    s = get_surface(surface)

    def show(surface, optimizer, lr, momentum, steps, w1_0, w2_0):
        mu = momentum if optimizer == "momentum" else 0.0
        fig = descent_figure(optimizer, lr, mu, steps, (w1_0, w2_0), surface)
        plt.show()
        return fig

    cont = {"continuous_update": False}
    return w.interactive(
        show,
        surface=w.Dropdown(options=list(SURFACES), value=s.name),
        optimizer=w.Dropdown(options=list(optim.RULES), value=optimizer),
        lr=_slider_log(0.05, 1e-3, 2.0, "η"),
        momentum=w.FloatSlider(value=0.0, min=0.0, max=0.99, step=0.01, description="μ", **cont),
        steps=w.IntSlider(value=50, min=1, max=300, description="steps", **cont),
        w1_0=w.FloatSlider(
            value=s.start[0], min=-5, max=5, step=0.1, description="start w1", **cont
        ),  # fmt: skip
        w2_0=w.FloatSlider(
            value=s.start[1], min=-2.5, max=3, step=0.1, description="start w2", **cont
        ),  # fmt: skip
    )


def init_ui():
    """Initialisation scheme and scale vs the activation histograms of a 10 x 500 net."""
    import ipywidgets as w

    def show(init, sigma, activation):
        Hs = layer_activations(init, sigma, activation, n_samples=500)
        label = f"sigma = {sigma:.3g}" if init == "gaussian" else init
        fig = activations_figure(Hs, f"{activation}, {label}")
        plt.show()
        return fig

    return w.interactive(
        show,
        init=w.Dropdown(options=["gaussian", "xavier", "he"], value="gaussian"),
        sigma=_slider_log(0.01, 1e-3, 10.0, "σ"),
        activation=w.Dropdown(options=["tanh", "relu", "sigmoid"], value="tanh"),
    )


def regularization_ui(n_train=12, noise=0.25, epochs=3000):
    """The weight-decay strength lambda vs the fitted function and the learning curves."""
    import ipywidgets as w

    def show(lam):
        fig = regularization_figure(lam, n_train, noise, epochs)
        plt.show()
        return fig

    return w.interactive(show, lam=_slider_log(1e-4, 1e-5, 1.0, "λ"))
