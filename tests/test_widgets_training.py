"""The logic behind the training widgets (notebooks 06-10), called headless.

conftest.py sets MPLBACKEND=Agg before matplotlib is imported.
"""

import ffnn
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ffnn.widgets import training as tr


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- gradient descent on surfaces


@pytest.mark.parametrize("surface", ["bowl", "ravine", "rosenbrock"])
def test_path_starts_at_start_and_descends(surface):
    s = tr.get_surface(surface)
    p = tr.descent_path("momentum", lr=0.005, momentum=0.9, steps=400, surface=surface)
    assert p.shape == (401, 2)
    np.testing.assert_array_equal(p[0], s.start)
    L = tr.path_losses(p, surface)
    assert L[-1] < 1e-2 * L[0]
    assert np.linalg.norm(p[-1] - s.minimum) < 0.1


def test_custom_start_point_is_used():
    p = tr.descent_path("sgd", lr=0.1, steps=5, start=(1.0, -2.0), surface="bowl")
    np.testing.assert_array_equal(p[0], [1.0, -2.0])


def test_first_steps_match_the_update_rules_by_hand():
    # bowl: g = (w1, 2 w2); GD: w <- w - eta g; momentum: v <- mu v - eta g, w <- w + v
    w0 = np.array([-2.5, 2.0])
    g0 = np.array([w0[0], 2 * w0[1]])
    p = tr.descent_path("sgd", lr=0.1, steps=1, surface="bowl")
    np.testing.assert_allclose(p[1], w0 - 0.1 * g0)
    p = tr.descent_path("momentum", lr=0.1, momentum=0.5, steps=2, surface="bowl")
    v1 = -0.1 * g0
    w1 = w0 + v1
    v2 = 0.5 * v1 - 0.1 * np.array([w1[0], 2 * w1[1]])
    np.testing.assert_allclose(p[2], w1 + v2)


def test_momentum_zero_is_plain_gradient_descent():
    a = tr.descent_path("momentum", lr=0.05, momentum=0.0, steps=30)
    b = tr.descent_path("sgd", lr=0.05, steps=30)
    np.testing.assert_allclose(a, b)


def test_momentum_changes_the_path_and_speeds_up_the_ravine():
    plain = tr.descent_path("momentum", lr=0.05, momentum=0.0, steps=100, surface="ravine")
    heavy = tr.descent_path("momentum", lr=0.05, momentum=0.9, steps=100, surface="ravine")
    assert np.abs(plain - heavy).max() > 0.1
    assert tr.path_losses(heavy, "ravine")[-1] < 0.01 * tr.path_losses(plain, "ravine")[-1]


def test_learning_rate_threshold_two_over_curvature():
    # bowl Hessian diag(1, 2): GD converges for eta < 2 / 2 = 1 and diverges above
    for lr in (0.1, 0.5, 0.95):
        assert not tr.diverged(tr.descent_path("sgd", lr=lr, steps=40, surface="bowl"), "bowl")
    for lr in (1.05, 1.5):
        assert tr.diverged(tr.descent_path("sgd", lr=lr, steps=40, surface="bowl"), "bowl")
    L = tr.final_loss_vs_lr([0.01, 0.5, 1.5], steps=20, optimizer="sgd")
    assert L[1] < L[0] and np.isinf(L[2])


def test_divergent_path_stops_at_the_box():
    p = tr.descent_path("sgd", lr=3.0, steps=500, surface="bowl")
    assert len(p) < 501
    assert np.abs(p[-1]).max() > tr.DIVERGED


def test_clipping_keeps_an_exploding_path_bounded():
    wild = tr.descent_path("sgd", lr=0.08, steps=200, surface="rosenbrock")
    clipped = tr.descent_path("sgd", lr=0.08, steps=200, surface="rosenbrock", clip_norm=2.0)
    assert tr.diverged(wild, "rosenbrock")
    assert not tr.diverged(clipped, "rosenbrock")
    assert np.abs(clipped).max() < 3
    # clip_norm bounds every step: ||w_{k+1} - w_k|| <= eta * c
    assert np.linalg.norm(np.diff(clipped, axis=0), axis=1).max() <= 0.08 * 2.0 + 1e-12


def test_adaptive_rules_reach_the_ravine_minimum():
    for name, lr in (("adagrad", 0.5), ("rmsprop", 0.05), ("adam", 0.1)):
        p = tr.descent_path(name, lr=lr, steps=200, surface="ravine")
        assert tr.path_losses(p, "ravine")[-1] < 0.01, name


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="surface"):
        tr.descent_path(surface="volcano")
    with pytest.raises(ValueError, match="start"):
        tr.descent_path(start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="momentum"):
        tr.descent_path("adam", momentum=0.9)
    with pytest.raises(ValueError, match="learning rate"):
        tr.descent_path("sgd", lr=-1.0)


