"""Notebook 01's widget logic: hyperplane geometry and the perceptron stepped update by update."""

import ffnn
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import neuron as nw


@pytest.mark.parametrize("w", [[-0.5, 1.0, 0.5], [2.0, 0.0, -1.0], [0.0, 3.0, 4.0]])
def test_geometry_foot_point_is_on_the_line_at_distance_d(w):
    w = np.array(w)
    g = nw.geometry(w)
    assert np.isclose(w[0] + w[1:] @ g.foot, 0.0)
    assert np.isclose(np.linalg.norm(g.foot), abs(w[0]) / np.linalg.norm(w[1:]))
    assert np.isclose(g.distance, -w[0] / np.linalg.norm(w[1:]))
    p = nw.line_points(w)
    assert np.allclose(w[0] + p @ w[1:], 0.0)
    g5 = nw.geometry(5 * w)  # scaling w does not move the line
    assert np.allclose(g5.foot, g.foot)


def test_neuron_figure_follows_the_weights():
    fig = nw.neuron_figure(-0.5, 1.0, 0.5)
    assert "d = -w0/||w|| = 0.45" in fig.axes[0].get_title()
    plt.close(fig)
    fig = nw.neuron_figure(0.0, 0.0, 0.0)
    assert "no line" in fig.axes[0].get_title()
    plt.close(fig)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_frames_are_add_or_subtract_of_a_misclassified_point(seed):
    X, t = ffnn.datasets.separable(n=30, seed=seed)
    result, frames = nw.perceptron_frames(X, t, seed=seed)
    assert result.converged and len(frames[-1].misclassified) == 0
    assert len(frames[0].misclassified) > 0
    Phi = ffnn.perceptron.add_bias(X)
    for before, after in zip(frames, frames[1:], strict=False):
        n = after.picked
        assert n in before.misclassified
        np.testing.assert_allclose(after.w, before.w + t[n] * Phi[n])


def test_perceptron_figure_title_counts_updates_and_mistakes():
    X, t = ffnn.datasets.separable(n=30, seed=0)
    _, frames = nw.perceptron_frames(X, t, seed=0)
    first = nw.perceptron_figure(X, t, frames, 0).axes[0].get_title()
    last = nw.perceptron_figure(X, t, frames, len(frames) - 1).axes[0].get_title()
    plt.close("all")
    assert first.startswith(f"update 0/{len(frames) - 1}") and last.endswith(": 0 misclassified")


def test_novikoff_bound_holds_from_zero_and_rejects_a_non_separating_w():
    X, t = ffnn.datasets.separable(n=40, seed=3)
    r = ffnn.perceptron.train(X, t, seed=0, w0=np.zeros(3))
    assert len(r.updated) <= nw.margin_bound(X, t, r.weights)
    with pytest.raises(ValueError, match="does not separate"):
        nw.margin_bound(X, t, -r.weights)


def test_xor_never_converges_and_the_uis_build():
    X, t = ffnn.datasets.xor(labels="pm1")
    r, frames = nw.perceptron_frames(X, t, max_steps=500, seed=0)
    assert not r.converged and min(len(f.misclassified) for f in frames) >= 1
    ui = nw.perceptron_ui(X, t)
    slider = ui.controls["k"]
    run = ffnn.perceptron.train(X, t, max_steps=10_000, seed=0)
    assert slider.max == len(run.updated)  # one position per update of that run
    slider.value = slider.max
    title = ui.view.ax.get_title()
    assert title.startswith(f"update {slider.max}/{slider.max}")
    assert title.endswith(f": {len(nw.misclassified(run.weights, X, t))} misclassified")
    ui.controls["seed"].value = 5  # another run: the slider's range follows it
    assert ui.controls["k"].max == len(
        ffnn.perceptron.train(X, t, max_steps=10_000, seed=5).updated
    )
    neuron = nw.neuron_ui()
    neuron.controls["w0"].value = 1.5
    assert neuron.settings["w0"] == 1.5
    title = neuron.view.ax.get_title()  # w = (1.5, 1.0, 0.5)
    assert "a = 1.50 + 1.00 x1 + 0.50 x2" in title
    assert f"d = -w0/||w|| = {-1.5 / np.hypot(1.0, 0.5):.2f}" in title


def test_neuron_ui_moves_its_artists_without_redrawing_the_figure():
    ui = nw.neuron_ui()
    line, region = ui.view.normal.line, ui.view.region
    first_png = ui.image.value
    for w0 in (-0.4, -0.3, 0.2):
        ui.controls["w0"].value = w0
    assert ui.view.normal.line is line and ui.view.region is region  # the same artists
    assert len(ui.view.figure.axes) == 1 and ui.live.full_draws == 1  # blitted, not redrawn
    assert ui.updates == 3 and ui.image.value != first_png
    w = np.array([0.2, 1.0, 0.5])
    np.testing.assert_allclose(w[0] + np.c_[line.get_xdata(), line.get_ydata()] @ w[1:], 0.0,
                               atol=1e-12)  # fmt: skip
    inside = region.get_xy()[:-1]  # the blue polygon: where a >= 0, corners on the square
    assert np.all(w[0] + inside @ w[1:] >= -1e-12)
    assert "d = -w0/||w|| = -0.18" in ui.image.tooltip  # the alt text follows the figure


@pytest.mark.parametrize(
    ("w", "expected"),
    [([0.5, 0.0, 0.0], 4), ([-0.5, 0.0, 0.0], 0), ([0.0, 1.0, 0.0], 4), ([-1.0, 1.0, 1.0], 3)],
)
def test_positive_region_is_the_part_of_the_square_where_a_is_positive(w, expected):
    corners = nw.positive_region(np.array(w), 3.0)
    assert len(corners) == expected
    if expected:  # its area is the fraction of a fine grid where a > 0
        x, y = corners[:, 0], corners[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        g = np.linspace(-3, 3, 601)
        G1, G2 = np.meshgrid(g, g)
        share = np.mean(w[0] + w[1] * G1 + w[2] * G2 > 0)
        assert area / 36 == pytest.approx(share, abs=0.01)
