"""Notebook 08's widget logic (ffnn.widgets.initialization), called headless.

conftest.py sets MPLBACKEND=Agg before matplotlib is imported.
"""

import ffnn
import numpy as np
import pytest
from ffnn import reference
from ffnn.widgets import descent as dw
from ffnn.widgets import initialization as iw


def test_constant_init_keeps_hidden_units_identical():
    net, _ = iw.symmetric_net(value=0.5, epochs=200)
    assert iw.hidden_unit_spread(net) == pytest.approx(0.0, abs=1e-12)
    assert net.accuracy(*ffnn.datasets.xor()) < 1.0  # effectively one hidden unit
    random = ffnn.MLP([2, 4, 1], init="xavier", seed=0)
    assert iw.hidden_unit_spread(random) > 0.1


def test_small_sigma_activations_shrink_with_depth_xavier_keeps_spread():
    small = iw.activation_stats(iw.layer_activations("gaussian", 0.01, n_samples=200))["std"]
    xavier = iw.activation_stats(iw.layer_activations("xavier", n_samples=200))["std"]
    big = iw.activation_stats(iw.layer_activations("gaussian", 1.0, n_samples=200))
    assert len(small) == 10
    assert np.all(np.diff(small) < 0) and small[-1] < 1e-5 * small[0]
    assert xavier[-1] > 0.3 * xavier[0] and xavier[-1] > 0.1
    assert np.all(big["saturated"] > 0.8)  # sigma = 1: tanh saturates in every layer


def test_he_keeps_relu_activations_while_xavier_lets_them_fade():
    he = iw.activation_stats(iw.layer_activations("he", activation="relu", n_samples=200))
    xav = iw.activation_stats(iw.layer_activations("xavier", activation="relu", n_samples=200))
    assert 0.5 < he["std"][-1] / he["std"][0] < 2.0
    assert xav["std"][-1] < 0.1 * xav["std"][0]
    assert np.all((he["zero"] > 0.3) & (he["zero"] < 0.7))  # half the ReLUs are off


def test_gradient_norms_per_layer():
    Xtr, Ttr, *_ = dw.digits_data()
    net = ffnn.MLP([64, 16, 16, 10], hidden="tanh", output="softmax", seed=0)
    norms = iw.gradient_norms(net, Xtr[:100], Ttr[:100])
    _, grads = reference.backprop(net, Xtr[:100], Ttr[:100])  # plain NumPy, not the kernels
    np.testing.assert_allclose(norms, [np.linalg.norm(grads[k]) for k in (0, 2, 4)], rtol=1e-10)
    deep = iw.deep_gradient_norms(
        {"small": ("gaussian", {"sigma": 0.01}), "xavier": ("xavier", {})}, Xtr[:200], Ttr[:200]
    )
    assert deep["small"].shape == (9,)
    assert deep["small"].max() < 1e-6 < deep["xavier"].min()


def test_activations_figure_has_a_histogram_per_layer():
    Hs = iw.layer_activations("xavier", n_layers=4, width=50, n_samples=100)
    fig = iw.activations_figure(Hs, "xavier")
    assert sum(1 for ax in fig.axes if ax.patches) == 4


def test_init_ui_follows_its_controls():
    ui = iw.init_ui()
    assert len(ui.result.axes) == 11  # ten layer histograms and the std per layer
    assert ui.result.texts[0].get_text() == "tanh, sigma = 0.01"
    std_line = ui.result.axes[-1].lines[0]
    np.testing.assert_array_equal(std_line.get_xdata(), np.arange(1, 11))
    assert np.all(np.diff(std_line.get_ydata()) < 0)  # sigma = 0.01: the spread shrinks
    ui.children[0].value = "xavier"
    assert ui.result.texts[0].get_text() == "tanh, xavier"
    std = ui.result.axes[-1].lines[0].get_ydata()
    assert std[-1] > 0.3 * std[0]  # Xavier keeps it
