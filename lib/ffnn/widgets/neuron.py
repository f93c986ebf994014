"""Notebook 01: a neuron's hyperplane and Rosenblatt's perceptron, step by step.

Lectures: 000 (Rossi) "Some hyperplane geometry", "Hyperplane geometry: orientation / bias"
(d = -b/||w||) and "The perceptron algorithm (1/7)-(7/7)". Weights follow the bias trick
w = [w_0 (bias), w_1, w_2], as in ffnn.perceptron.
"""

from collections import namedtuple

import numpy as np

from .. import perceptron

Geometry = namedtuple("Geometry", "normal distance foot")
Geometry.__doc__ = """normal: unit vector w/||w||; distance: d = -w_0/||w|| (signed, along the
normal); foot: the point of the line closest to the origin, v = d w/||w||."""


def geometry(w):
    """Orientation and offset of the line w_0 + w_1 x_1 + w_2 x_2 = 0 (000, d = -b/||w||)."""
    normal, distance = perceptron.hyperplane(w)
    return Geometry(normal, distance, distance * normal)


def line_points(w, lim=3.0):
    """Two points of the line w_0 + w . x = 0 spanning the square [-lim, lim]^2."""
    normal, _, foot = geometry(w)
    along = np.array([-normal[1], normal[0]])
    return np.array([foot - 2 * lim * along, foot + 2 * lim * along])


def draw_line(ax, w, lim=3.0, **style):
    """The decision line of w with the normal vector drawn from its foot point."""
    p = line_points(w, lim)
    (line,) = ax.plot(p[:, 0], p[:, 1], **{"color": "k", "lw": 2, **style})
    normal, _, foot = geometry(w)
    ax.annotate(
        "", xy=foot + 0.6 * normal, xytext=foot, arrowprops={"arrowstyle": "->", "color": "C3"}
    )
    return line


def neuron_figure(w0=-0.5, w1=1.0, w2=0.5, lim=3.0):
    """The neuron's output sign over the plane, its line, normal w and distance from 0."""
    import matplotlib.pyplot as plt

    w = np.array([w0, w1, w2], dtype=float)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    g = np.linspace(-lim, lim, 200)
    G1, G2 = np.meshgrid(g, g)
    a = w0 + w1 * G1 + w2 * G2
    ax.contourf(G1, G2, np.sign(a), levels=[-2, 0, 2], colors=["#fbd4d4", "#d4e4fb"])
    if np.hypot(w1, w2) > 0:
        draw_line(ax, w, lim)
        _, d, foot = geometry(w)
        ax.plot([0, foot[0]], [0, foot[1]], "C2--")
        ax.set_title(
            f"a = {w0:.2f} + {w1:.2f} x1 + {w2:.2f} x2\nd = -w0/||w|| = {d:.2f}", fontsize=10
        )
    else:
        ax.set_title("w1 = w2 = 0: no line, the output is constant")
    ax.plot(0, 0, "k+")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal")
    fig.tight_layout()
    return fig


def neuron_ui():
    """Sliders for w0, w1, w2 redrawing neuron_figure."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    def show(w0, w1, w2):
        fig = neuron_figure(w0, w1, w2)
        plt.show()
        return fig

    box = dict(min=-2.0, max=2.0, step=0.1, continuous_update=True)
    return W.interactive(
        show,
        w0=W.FloatSlider(value=-0.5, description="w0 (bias)", **box),
        w1=W.FloatSlider(value=1.0, description="w1", **box),
        w2=W.FloatSlider(value=0.5, description="w2", **box),
    )


# ---------------------------------------------------------------- the algorithm step by step

Frame = namedtuple("Frame", "k w picked misclassified")
Frame.__doc__ = """State after k updates: weights w, the index of the point picked for
update k (None for k = 0) and the indices still misclassified by w."""


def misclassified(w, X, t):
    """Indices n with t_n w^T phi(x_n) <= 0 (000, step 'test')."""
    Phi = perceptron.add_bias(X)
    return np.flatnonzero(np.asarray(t).ravel() * (Phi @ w) <= 0)


def perceptron_frames(X, t, max_steps=10_000, seed=0, w0=None):
    """Run ffnn.perceptron.train and return (result, frames), one Frame per update."""
    result = perceptron.train(X, t, max_steps=max_steps, seed=seed, w0=w0)
    frames = [
        Frame(k, w, None if k == 0 else int(result.updated[k - 1]), misclassified(w, X, t))
        for k, w in enumerate(result.trajectory)
    ]
    return result, frames


def perceptron_figure(X, t, frames, k, lim=None):
    """Data, the line after update k (dashed: before it) and the point that caused it."""
    import matplotlib.pyplot as plt

    t = np.asarray(t).ravel()
    k = int(np.clip(k, 0, len(frames) - 1))
    frame = frames[k]
    lim = lim or float(np.abs(X).max() * 1.15)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.scatter(*X[t > 0].T, marker="o", c="C0", label="C1 (t = +1)")
    ax.scatter(*X[t <= 0].T, marker="s", c="C1", label="C2 (t = -1)")
    if len(frame.misclassified):
        ax.scatter(*X[frame.misclassified].T, s=120, facecolors="none", edgecolors="r", lw=1)
    if k > 0:
        draw_line(ax, frames[k - 1].w, lim, color="0.6", ls="--", lw=1)
        ax.scatter(*X[frame.picked], s=260, marker="*", c="gold", edgecolors="k", zorder=5)
    if np.hypot(*frame.w[1:]) > 0:
        draw_line(ax, frame.w, lim)
    sign = "" if k == 0 else (" (add)" if t[frame.picked] > 0 else " (subtract)")
    ax.set_title(f"update {k}/{len(frames) - 1}{sign}: {len(frame.misclassified)} misclassified")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def perceptron_ui(X, t, max_steps=10_000, seed=0):
    """A slider over the updates of one run of the algorithm (and a seed box)."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    state = {}

    def show(seed, k):
        if state.get("seed") != seed:
            state["seed"] = seed
            state["result"], state["frames"] = perceptron_frames(X, t, max_steps, seed)
            slider.max = len(state["frames"]) - 1
        fig = perceptron_figure(X, t, state["frames"], k)
        plt.show()  # inline backend: draws the figure into the widget's output
        return fig

    slider = W.IntSlider(value=0, min=0, max=1, description="update k")
    return W.interactive(show, seed=W.BoundedIntText(value=seed, min=0, max=10_000), k=slider)


def margin_bound(X, t, w_star):
    """Novikoff's bound on the number of updates, (R / gamma)^2, for a separating w_star.

    R = max ||phi(x_n)||, gamma = min t_n w*^T phi(x_n) / ||w*|| (the margin of w_star).
    """
    Phi = perceptron.add_bias(X)
    w_star = np.asarray(w_star, dtype=float)
    gamma = np.min(np.asarray(t).ravel() * (Phi @ w_star)) / np.linalg.norm(w_star)
    if gamma <= 0:
        raise ValueError("w_star does not separate the data (its margin is not positive)")
    R = np.max(np.linalg.norm(Phi, axis=1))
    return (R / gamma) ** 2
