"""Notebook 02's widget logic: activation curves, saturation, sparsity."""

import ffnn
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import activations as aw


@pytest.mark.parametrize("name", aw.ELEMENTWISE)
def test_curves_are_the_library_functions(name):
    a, f, df = aw.curves(name)
    fn = ffnn.activations.get(name)
    np.testing.assert_array_equal(f, fn.f(a))
    np.testing.assert_array_equal(df, fn.df(a))


def test_saturation_orders_the_functions():
    assert aw.saturation("identity") == 0.0
    assert aw.saturation("sigmoid") > 0.3 and aw.saturation("tanh") > 0.3
    assert aw.saturation("leaky_relu", 0.1) == 0.0 < aw.saturation("relu")


def test_chained_derivative_vanishes_for_sigmoid_not_relu():
    assert aw.chained_derivative("sigmoid", 10) == pytest.approx(0.25**10)
    assert aw.chained_derivative("relu", 10, a=1.0) == 1.0


def test_relu_sparsity_grows_with_a_negative_bias():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(200, 5)), rng.normal(size=(5, 20))
    assert 0.3 < aw.relu_sparsity(X, W, np.zeros(20)) < 0.7
    assert aw.relu_sparsity(X, W, -100 * np.ones(20)) == 1.0


def test_figure_shows_the_tangent_slope_and_the_ui_reacts():
    fig = aw.activation_figure("tanh", a0=0.0)
    assert "f'(a) = 1.0000" in fig.axes[1].get_title()
    plt.close(fig)
    ui = aw.activation_ui()
    ui.children[0].value = "elu"
    ui.children[2].value = -1.0
    assert ui.kwargs == {"name": "elu", "alpha": 0.1, "a0": -1.0}
    ui.f(**ui.kwargs)
    plt.close("all")
