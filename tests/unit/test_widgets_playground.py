"""The playground's model, figure and widgets, driven headless."""

import numpy as np
import pytest
from ffnn import MLP, datasets, reference
from ffnn.widgets import playground as P


def small(**kw):
    return P.Playground(**{"n_points": 200, "seed": 3, **kw})


def test_new_data_sets_are_seeded_and_shaped():
    X, t = datasets.quadrants(100, seed=1)
    assert X.shape == (100, 2) and set(np.unique(t)) == {0.0, 1.0}
    np.testing.assert_array_equal(t[:, 0], (X[:, 0] * X[:, 1] > 0))
    X2, t2 = datasets.surface(50, seed=2)
    assert t2.shape == (50, 1)
    np.testing.assert_allclose(t2[:, 0], np.sin(np.pi * X2[:, 0]) * np.cos(np.pi * X2[:, 1] / 2))
    np.testing.assert_array_equal(datasets.make("quadrants", n=10, seed=4)[0],
                                  datasets.quadrants(10, seed=4)[0])  # fmt: skip


@pytest.mark.parametrize("name", P.DATASETS)
def test_every_data_set_trains_and_its_loss_falls(name):
    pg = small(dataset=name, hidden=(6, 4), lr=0.1, features=P.FEATURES)
    n_train = len(pg.X_train)
    assert n_train == 100 and len(pg.X_test) == 100
    first = pg.train_loss[0]
    pg.step(60)
    assert pg.epoch == 60 and len(pg.train_loss) == len(pg.test_loss) == 61
    assert pg.train_loss[-1] < 0.7 * first
    assert "epoch 60 · train loss" in pg.readout()


def test_same_seed_same_run_and_another_seed_another():
    a, b = small(dataset="xor"), small(dataset="xor")
    a.step(15)
    b.step(15)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)
    assert a.train_loss == b.train_loss and a.test_loss == b.test_loss
    c = small(dataset="xor", seed=4)
    c.step(15)
    assert c.train_loss != a.train_loss
    # what is recorded is the cross-entropy of the current weights, on each split
    for F, t, recorded in [(a.F_train, a.t_train, a.train_loss), (a.F_test, a.t_test, a.test_loss)]:
        y = reference.forward(a.net, F)[0]
        bce = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
        assert len(recorded) == 16 and recorded[-1] == pytest.approx(bce, rel=1e-12)
    assert a.train_loss[-1] < a.train_loss[0]  # 15 epochs of SGD on XOR did learn


def test_training_settings_keep_the_weights_others_restart():
    pg = small()
    pg.step(5)
    theta = pg.net.theta.copy()
    pg.set(lr=0.3, optimizer="adam", regularization="L2", reg_rate=0.01, batch_size=5)
    assert pg.epoch == 5 and np.array_equal(pg.net.theta, theta)
    assert type(pg.opt).__name__ == "Adam" and pg.opt.lr == 0.3
    pg.step()
    assert pg.epoch == 6
    restarting = [
        {"activation": "relu"}, {"init": "he"}, {"features": ["x1", "x1^2"]},
        {"dataset": "spiral"}, {"noise": 0.5}, {"seed": 9}, {"loss": "squared"},
    ]  # fmt: skip
    for change in restarting:
        pg.step(2)
        pg.set(**change)
        assert pg.epoch == 0 and len(pg.train_loss) == 1, change
    assert pg.net.sizes == (2, 4, 2, 1) and pg.net.hidden == "relu"


def test_regularization_reaches_the_optimizer():
    l1 = small(regularization="L1", reg_rate=0.03).opt
    l2 = small(regularization="L2", reg_rate=0.03).opt
    none = small(regularization="none", reg_rate=0.03).opt
    assert (l1.l1, l1.weight_decay) == (0.03, 0.0) and (l2.l1, l2.weight_decay) == (0.0, 0.03)
    assert none.l1 == none.weight_decay == 0.0
    # a strong L2 penalty keeps the weights smaller than no penalty
    strong, free = small(regularization="L2", reg_rate=1.0, lr=0.1), small(lr=0.1)
    strong.step(40)
    free.step(40)
    assert (
        np.abs(np.concatenate([w.ravel() for w in strong.net.weights])).sum()
        < np.abs(np.concatenate([w.ravel() for w in free.net.weights])).sum()
    )


