"""Notebook 03's logic: XOR by hand (003, 004) and Bishop's four fits."""

import ffnn
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import approximation as ap


def test_xor_by_perceptrons_and_by_relu_network():
    X, t = ffnn.datasets.xor(labels="pm1")
    _, y = ap.xor_by_perceptrons(X)
    np.testing.assert_array_equal(y, t.ravel())
    X01, t01 = ffnn.datasets.xor()
    table = ap.xor_table(ap.xor_relu_network(), X01)
    np.testing.assert_array_equal(table[:, 2:4], [[0, -1], [1, 0], [1, 0], [2, 1]])
    np.testing.assert_array_equal(table[:, -1], t01.ravel())


@pytest.mark.parametrize("name", ap.BISHOP)
def test_three_tanh_units_fit_each_bishop_function(name):
    fit = ap.bishop_fit(name)
    assert fit.history.loss[-1] < 1e-3
    x = np.linspace(-1, 1, 7).reshape(-1, 1)
    parts = ap.hidden_contributions(fit.net, x)
    assert parts.shape == (7, 3)
    W1, b1, W2, b2 = fit.net.params  # w_j tanh(a_j(x)), written out in NumPy
    np.testing.assert_allclose(parts, np.tanh(x @ W1 + b1) * W2[:, 0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(parts.sum(axis=1) + b2[0], fit.net.forward(x)[:, 0])


def test_one_unit_fits_sin_worse_than_three():
    assert (
        ap.bishop_fit("sin", hidden=1).history.loss[-1] > 10 * ap.bishop_fit("sin").history.loss[-1]
    )


def test_figure_and_ui():
    fig = ap.bishop_figure([ap.bishop_fit("square", epochs=200)])
    assert fig.axes[0].get_title().startswith("x²")
    assert len(fig.axes[0].lines) == 2 + 3  # data, fit, three hidden units
    plt.close(fig)
    ui = ap.bishop_ui()
    ui.controls["epochs"].value = 200
    ui.controls["hidden"].value = 2
    assert ui.settings["hidden"] == 2
    ax = ui.view.figure.axes[0]
    shares = [line for line in ax.lines[2:] if line.get_visible()]
    assert len(shares) == 2  # one dashed share per hidden unit
    fit = ap.bishop_fit("sin", hidden=2, epochs=200)
    assert ax.get_title() == f"sin(πx): loss {fit.history.loss[-1]:.1e}"
    x = np.reshape(ax.lines[1].get_xdata(), (-1, 1))
    np.testing.assert_allclose(np.ravel(ax.lines[1].get_ydata()), fit.net.forward(x).ravel())
    plt.close("all")


def test_each_fit_is_computed_once_and_neighbours_ahead():
    ui = ap.bishop_ui()
    fits = ui.view.fits
    ui.controls["epochs"].value = 100
    ui.controls["hidden"].value = 4
    ui.controls["hidden"].value = 3
    assert fits.computed == 3  # (3, 3000) at the start, (3, 100), (4, 100); (3, 100) again: kept
    ui.view.look_ahead("sin", 3, 100)  # what the widget starts in JupyterLab
    fits.wait(timeout=300)
    assert all(("sin", h, 100) in fits for h in range(1, 9))
    done = fits.computed
    ui.controls["hidden"].value = 8
    assert fits.computed == done  # already there: no training on the key press
    line = ui.view.panel.shares[7]
    assert line.get_visible() and ui.live.full_draws == 1
