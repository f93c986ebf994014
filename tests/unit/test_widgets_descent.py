"""Notebooks 06 and 07's widget logic (ffnn.widgets.descent), called headless.

conftest.py sets MPLBACKEND=Agg before matplotlib is imported.
"""

import ffnn
import matplotlib
import numpy as np
import pytest
from ffnn.widgets import descent as dw

# ---------------------------------------------------------------- gradient descent on surfaces


@pytest.mark.parametrize("surface", ["bowl", "ravine", "rosenbrock"])
def test_path_starts_at_start_and_descends(surface):
    s = dw.get_surface(surface)
    p = dw.descent_path("momentum", lr=0.005, momentum=0.9, steps=400, surface=surface)
    assert p.shape == (401, 2)
    np.testing.assert_array_equal(p[0], s.start)
    L = dw.path_losses(p, surface)
    assert L[-1] < 1e-2 * L[0]
    assert np.linalg.norm(p[-1] - s.minimum) < 0.1


def test_custom_start_point_is_used():
    p = dw.descent_path("sgd", lr=0.1, steps=5, start=(1.0, -2.0), surface="bowl")
    np.testing.assert_array_equal(p[0], [1.0, -2.0])


def test_first_steps_match_the_update_rules_by_hand():
    # bowl: g = (w1, 2 w2); GD: w <- w - eta g; momentum: v <- mu v - eta g, w <- w + v
    w0 = np.array([-2.5, 2.0])
    g0 = np.array([w0[0], 2 * w0[1]])
    p = dw.descent_path("sgd", lr=0.1, steps=1, surface="bowl")
    np.testing.assert_allclose(p[1], w0 - 0.1 * g0)
    p = dw.descent_path("momentum", lr=0.1, momentum=0.5, steps=2, surface="bowl")
    v1 = -0.1 * g0
    w1 = w0 + v1
    v2 = 0.5 * v1 - 0.1 * np.array([w1[0], 2 * w1[1]])
    np.testing.assert_allclose(p[2], w1 + v2)


def test_momentum_zero_is_plain_gradient_descent():
    a = dw.descent_path("momentum", lr=0.05, momentum=0.0, steps=30)
    b = dw.descent_path("sgd", lr=0.05, steps=30)
    np.testing.assert_allclose(a, b)


def test_momentum_changes_the_path_and_speeds_up_the_ravine():
    plain = dw.descent_path("momentum", lr=0.05, momentum=0.0, steps=100, surface="ravine")
    heavy = dw.descent_path("momentum", lr=0.05, momentum=0.9, steps=100, surface="ravine")
    assert np.abs(plain - heavy).max() > 0.1
    assert dw.path_losses(heavy, "ravine")[-1] < 0.01 * dw.path_losses(plain, "ravine")[-1]


def test_learning_rate_threshold_two_over_curvature():
    # bowl Hessian diag(1, 2): GD converges for eta < 2 / 2 = 1 and diverges above
    for lr in (0.1, 0.5, 0.95):
        assert not dw.diverged(dw.descent_path("sgd", lr=lr, steps=40, surface="bowl"), "bowl")
    for lr in (1.05, 1.5):
        assert dw.diverged(dw.descent_path("sgd", lr=lr, steps=40, surface="bowl"), "bowl")
    L = dw.final_loss_vs_lr([0.01, 0.5, 1.5], steps=20, optimizer="sgd")
    assert L[1] < L[0] and np.isinf(L[2])


def test_divergent_path_stops_at_the_box():
    p = dw.descent_path("sgd", lr=3.0, steps=500, surface="bowl")
    assert len(p) < 501
    assert np.abs(p[-1]).max() > dw.DIVERGED


def test_clipping_keeps_an_exploding_path_bounded():
    wild = dw.descent_path("sgd", lr=0.08, steps=200, surface="rosenbrock")
    clipped = dw.descent_path("sgd", lr=0.08, steps=200, surface="rosenbrock", clip_norm=2.0)
    assert dw.diverged(wild, "rosenbrock")
    assert not dw.diverged(clipped, "rosenbrock")
    assert np.abs(clipped).max() < 3
    # clip_norm bounds every step: ||w_{k+1} - w_k|| <= eta * c
    assert np.linalg.norm(np.diff(clipped, axis=0), axis=1).max() <= 0.08 * 2.0 + 1e-12


def test_adaptive_rules_reach_the_ravine_minimum():
    for name, lr in (("adagrad", 0.5), ("rmsprop", 0.05), ("adam", 0.1)):
        p = dw.descent_path(name, lr=lr, steps=200, surface="ravine")
        assert dw.path_losses(p, "ravine")[-1] < 0.01, name


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="surface"):
        dw.descent_path(surface="volcano")
    with pytest.raises(ValueError, match="start"):
        dw.descent_path(start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="momentum"):
        dw.descent_path("adam", momentum=0.9)
    with pytest.raises(ValueError, match="learning rate"):
        dw.descent_path("sgd", lr=-1.0)


def test_descent_figure_draws_the_path():
    fig = dw.descent_figure("momentum", 0.05, 0.9, 30, surface="ravine")
    line = [ln for ln in fig.axes[0].lines if len(ln.get_xdata()) == 31]
    assert line, "the 31-point path is drawn"
    fig = dw.descent_figure("sgd", 1.5, 0.0, 30, surface="bowl")
    assert "diverged" in fig.axes[1].get_title()


# ---------------------------------------------------------------- batch, on-line, mini-batch