def test_layers_add_remove_and_resize():
    pg = small(hidden=(3,))
    pg.add_layer(5)
    assert pg.net.sizes == (2, 3, 5, 1)
    pg.set_units(0, 8)
    assert pg.net.sizes == (2, 8, 5, 1)
    pg.remove_layer().remove_layer()
    assert pg.net.sizes == (2, 1)  # logistic regression on the features still trains
    pg.step(3)
    with pytest.raises(ValueError, match="no hidden layer"):
        pg.remove_layer()
    with pytest.raises(ValueError, match="layer must be"):
        pg.set_units(0, 2)
    pg.set(hidden=[8] * 6)
    with pytest.raises(ValueError, match="at most 6 layers of at most 8"):
        pg.add_layer()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"dataset": "moons"}, "dataset must be one of circle, xor"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of sgd, momentum, adam"),
        ({"features": ["x3"]}, "unknown input feature 'x3'"),
        ({"features": []}, "at least one input"),
        ({"lr": -1}, "lr"),
        ({"noise": 2}, "noise"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"n_points": 5}, "n_points must be an integer >= 10"),
        ({"hidden": [0]}, "units per hidden layer"),
        ({"colour": "red"}, "unknown playground setting 'colour'"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(change, message):
    pg = small()
    pg.step(2)
    theta, settings = pg.net.theta.copy(), dict(pg.settings)
    with pytest.raises(ValueError, match=message):
        pg.set(**{"batch_size": 7, **change})  # none of it applies
    assert pg.settings == settings and pg.epoch == 2
    np.testing.assert_array_equal(pg.net.theta, theta)


def test_views_match_the_network():
    pg = small(features=("x1", "x2", "x1*x2"), hidden=(3, 2))
    pg.step(5)
    xs, F = pg.grid(7)
    assert F.shape == (49, 3)
    np.testing.assert_allclose(F[:, 2], F[:, 0] * F[:, 1])
    np.testing.assert_allclose(pg.surface(7).ravel(), pg.net.forward(F)[:, 0])
    maps = pg.unit_maps(5)
    assert [m.shape for m in maps] == [(3, 5, 5), (3, 5, 5), (2, 5, 5), (1, 5, 5)]
    np.testing.assert_allclose(maps[-1].ravel(), pg.surface(5).ravel())
    grads = pg.gradients()
    assert [g.shape for g in grads] == [(3, 3), (3, 2), (2, 1)]  # dL/dW per layer
    # against plain NumPy (ffnn.reference, no kernel) and, for a few weights, against
    # central differences of the mean cross-entropy computed here from the outputs
    _, exact = reference.backprop(pg.net, pg.F_train, pg.t_train, "bce")
    for g, e in zip(grads, exact[0::2], strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-13)
    assert max(np.abs(g).max() for g in grads) > 1e-3  # not trivially zero

    def bce():
        y = reference.forward(pg.net, pg.F_train)[0]
        t = pg.t_train
        return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))

    for layer, idx in [(0, (2, 1)), (1, (0, 1)), (2, (1, 0))]:
        W = pg.net.weights[layer]
        w0 = W[idx]
        W[idx] = w0 + 1e-6
        up = bce()
        W[idx] = w0 - 1e-6
        down = bce()
        W[idx] = w0
        assert grads[layer][idx] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)
    deltas = pg.deltas()
    assert [d.shape for d in deltas] == [(3,), (2,), (1,)]
    # the output delta of sigmoid + cross-entropy is y - t, y computed here in NumPy
    h = pg.F_train
    for l, (W, b) in enumerate(zip(pg.net.weights, pg.net.biases, strict=True)):
        a = h @ W + b
        h = np.tanh(a) if l < pg.net.n_layers - 1 else 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(deltas[-1], np.abs(h - pg.t_train).mean(axis=0), rtol=1e-10)