def test_descent_figure_draws_the_path():
    fig = tr.descent_figure("momentum", 0.05, 0.9, 30, surface="ravine")
    line = [ln for ln in fig.axes[0].lines if len(ln.get_xdata()) == 31]
    assert line, "the 31-point path is drawn"
    fig = tr.descent_figure("sgd", 1.5, 0.0, 30, surface="bowl")
    assert "diverged" in fig.axes[1].get_title()


# ---------------------------------------------------------------- batch, on-line, mini-batch


def test_minibatch_path_counts_updates_and_approaches_least_squares():
    X, T = tr.linear_neuron_data(n=40, seed=1)
    s = tr.linear_neuron_surface(X, T)
    assert len(tr.minibatch_path(X, T, None, 0.1, 5)) == 6  # one update per epoch
    assert len(tr.minibatch_path(X, T, 8, 0.1, 5)) == 26
    online = tr.minibatch_path(X, T, 1, 0.1, 5)
    assert len(online) == 201
    np.testing.assert_allclose(online[-1], s.minimum, atol=0.15)
    batch = tr.minibatch_path(X, T, None, 0.5, 300)
    np.testing.assert_allclose(batch[-1], s.minimum, atol=1e-3)


def test_full_batch_path_follows_the_exact_gradient():
    X, T = tr.linear_neuron_data(n=20, seed=2)
    s = tr.linear_neuron_surface(X, T)
    p = tr.minibatch_path(X, T, None, 0.3, 10)
    q = tr.descent_path("sgd", lr=0.3, steps=10, surface=s)
    np.testing.assert_allclose(p, q, atol=1e-12)
    # the surface's loss is the library's squared error of y = w x + b
    w, b = 0.7, -0.2
    net = ffnn.MLP([1, 1], output="identity")
    net.set_params([[[w]], [b]])
    assert s.f(np.array(w), np.array(b)) == pytest.approx(net.loss(X, T, loss="squared"))


def test_online_path_is_noisier_than_full_batch_near_the_minimum():
    X, T = tr.linear_neuron_data(n=40, seed=0)
    s = tr.linear_neuron_surface(X, T)
    online = tr.minibatch_path(X, T, 1, 0.2, 30, start=s.minimum)
    batch = tr.minibatch_path(X, T, None, 0.2, 30, start=s.minimum)
    assert np.abs(batch - s.minimum).max() < 1e-9
    assert np.abs(online - s.minimum).max() > 0.05


def test_batch_modes_figure_has_one_line_per_mode():
    X, T = tr.linear_neuron_data()
    fig = tr.batch_modes_figure(X, T, epochs=2)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("full batch (2 updates)" in t for t in labels)
    assert any("on-line (80 updates)" in t for t in labels)


# ---------------------------------------------------------------- optimizers on digits


def test_optimizer_histories_same_start_different_rules():
    Xtr, Ttr, Xte, Tte, _, _ = tr.digits_data()
    configs = {
        "sgd": dict(optimizer="sgd", lr=0.1),
        "adam": dict(optimizer="adam", lr=0.005),
    }
    H = tr.optimizer_histories(configs, Xtr[:300], Ttr[:300], (Xte, Tte), epochs=5)
    assert set(H) == {"sgd", "adam"}
    for h in H.values():
        assert len(h.loss) == 5 and len(h.val_loss) == 5
        assert h.loss[-1] < h.loss[0]
    assert H["sgd"].loss != H["adam"].loss
    fig = tr.curves_figure(H)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2


# ---------------------------------------------------------------- initialisation


def test_constant_init_keeps_hidden_units_identical():
    net, _ = tr.symmetric_net(value=0.5, epochs=200)
    assert tr.hidden_unit_spread(net) == pytest.approx(0.0, abs=1e-12)
    assert net.accuracy(*ffnn.datasets.xor()) < 1.0  # effectively one hidden unit
    random = ffnn.MLP([2, 4, 1], init="xavier", seed=0)
    assert tr.hidden_unit_spread(random) > 0.1


def test_small_sigma_activations_shrink_with_depth_xavier_keeps_spread():
    small = tr.activation_stats(tr.layer_activations("gaussian", 0.01, n_samples=200))["std"]
    xavier = tr.activation_stats(tr.layer_activations("xavier", n_samples=200))["std"]
    big = tr.activation_stats(tr.layer_activations("gaussian", 1.0, n_samples=200))
    assert len(small) == 10
    assert np.all(np.diff(small) < 0) and small[-1] < 1e-5 * small[0]
    assert xavier[-1] > 0.3 * xavier[0] and xavier[-1] > 0.1
    assert np.all(big["saturated"] > 0.8)  # sigma = 1: tanh saturates in every layer


