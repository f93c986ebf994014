"""Notebook 04's logic: losses and output deltas per output/loss pair."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import outputs as ow


@pytest.mark.parametrize("t", [0.0, 1.0])
def test_matched_pairs_have_delta_y_minus_t(t):
    a = np.linspace(-5, 5, 11)
    y = 1 / (1 + np.exp(-a))  # written out: not the library's sigmoid
    _, delta = ow.loss_and_delta(a, t, "sigmoid", "bce")
    np.testing.assert_allclose(delta, y - t, atol=1e-9)
    _, delta = ow.loss_and_delta(a, t, "identity", "squared")
    np.testing.assert_allclose(delta, a - t)


def test_sigmoid_squared_error_delta_vanishes_when_confidently_wrong():
    table = ow.delta_table(-6.0, 1.0)
    slow = table["sigmoid + squared error"][2]
    fast = table["sigmoid + cross-entropy"][2]
    assert abs(slow) < 0.01 < 0.9 < abs(fast)
    assert np.sign(slow) == np.sign(fast) == -1  # both push a up


def test_bce_from_y_matches_softplus_form_where_it_can():
    a = np.linspace(-8, 8, 9)
    value, _ = ow.loss_and_delta(a, 1.0, "sigmoid", "bce")
    np.testing.assert_allclose(value, np.logaddexp(0, -a), rtol=1e-9)


def test_constant_fits_are_mean_and_median_and_bad_loss_is_rejected():
    y = np.array([0.0, 1.0, 1.5, 2.0, 20.0])
    assert ow.fit_constant(y, "squared") == pytest.approx(y.mean(), abs=0.01)
    assert ow.fit_constant(y, "absolute") == pytest.approx(1.5, abs=0.01)
    with pytest.raises(ValueError, match="'squared' or 'absolute'"):
        ow.fit_constant(y, "bce")


def test_figure_and_ui_follow_the_sliders():
    fig = ow.losses_figure(0.0, a0=2.0)
    assert "t = 0" in fig.axes[0].get_title() and len(fig.axes[0].lines) == len(ow.PAIRS) + 1
    plt.close(fig)
    ui = ow.losses_ui()
    ui.controls["a0"].value = 3.0  # a0 = 3, t = 1: each pair's line, from closed forms here
    lines = {line[:27].strip(): line for line in ui.text.splitlines()}
    assert ui.text in ui.output.value  # what is printed under the figure
    y = 1 / (1 + np.exp(-3.0))
    expected = {  # label: (y, loss, dl/da)
        "identity + squared error": (3.0, 0.5 * 2.0**2, 2.0),
        "sigmoid + cross-entropy": (y, -np.log(y), y - 1),
        "sigmoid + squared error": (y, 0.5 * (y - 1) ** 2, (y - 1) * y * (1 - y)),
        "identity + absolute error": (3.0, 2.0, 1.0),
    }
    for label, (yv, loss, delta) in expected.items():
        assert f"y = {yv:7.4f}   loss = {loss:7.4f}   dl/da = {delta:+.4f}" in lines[label]
    plt.close("all")


def test_curves_per_target_are_computed_once_and_a0_only_moves_the_marks():
    ui = ow.losses_ui()
    for a0 in (-3.0, -2.0, 0.0, 1.0):
        ui.controls["a0"].value = a0
    assert ui.live.full_draws == 1 and set(ui.view.curves) == {1.0}
    assert all(mark.get_xdata()[0] == 1.0 for mark in ui.view.marks)
    ui.controls["t"].value = 0.0  # another target: new curves, drawn into a new background
    ui.controls["t"].value = 1.0
    assert set(ui.view.curves) == {0.0, 1.0} and ui.live.full_draws == 3
    a, value, _ = ui.view.curves[1.0]["identity + squared error"]
    np.testing.assert_allclose(value, 0.5 * (a - 1.0) ** 2)
