"""Notebook 02's widget logic: activation curves, saturation, sparsity."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import activations as aw


def closed_forms(alpha):
    """f and f' of every elementwise activation, written out here (000, 003 table)."""
    s = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    neg = lambda a: np.minimum(a, 0)  # noqa: E731
    return {
        "identity": (lambda a: a, lambda a: np.ones_like(a)),
        "sigmoid": (s, lambda a: s(a) * (1 - s(a))),
        "tanh": (np.tanh, lambda a: 1 / np.cosh(a) ** 2),
        "relu": (lambda a: np.maximum(a, 0), lambda a: (a > 0) * 1.0),
        "leaky_relu": (
            lambda a: np.where(a > 0, a, alpha * a),
            lambda a: np.where(a > 0, 1.0, alpha),
        ),
        "elu": (
            lambda a: np.where(a > 0, a, alpha * np.expm1(neg(a))),
            lambda a: np.where(a > 0, 1.0, alpha * np.exp(neg(a))),
        ),
    }


@pytest.mark.parametrize("name", aw.ELEMENTWISE)
@pytest.mark.parametrize("alpha", [None, 0.3, 1.7])
def test_curves_are_f_and_its_derivative_in_closed_form(name, alpha):
    default = {"leaky_relu": 0.01, "elu": 1.0}.get(name, 0.0)
    a, f, df = aw.curves(name, alpha)
    np.testing.assert_array_equal(a, np.linspace(-5, 5, 401))
    f_true, df_true = closed_forms(default if alpha is None else alpha)[name]
    np.testing.assert_allclose(f, f_true(a), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(df, df_true(a), rtol=1e-12, atol=1e-15)
    b, fb, dfb = aw.curves(name, alpha, a=[-2.0, 0.5])  # on points of one's own
    np.testing.assert_array_equal(b, [-2.0, 0.5])
    np.testing.assert_allclose(dfb, df_true(b), rtol=1e-12, atol=1e-15)


def test_saturation_is_the_fraction_of_the_grid_where_the_slope_is_small():
    a = np.linspace(-5, 5, 401)
    # sigmoid' = s(1 - s) < 0.05  <=>  |a| > ln((1 + r) / (1 - r)) with r = sqrt(1 - 4 * 0.05)
    r = np.sqrt(1 - 0.2)
    edge = np.log((1 + r) / (1 - r))
    assert aw.saturation("sigmoid") == pytest.approx(np.mean(np.abs(a) > edge), abs=1e-12)
    # tanh' = 1 - tanh^2 < 0.05  <=>  |a| > artanh(sqrt(0.95))
    edge = np.arctanh(np.sqrt(0.95))
    assert aw.saturation("tanh") == pytest.approx(np.mean(np.abs(a) > edge), abs=1e-12)
    # ELU with alpha = 0.5: alpha e^a < 0.05  <=>  a < ln(0.1)
    assert aw.saturation("elu", 0.5) == pytest.approx(np.mean(a < np.log(0.1)), abs=1e-12)
    assert aw.saturation("relu") == pytest.approx(np.mean(a <= 0), abs=1e-12)


def test_saturation_orders_the_functions():
    assert aw.saturation("identity") == 0.0
    assert aw.saturation("sigmoid") > 0.3 and aw.saturation("tanh") > 0.3
    assert aw.saturation("leaky_relu", 0.1) == 0.0 < aw.saturation("relu")


def test_chained_derivative_vanishes_for_sigmoid_not_relu():
    assert aw.chained_derivative("sigmoid", 10) == pytest.approx(0.25**10)
    assert aw.chained_derivative("relu", 10, a=1.0) == 1.0
    s = 1 / (1 + np.exp(-2.0))
    assert aw.chained_derivative("sigmoid", 3, a=2.0) == pytest.approx((s * (1 - s)) ** 3)
    assert aw.chained_derivative("tanh", 4, a=-1.0) == pytest.approx(np.cosh(1.0) ** -8)
    assert aw.chained_derivative("elu", 5, a=-1.0) == pytest.approx(np.exp(-5.0))


def test_relu_sparsity_grows_with_a_negative_bias():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(200, 5)), rng.normal(size=(5, 20))
    assert 0.3 < aw.relu_sparsity(X, W, np.zeros(20)) < 0.7
    assert aw.relu_sparsity(X, W, -100 * np.ones(20)) == 1.0


def test_figure_shows_the_tangent_slope_and_the_ui_reacts():
    fig = aw.activation_figure("tanh", a0=0.0)
    assert "f'(a) = 1.0000" in fig.axes[1].get_title()
    plt.close(fig)
    # ELU with alpha = 0.5 at a0 = -1: f = 0.5 (e^-1 - 1), f' = 0.5 e^-1 = 0.1839
    fig = aw.activation_figure("elu", alpha=0.5, a0=-1.0)
    assert "f'(a) = 0.1839 at a = -1.00" in fig.axes[1].get_title()
    tangent = fig.axes[0].lines[1]
    x, y = np.asarray(tangent.get_xdata()), np.asarray(tangent.get_ydata())
    f0, d0 = 0.5 * (np.exp(-1.0) - 1), 0.5 * np.exp(-1.0)
    np.testing.assert_allclose(y, f0 + d0 * (x + 1.0), rtol=1e-12, atol=1e-12)
    plt.close(fig)
    ui = aw.activation_ui()
    assert ui.controls["alpha"].disabled  # sigmoid has no alpha
    ui.set(name="elu", a0=-1.0)
    assert not ui.controls["alpha"].disabled
    assert ui.settings == {"name": "elu", "alpha": 0.1, "a0": -1.0}
    # the slider's alpha reaches the drawing
    assert f"f'(a) = {0.1 * np.exp(-1.0):.4f}" in ui.view.ax2.get_title()
    ui.controls["name"].value = "tanh"  # tanh has no alpha: the slider is ignored
    assert ui.controls["alpha"].disabled
    assert f"f'(a) = {1 / np.cosh(1.0) ** 2:.4f}" in ui.view.ax2.get_title()
    plt.close("all")


def test_moving_a0_redraws_only_the_tangent():
    ui = aw.activation_ui()
    f_line, tangent = ui.view.f, ui.view.tangent
    for a0 in (0.5, 1.0, 1.5):
        ui.controls["a0"].value = a0
    assert ui.live.full_draws == 1  # f and f' stayed in the cached background
    assert ui.view.tangent is tangent and tangent.get_animated() and not f_line.get_animated()
    np.testing.assert_allclose(ui.view.slope.get_ydata(), [1 / (4 * np.cosh(0.75) ** 2)])
    ui.controls["name"].value = "relu"  # another function: the background is drawn again
    assert ui.live.full_draws == 2
    np.testing.assert_array_equal(ui.view.f.get_ydata(), np.maximum(ui.view.f.get_xdata(), 0))
