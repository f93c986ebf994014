"""Notebook 01: a neuron's hyperplane and Rosenblatt's perceptron, step by step.

Lectures: 000 (Rossi) "Some hyperplane geometry", "Hyperplane geometry: orientation / bias"
(d = -b/||w||) and "The perceptron algorithm (1/7)-(7/7)". Weights follow the bias trick
w = [w_0 (bias), w_1, w_2], as in ffnn.perceptron.
"""

from collections import namedtuple

import numpy as np

from .. import perceptron
from .controls import Results, Widget, int_box, new_figure, slider

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


class NormalLine:
    """A decision line and its normal vector w/||w|| drawn from the foot point, movable."""

    def __init__(self, ax, lim=3.0, **style):
        self.lim = lim
        (self.line,) = ax.plot([], [], **{"color": "k", "lw": 2, **style})
        self.arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0),
                                 arrowprops={"arrowstyle": "->", "color": "C3"})  # fmt: skip
        self.artists = [self.line, self.arrow]

    def set(self, w):
        """Move to the line of w; hide it when w_1 = w_2 = 0 (there is no line)."""
        w = np.asarray(w, dtype=float)
        visible = bool(np.hypot(w[1], w[2]) > 0)
        for artist in self.artists:
            artist.set_visible(visible)
        if visible:
            p = line_points(w, self.lim)
            self.line.set_data(p[:, 0], p[:, 1])
            normal, _, foot = geometry(w)
            self.arrow.xy = tuple(foot + 0.6 * normal)
            self.arrow.set_position(tuple(foot))
        return self


def draw_line(ax, w, lim=3.0, **style):
    """The decision line of w with the normal vector drawn from its foot point."""
    return NormalLine(ax, lim, **style).set(w).line


def positive_region(w, lim):
    """Corners of the part of the square [-lim, lim]^2 where w_0 + w_1 x_1 + w_2 x_2 > 0."""
    square = np.array([[-lim, -lim], [lim, -lim], [lim, lim], [-lim, lim]])
    a = w[0] + square @ w[1:]
    corners = []
    for k in range(4):  # walk the edges, keep inside corners and the crossings
        p, q, ap, aq = square[k], square[(k + 1) % 4], a[k], a[(k + 1) % 4]
        if ap > 0:
            corners.append(p)
        if (ap > 0) != (aq > 0):
            corners.append(p + (q - p) * ap / (ap - aq))
    return np.array(corners).reshape(-1, 2)


class NeuronView:
    """The neuron's output sign over the plane, its line, normal w and distance from 0."""

    def __init__(self, fig, lim=3.0):
        from matplotlib.patches import Polygon, Rectangle

        self.figure, self.lim = fig, lim
        ax = self.ax = fig.add_subplot()
        ax.add_patch(Rectangle((-lim, -lim), 2 * lim, 2 * lim, color="#fbd4d4", zorder=0))
        self.region = ax.add_patch(Polygon(np.zeros((0, 2)), color="#d4e4fb", zorder=0))
        self.normal = NormalLine(ax, lim)
        (self.foot,) = ax.plot([], [], "C2--")
        (origin,) = ax.plot(0, 0, "k+")
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal")
        self.dynamic = [self.region, *self.normal.artists, self.foot, origin, ax.title,
                        *ax.spines.values()]  # fmt: skip

    def update(self, w0, w1, w2):
        w = np.array([w0, w1, w2], dtype=float)
        self.region.set_xy(positive_region(w, self.lim))
        self.normal.set(w)
        if np.hypot(w1, w2) > 0:
            _, d, foot = geometry(w)
            self.foot.set_data([0, foot[0]], [0, foot[1]])
            self.foot.set_visible(True)
            self.ax.set_title(
                f"a = {w0:.2f} + {w1:.2f} x1 + {w2:.2f} x2\nd = -w0/||w|| = {d:.2f}", fontsize=10
            )
        else:
            self.foot.set_visible(False)
            self.ax.set_title("w1 = w2 = 0: no line, the output is constant", fontsize=10)