def test_export_weights_round_trip(tmp_path):
    pg = small()
    pg.step(3)
    net = MLP.load(pg.export_weights(tmp_path / "w.npz"))
    np.testing.assert_array_equal(net.forward(pg.F_test), pg.net.forward(pg.F_test))


def test_view_updates_in_place_and_exports(tmp_path):
    pg = small(hidden=(4, 3))
    view = P.PlaygroundView(pg, resolution=30)
    first = view.png()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    line, image = view.train_line, view.output_image
    pg.step(4)
    view.update()
    assert view.train_line is line and view.output_image is image  # same artists, new data
    assert len(line.get_xdata()) == 5
    np.testing.assert_allclose(image.get_array(), pg.surface(30))
    assert view.png() != first
    pg.add_layer(2)  # a new shape rebuilds the artists once
    view.update()
    assert len(view.gradient_bars) == 4
    path = view.export(tmp_path / "pg.png")
    assert path.stat().st_size > 10_000
    # a blitted frame equals a full redraw of the same state
    import io

    from PIL import Image

    blitted = np.asarray(Image.open(io.BytesIO(view.png())))
    full = np.asarray(Image.open(io.BytesIO(view.png(full=True))))
    np.testing.assert_array_equal(blitted, full)


def test_ui_controls_drive_the_model(tmp_path):
    ui = P.playground_ui(small(), export_dir=str(tmp_path))
    assert isinstance(ui, P.PlaygroundUI) and isinstance(ui.view, P.PlaygroundView)
    assert "ffnn-playground" in ui.widget.get_state()["_dom_classes"]  # what is displayed
    pg = ui.pg
    before = ui.readout.value
    ui.buttons["step"].click()
    assert pg.epoch == 1 and ui.readout.value != before and ui.readout.value.startswith("epoch 1")
    frame = ui.image.value
    ui.controls["lr"].value = 0.3
    assert pg.lr == 0.3 and pg.epoch == 1  # weights kept
    ui.controls["dataset"].value = "spiral"
    assert pg.dataset == "spiral" and pg.epoch == 0 and ui.image.value != frame
    ui.features["x1^2"].value = True
    assert pg.features == ("x1", "x2", "x1^2") and pg.net.sizes[0] == 3
    ui.buttons["add_layer"].click()
    assert len(ui.units.children) == 3 and pg.net.n_layers == 4
    ui.units.children[2].value = 5
    assert pg.hidden == (4, 2, 2)[:2] + (5,)
    ui.buttons["remove_layer"].click()
    assert len(ui.units.children) == 2
    for f in ("x1", "x2", "x1^2"):  # unticking the last feature is refused, not applied
        ui.features[f].value = False
    assert pg.features == ("x1^2",) and "not applied" in ui.status.value
    ui.buttons["step"].click()
    ui.buttons["reset"].click()
    assert pg.epoch == 0 and ui.status.value == ""
    ui.buttons["save_weights"].click()
    ui.buttons["save_figure"].click()
    assert (tmp_path / "playground_weights.npz").exists() and (tmp_path / "playground.png").exists()


def test_play_trains_until_paused():
    import asyncio

    ui = P.playground_ui(small())

    async def drive():
        ui.buttons["play"].value = True
        while ui.pg.epoch < 3:
            await asyncio.sleep(0.01)
        ui.buttons["play"].value = False
        await ui.task
        return ui.pg.epoch

    epoch = asyncio.run(drive())
    assert epoch >= 3 and ui.buttons["play"].description == "play"
    assert ui.readout.value.startswith(f"epoch {epoch} ")


def test_view_leaves_pyplot_backend_alone():
    import matplotlib
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    plt.switch_backend("svg")  # stands in for the notebook's inline backend
    try:
        P.PlaygroundView(small(hidden=(2,)), resolution=10).png()
        assert matplotlib.get_backend() == "svg"
    finally:
        plt.switch_backend(before)