def test_minibatch_path_counts_updates_and_approaches_least_squares():
    X, T = dw.linear_neuron_data(n=40, seed=1)
    s = dw.linear_neuron_surface(X, T)
    assert len(dw.minibatch_path(X, T, None, 0.1, 5)) == 6  # one update per epoch
    assert len(dw.minibatch_path(X, T, 8, 0.1, 5)) == 26
    online = dw.minibatch_path(X, T, 1, 0.1, 5)
    assert len(online) == 201
    np.testing.assert_allclose(online[-1], s.minimum, atol=0.15)
    batch = dw.minibatch_path(X, T, None, 0.5, 300)
    np.testing.assert_allclose(batch[-1], s.minimum, atol=1e-3)


def test_full_batch_path_follows_the_exact_gradient():
    X, T = dw.linear_neuron_data(n=20, seed=2)
    s = dw.linear_neuron_surface(X, T)
    p = dw.minibatch_path(X, T, None, 0.3, 10)
    q = dw.descent_path("sgd", lr=0.3, steps=10, surface=s)
    np.testing.assert_allclose(p, q, atol=1e-12)
    # the surface's loss is the library's squared error of y = w x + b
    w, b = 0.7, -0.2
    net = ffnn.MLP([1, 1], output="identity")
    net.set_params([[[w]], [b]])
    assert s.f(np.array(w), np.array(b)) == pytest.approx(net.loss(X, T, loss="squared"))


def test_online_path_is_noisier_than_full_batch_near_the_minimum():
    X, T = dw.linear_neuron_data(n=40, seed=0)
    s = dw.linear_neuron_surface(X, T)
    online = dw.minibatch_path(X, T, 1, 0.2, 30, start=s.minimum)
    batch = dw.minibatch_path(X, T, None, 0.2, 30, start=s.minimum)
    assert np.abs(batch - s.minimum).max() < 1e-9
    assert np.abs(online - s.minimum).max() > 0.05


def test_minibatch_path_takes_a_learning_rate_schedule_per_update():
    X, T = dw.linear_neuron_data(n=20, seed=3)
    schedule = ffnn.optim.schedule
    plain = dw.minibatch_path(X, T, 1, 0.2, 3)
    np.testing.assert_array_equal(dw.minibatch_path(X, T, 1, schedule.constant(0.2), 3), plain)
    decaying = dw.minibatch_path(X, T, 1, schedule.inverse_time(0.2, 0.5), 3)
    np.testing.assert_array_equal(decaying[:2], plain[:2])  # update 0 uses eta_0
    halved = dw.minibatch_path(X, T, 1, lambda k: 0.2 if k < 20 else 0.1, 3)
    np.testing.assert_array_equal(halved[:21], plain[:21])
    assert not np.array_equal(halved[21:], plain[21:])
    assert np.abs(decaying[-10:] - decaying[-1]).max() < np.abs(plain[-10:] - plain[-1]).max()


def test_batch_modes_figure_has_one_line_per_mode():
    X, T = dw.linear_neuron_data()
    fig = dw.batch_modes_figure(X, T, epochs=2)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("full batch (2 updates)" in t for t in labels)
    assert any("on-line (80 updates)" in t for t in labels)


# ---------------------------------------------------------------- optimizers on digits


def test_optimizer_histories_same_start_different_rules():
    Xtr, Ttr, Xte, Tte, _, _ = dw.digits_data()
    configs = {
        "sgd": dict(optimizer="sgd", lr=0.1),
        "adam": dict(optimizer="adam", lr=0.005),
    }
    H = dw.optimizer_histories(configs, Xtr[:300], Ttr[:300], (Xte, Tte), epochs=5)
    assert set(H) == {"sgd", "adam"}
    for h in H.values():
        assert len(h.loss) == 5 and len(h.val_loss) == 5
        assert h.loss[-1] < h.loss[0]
    assert H["sgd"].loss != H["adam"].loss


# ---------------------------------------------------------------- the widget itself


def test_descent_ui_redraws_the_path_its_sliders_ask_for():
    ui = dw.descent_ui()
    figure, path_line = ui.view.figure, ui.view.path
    assert isinstance(figure, matplotlib.figure.Figure)
    before = path_line.get_xydata().copy()
    ui.controls["lr"].value = 0.5  # the learning-rate slider
    assert ui.view.path is path_line and not np.array_equal(path_line.get_xydata(), before)
    ui.set(lr=0.1, steps=20, momentum=0.5)
    lr = ui.settings["lr"]
    assert lr == pytest.approx(0.1, rel=0.01)
    expected = dw.descent_path("momentum", lr=lr, momentum=0.5, steps=20, surface="ravine")
    assert len(expected) == 21
    loss_line = ui.view.figure.axes[1].lines[0]
    np.testing.assert_allclose(
        loss_line.get_ydata(), dw.path_losses(expected, "ravine") + 1e-12, rtol=1e-12
    )
    np.testing.assert_allclose(path_line.get_xdata(), expected[:, 0])
    np.testing.assert_allclose(path_line.get_ydata(), expected[:, 1])
    assert ui.view.figure is figure  # one figure for the widget's whole life
    assert ui.view.ax2.get_title() == "momentum, η=0.1, μ=0.5\nloss along the path"


def test_descent_ui_draws_the_contours_once_per_surface():
    ui = dw.descent_ui(optimizer="adam")
    assert ui.controls["momentum"].disabled  # mu is the momentum rule's only
    for lr in (0.06, 0.07, 0.08):
        ui.controls["lr"].value = lr
    assert ui.live.full_draws == 1  # the contours stayed in the background
    ui.controls["surface"].value = "rosenbrock"
    assert ui.live.full_draws == 2 and ui.view.ax.get_title() == dw.SURFACES["rosenbrock"].formula
    assert ui.view.path in ui.live.dynamic  # the new surface's path is the one redrawn
    ui.controls["optimizer"].value = "momentum"
    assert not ui.controls["momentum"].disabled