def neuron_figure(w0=-0.5, w1=1.0, w2=0.5, lim=3.0):
    """The neuron's output sign over the plane, its line, normal w and distance from 0."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4.6, 4.2))
    NeuronView(fig, lim).update(w0, w1, w2)
    fig.tight_layout()
    return fig


def neuron_ui():
    """Sliders for w0, w1, w2 moving the neuron's line (the figure of neuron_figure)."""
    box = dict(lo=-2.0, hi=2.0, step=0.1)
    return Widget(
        NeuronView(new_figure((4.6, 4.2))),
        {
            "w0": slider("w0 (bias)", -0.5, **box),
            "w1": slider("w1", 1.0, **box),
            "w2": slider("w2", 0.5, **box),
        },
        "A neuron's decision line in the plane: blue where its pre-activation a is positive",
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


class PerceptronView:
    """Data, the line after update k (dashed: before it) and the point that caused it."""

    def __init__(self, fig, X, t, lim=None):
        self.figure, self.X, self.t = fig, X, np.asarray(t).ravel()
        self.lim = lim or float(np.abs(X).max() * 1.15)
        ax = self.ax = fig.add_subplot()
        ax.scatter(*X[self.t > 0].T, marker="o", c="C0", label="C1 (t = +1)")
        ax.scatter(*X[self.t <= 0].T, marker="s", c="C1", label="C2 (t = -1)")
        self.wrong = ax.scatter(np.zeros(0), np.zeros(0), s=120, facecolors="none",
                                edgecolors="r", lw=1)  # fmt: skip
        self.before = NormalLine(ax, self.lim, color="0.6", ls="--", lw=1)
        self.picked = ax.scatter([0], [0], s=260, marker="*", c="gold", edgecolors="k", zorder=5)
        self.after = NormalLine(ax, self.lim)
        ax.set(xlim=(-self.lim, self.lim), ylim=(-self.lim, self.lim), xlabel="x1",
               ylabel="x2", aspect="equal")  # fmt: skip
        legend = ax.legend(loc="lower right", fontsize=8)
        self.dynamic = [self.wrong, *self.before.artists, self.picked, *self.after.artists,
                        legend, ax.title]  # fmt: skip

    def update(self, frames, k):
        k = int(np.clip(k, 0, len(frames) - 1))
        frame = frames[k]
        self.wrong.set_offsets(self.X[frame.misclassified].reshape(-1, 2))
        if k > 0:
            self.before.set(frames[k - 1].w)
            self.picked.set_offsets(self.X[[frame.picked]])
        else:
            self.before.set(np.zeros(3))
        self.picked.set_visible(k > 0)
        self.after.set(frame.w)
        sign = "" if k == 0 else (" (add)" if self.t[frame.picked] > 0 else " (subtract)")
        self.ax.set_title(
            f"update {k}/{len(frames) - 1}{sign}: {len(frame.misclassified)} misclassified"
        )


def perceptron_figure(X, t, frames, k, lim=None):
    """Data, the line after update k (dashed: before it) and the point that caused it."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4.6, 4.2))
    PerceptronView(fig, X, t, lim).update(frames, k)
    fig.tight_layout()
    return fig


class PerceptronRuns(PerceptronView):
    """PerceptronView over the runs of one data set, one run (its frames) per seed."""

    def __init__(self, fig, X, t, max_steps):
        super().__init__(fig, X, t)
        self.runs = Results(lambda seed: perceptron_frames(X, t, max_steps, seed)[1])

    def update(self, seed, k):
        super().update(self.runs.get(seed), k)


def perceptron_ui(X, t, max_steps=10_000, seed=0):
    """A slider over the updates of one run of the algorithm (and a box for its seed)."""
    view = PerceptronRuns(new_figure((4.6, 4.2)), X, t, max_steps)

    def link(controls):  # the slider has one position per update of the chosen run
        def follow(change=None):
            controls["k"].max = len(view.runs.get(controls["seed"].value)) - 1

        follow()
        controls["seed"].observe(follow, names="value")

    return Widget(
        view,
        {"seed": int_box("seed", seed, 0, 10_000), "k": slider("update k", 0, 0, 1, 1, True)},
        "One run of the perceptron algorithm, update by update",
        link,
    )


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