def test_he_keeps_relu_activations_while_xavier_lets_them_fade():
    he = tr.activation_stats(tr.layer_activations("he", activation="relu", n_samples=200))
    xav = tr.activation_stats(tr.layer_activations("xavier", activation="relu", n_samples=200))
    assert 0.5 < he["std"][-1] / he["std"][0] < 2.0
    assert xav["std"][-1] < 0.1 * xav["std"][0]
    assert np.all((he["zero"] > 0.3) & (he["zero"] < 0.7))  # half the ReLUs are off


def test_gradient_norms_per_layer():
    Xtr, Ttr, *_ = tr.digits_data()
    net = ffnn.MLP([64, 16, 16, 10], hidden="tanh", output="softmax", seed=0)
    norms = tr.gradient_norms(net, Xtr[:100], Ttr[:100])
    _, grads = net.loss_and_gradients(Xtr[:100], Ttr[:100])
    np.testing.assert_allclose(norms, [np.linalg.norm(grads[k]) for k in (0, 2, 4)])
    deep = tr.deep_gradient_norms(
        {"small": ("gaussian", {"sigma": 0.01}), "xavier": ("xavier", {})}, Xtr[:200], Ttr[:200]
    )
    assert deep["small"].shape == (9,)
    assert deep["small"].max() < 1e-6 < deep["xavier"].min()


def test_activations_figure_has_a_histogram_per_layer():
    Hs = tr.layer_activations("xavier", n_layers=4, width=50, n_samples=100)
    fig = tr.activations_figure(Hs, "xavier")
    assert sum(1 for ax in fig.axes if ax.patches) == 4


# ---------------------------------------------------------------- regularisation


@pytest.fixture(scope="module")
def sine():
    return tr.regression_data()


def test_large_net_overfits_few_noisy_points(sine):
    X, T, Xv, Tv = sine
    net, h = tr.fit_curve(X, T, validation=(Xv, Tv))
    assert h.loss[-1] < 0.5 * 0.25**2 / 2  # below the noise floor: it fits the noise
    assert h.val_loss[-1] > 1.5 * min(h.val_loss)  # validation loss rose again


def test_weight_decay_shrinks_the_weights_and_helps_validation(sine):
    X, T, Xv, Tv = sine
    runs = {lam: tr.fit_curve(X, T, lam=lam, validation=(Xv, Tv)) for lam in (0.0, 1e-2, 1.0)}
    norms = [tr.weight_norm(runs[lam][0]) for lam in (0.0, 1e-2, 1.0)]
    assert norms[0] > norms[1] > norms[2]
    val = {lam: runs[lam][1].val_loss[-1] for lam in runs}
    assert val[1e-2] < val[0.0]
    assert runs[1.0][1].loss[-1] > runs[0.0][1].loss[-1]  # too much decay underfits


def test_early_stopping_restores_the_best_weights(sine):
    X, T, Xv, Tv = sine
    net, h = tr.fit_curve(X, T, validation=(Xv, Tv), early_stopping=100)
    assert h.stopped_early and len(h.loss) < 3000
    assert net.loss(Xv, Tv) == pytest.approx(min(h.val_loss))


def test_jitter_copies_inputs_with_noise():
    X, T = np.zeros((5, 1)), np.arange(5.0).reshape(-1, 1)
    Xn, Tn = tr.jitter(X, T, copies=4, sigma=0.1, seed=0)
    assert Xn.shape == (20, 1) and Tn.shape == (20, 1)
    np.testing.assert_array_equal(Tn[5:10], T)
    assert 0.05 < Xn.std() < 0.2


def test_regularization_figure_titles_lambda():
    fig = tr.regularization_figure(lam=0.01, epochs=50)
    assert "0.01" in fig.axes[0].get_title()


# ---------------------------------------------------------------- evaluation


def test_confusion_matrix_counts():
    C = tr.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
    assert C.sum() == 5
    with pytest.raises(ValueError):
        tr.confusion_matrix([0, 1], [0])


def test_misclassified_figure_shows_only_the_errors():
    X = np.random.default_rng(0).random((6, 64))
    fig = tr.misclassified_figure(X, [1, 2, 3, 4, 5, 6], [1, 0, 3, 0, 5, 0])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["2 → 0", "4 → 0", "6 → 0"]


# ---------------------------------------------------------------- the widgets themselves


def test_uis_build_and_redraw_headless():
    ui = tr.descent_ui()
    assert isinstance(ui.result, matplotlib.figure.Figure)
    before = ui.result
    ui.children[2].value = 0.5  # the learning-rate slider
    assert ui.result is not before
    ui = tr.init_ui()
    assert len(ui.result.axes) == 11
    ui = tr.regularization_ui(epochs=50)
    assert "λ" in ui.children[0].description
