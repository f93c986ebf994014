"""Notebook 05's logic: the tiny network's forward values, deltas and gradients."""

import ffnn
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import backprop as bw

X, T = (0.5, 0.51), 0.1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_state_deltas_and_gradients_agree_three_ways(seed):
    net = bw.tiny_net(seed)
    s = bw.state(net, X, T)
    for mine, twin, numeric in zip(s["grads"], s["twin_grads"], s["numeric"], strict=True):
        np.testing.assert_allclose(mine, twin, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(mine, numeric, rtol=1e-5, atol=1e-9)
    # dL/db^l is delta^l for one sample; dL/dW^l = h^{l-1}^T delta^l
    np.testing.assert_allclose(s["grads"][1], s["delta"][0])
    np.testing.assert_allclose(s["grads"][2], np.outer(s["h"][0], s["delta"][1]))


def test_weight_names_cover_every_parameter_and_set_weight_moves_the_loss():
    net = bw.tiny_net()
    names = bw.weight_names(net)
    assert len(names) == net.theta.size and names[0] == "W1[0,0]" and names[-1] == "b2[0]"
    before = bw.state(net, X, T)["loss"]
    g = bw.gradient_of(net, bw.state(net, X, T)["grads"], "W2[0,0]")
    bw.set_weight(net, "W2[0,0]", float(net.params[2][0, 0]) - 0.1 * np.sign(g))
    assert bw.state(net, X, T)["loss"] < before  # a small step against the gradient helps


def test_loss_along_one_weight_has_the_backprop_slope():
    net = bw.tiny_net()
    w0 = float(net.params[0][1, 0])
    h = 1e-5
    left, right = bw.loss_along(net, X, T, "W1[1,0]", [w0 - h, w0 + h])
    g = bw.gradient_of(net, bw.state(net, X, T)["grads"], "W1[1,0]")
    assert (right - left) / (2 * h) == pytest.approx(g, rel=1e-5)
    assert float(net.params[0][1, 0]) == w0  # probing does not change the network


def test_figure_text_and_ui():
    net = bw.tiny_net()
    fig = bw.backprop_figure(net, X, T, "b1[1]")
    assert fig.axes[0].get_title().startswith("dl/db1[1] =")
    plt.close(fig)
    text = bw.state_text(net, bw.state(net, X, T), "b1[1]")
    assert text.count("layer") == 2 and "central difference" in text
    net = ffnn.MLP([2, 2, 1], output="sigmoid", seed=3)
    w21 = float(net.params[2][1, 0])
    ui = bw.backprop_ui(net)
    ui.controls["name"].value = "W2[1,0]"
    assert ui.controls["value"].value == pytest.approx(w21)  # the slider follows the weight
    assert float(net.params[2][1, 0]) == pytest.approx(w21)  # which the choice did not move
    ui.controls["value"].value = 1.25
    assert float(net.params[2][1, 0]) == 1.25
    assert "dl/dW2[1,0]" in ui.text and ui.text in ui.output.value
    g = bw.gradient_of(net, bw.state(net, X, T)["grads"], "W2[1,0]")
    assert ui.view.ax.get_title() == f"dl/dW2[1,0] = {g:+.5f} (backprop)"
    plt.close("all")


def test_moving_one_weight_keeps_its_loss_curve():
    ui = bw.backprop_ui()
    curve = ui.view.curve.get_ydata().copy()
    for value in (0.5, 1.0, -2.0):
        ui.controls["value"].value = value
    np.testing.assert_array_equal(ui.view.curve.get_ydata(), curve)  # the other weights stayed
    assert ui.live.full_draws == 1
    grid = ui.view.curve.get_xdata()
    probe = ui.view.net.copy()
    bw.set_weight(probe, "W1[0,0]", grid[40])
    assert curve[40] == pytest.approx(probe.loss(np.atleast_2d(X), np.atleast_2d(T),
                                                 loss="squared", reduction="sum"))  # fmt: skip
    np.testing.assert_allclose(ui.view.point.get_xdata(), [-2.0])
    ui.controls["name"].value = "b2[0]"  # another weight: its own curve
    assert ui.live.full_draws == 2 and ui.view.ax.get_xlabel() == "b2[0]"
