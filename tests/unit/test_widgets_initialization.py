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
    summary = iw.summarize(Hs)
    assert summary.counts.shape == (4, iw.BINS) and np.all(summary.counts.sum(axis=1) == 5000)
    np.testing.assert_allclose(summary.std, [h.std() for h in Hs])
    heights = fig.axes[0].patches[0].get_data().values  # scaled to the highest bar
    np.testing.assert_allclose(heights, summary.counts[0] / summary.counts[0].max())


def test_init_ui_follows_its_controls():
    ui = iw.init_ui()
    fig = ui.view.figure
    assert len(fig.axes) == 11  # ten layer histograms and the std per layer
    assert ui.view.title.get_text() == "tanh, sigma = 0.01"
    std_line = ui.view.std
    np.testing.assert_array_equal(std_line.get_xdata(), np.arange(1, 11))
    assert np.all(np.diff(std_line.get_ydata()) < 0)  # sigma = 0.01: the spread shrinks
    expected = iw.activation_stats(iw.layer_activations("gaussian", 0.01, n_samples=500))["std"]
    np.testing.assert_allclose(std_line.get_ydata(), expected + 1e-300)
    ui.controls["init"].value = "xavier"
    assert ui.view.title.get_text() == "tanh, xavier"
    std = ui.view.std.get_ydata()
    assert std[-1] > 0.3 * std[0]  # Xavier keeps it
    assert ui.view.std is std_line and ui.view.figure is fig  # updated in place


def test_init_ui_keeps_a_summary_per_setting_and_finds_it_from_the_browser_value():
    ui = iw.init_ui()
    results = ui.view.results
    ui.controls["sigma"].value = 10 ** (-2 + 0.1)  # one arrow key to the right
    ui.controls["sigma"].value = 0.01
    ui.controls["sigma"].value = 0.012589254117941687  # the same step as the browser rounds it
    assert results.computed == 2
    assert ui.live.full_draws == 1  # histograms, std panel and title are what is redrawn
    ui.controls["init"].value = "xavier"  # sigma means nothing to Xavier: one entry for all
    ui.controls["sigma"].value = 0.1
    assert results.computed == 3
    assert ("xavier", 0.01, "tanh") in results


@pytest.mark.parametrize(("init", "activation"), [("gaussian", "tanh"), ("he", "relu")])
def test_layer_by_layer_is_the_nets_own_forward_pass(init, activation):
    Hs = iw.layer_activations(init, 0.05, activation, n_layers=4, width=60, n_samples=50, seed=2)
    kw = {"sigma": 0.05} if init == "gaussian" else {}
    net = ffnn.MLP([60] * 5, hidden=activation, output=activation, init=init, init_kwargs=kw,
                   seed=2)  # fmt: skip
    X = np.random.default_rng(2).normal(size=(50, 60))
    for mine, whole in zip(Hs, net.forward_all(X)[1], strict=True):
        np.testing.assert_array_equal(mine, whole)
