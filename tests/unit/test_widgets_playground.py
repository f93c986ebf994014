"""The playground's model, figure and widgets, driven headless."""

import numpy as np
import pytest
from ffnn import MLP, datasets, reference
from ffnn.widgets import playground as P
from ffnn.widgets.slider import Slider


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
        assert ui.buttons["play"].description == "pause"  # a text label, not only an icon
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


# ---------------------------------------------------------------- fast frames (issue 18)


def decode(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_encode_png_round_trips_and_refuses_other_arrays():
    from PIL import Image

    rgb = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    png = P.view.encode_png(rgb)
    np.testing.assert_array_equal(decode(png), rgb)
    assert Image.open(__import__("io").BytesIO(png)).size == (5, 7)
    with pytest.raises(ValueError, match=r"\(h, w, 3\) uint8"):
        P.view.encode_png(rgb.astype(float))
    with pytest.raises(ValueError, match=r"\(h, w, 3\) uint8"):
        P.view.encode_png(np.zeros((4, 4, 4), np.uint8))


def test_colours_and_interpolation_follow_matplotlib():
    from ffnn.widgets.playground.view import CMAP, LUT, NAN_INDEX, bilinear, bilinear_weights

    values = np.array([-0.5, 0.0, 0.3, 0.999, 1.0, 7.0, np.nan])
    index = P.view.colour_indices(values, 0.0, 1.0)
    expected = CMAP(values, bytes=True)[:6, :3]  # matplotlib's own colours, clipped ends
    np.testing.assert_array_equal(LUT[index[:6]], expected)
    assert index[-1] == NAN_INDEX and tuple(LUT[NAN_INDEX]) == (255, 255, 255)
    samples = np.linspace(-1, 1, 5)
    points = np.array([-2.0, -1.0, -0.75, 0.1, 1.0, 3.0])
    grid = np.add.outer(3 * samples, samples)  # linear in both directions: reproduced exactly
    got = bilinear(grid, bilinear_weights(samples, points), bilinear_weights(samples, points))
    clipped = np.clip(points, -1, 1)
    np.testing.assert_allclose(got, np.add.outer(3 * clipped, clipped), atol=1e-12)
    with pytest.raises(ValueError, match="at least 2 samples"):
        bilinear_weights(np.array([0.0]), points)


def test_a_live_frame_looks_like_matplotlibs_own_render():
    pg = small(dataset="xor", hidden=(5, 3))
    view = P.PlaygroundView(pg, resolution=40)
    pg.step(8)
    view.update()
    live = decode(view.png())
    reference = decode(view.snapshot(dpi=view.fig.dpi))  # matplotlib draws every artist
    assert live.shape == reference.shape == (302, 828, 3)
    top = round(view.fig.bbox.height * (1 - 0.9))  # below the title (only in snapshots)
    differ = np.abs(live - reference)[top:].max(axis=2)
    assert differ.mean() < 1.0 and (differ > 40).mean() < 0.002
    # the pixels that carry the heat map and the tiles were composed here, not by matplotlib
    rows, cols = view._out_region
    assert np.abs(live[rows, cols] - reference[rows, cols]).max(axis=2).mean() < 1.0
    assert len(view._net_pixels) > 1000
    # and a frame that got the colours wrong would be caught: swap blue and orange
    flipped = live.copy()
    flipped[rows, cols] = flipped[rows, cols][..., ::-1]
    assert np.abs(flipped - reference)[top:].max(axis=2).mean() > 2.0


def test_frames_keep_the_figure_and_redraw_only_what_changed():
    pg = small(dataset="circle", hidden=(4, 2))
    view = P.PlaygroundView(pg, resolution=30)
    view.png()
    fig, artists = view.fig, (view.output_image, view.train_points, view.train_line)
    full_draws = []
    original = fig.canvas.draw
    fig.canvas.draw = lambda: (full_draws.append(1), original())[1]
    frames = []
    for _ in range(20):  # play: the loss axes grows past 16 epochs and is redrawn alone
        pg.step()
        view.update()
        frames.append(view.png())
    assert len(set(frames)) == 20 and pg.epoch == 20
    pg.set(noise=0.4)  # new data, same layers: the points move, nothing is rebuilt
    view.update()
    after_noise = view.png()
    assert after_noise != frames[-1]
    np.testing.assert_array_equal(view.train_points.get_offsets(), pg.X_train)
    pg.add_layer(3)  # new layers: new network and gradient artists, the rest stays
    view.update()
    view.png()
    assert full_draws == [] and view.fig is fig
    assert (view.output_image, view.train_points, view.train_line) == artists
    assert len(view.gradient_bars) == 4


def test_an_unchanged_model_gives_the_same_frame_without_recomputing():
    pg = small()
    view = P.PlaygroundView(pg, resolution=20)
    first = view.png()
    calls = []
    surface = pg.surface
    pg.surface = lambda *a: (calls.append(a), surface(*a))[1]
    pg.set(lr=0.3, batch_size=5)  # training settings: same weights, same picture
    view.update()
    assert view.png() is first and calls == []
    pg.step()
    view.update()
    assert view.png() != first and len(calls) == 1


def test_partial_redraws_equal_full_redraws():
    pg = small(dataset="circle", hidden=(4, 2))
    view = P.PlaygroundView(pg, resolution=20)
    view.png()
    changes = [
        lambda: pg.step(20), lambda: pg.add_layer(3), lambda: pg.set(noise=0.4),
        lambda: pg.set(features=["x1", "x2", "x1*x2", "sin(x1)"]),
        lambda: pg.set(dataset="regression"), lambda: pg.remove_layer().remove_layer(),
        lambda: pg.set(dataset="spiral", lr=10.0).step(25), lambda: pg.set(hidden=[8] * 6),
    ]  # fmt: skip
    for change in changes:
        change()
        view.update()
        np.testing.assert_array_equal(decode(view.png()), decode(view.png(full=True)))


def test_describe_says_what_the_figure_shows():
    pg = small(dataset="spiral", hidden=(3,), features=("x1", "x2", "x1*x2"))
    text = P.PlaygroundView(pg, resolution=10).describe()
    for part in ("network 3-3-1", "x₁x₂", "tanh", "100 training points", "spiral",
                 "epoch 0 · train loss"):  # fmt: skip
        assert part in text, part


def test_ui_image_has_alt_text_and_controls_have_labels():
    import ipywidgets as W

    ui = P.playground_ui(small())
    assert ui.image.tooltip == ui.view.describe() and "epoch 0" in ui.image.tooltip
    # ipywidgets 8's front end makes the tooltip the img's title only when the model has an
    # empty description, and cannot show an Image model with a tooltip and no description
    state = ui.image.get_state()
    assert state["description"] == "" and state["tooltip"] == ui.image.tooltip
    ui.buttons["step"].click()
    assert "epoch 1 " in ui.image.tooltip  # the text follows the picture
    for control in [*ui.controls.values(), *ui.features.values(), *ui.units.children]:
        assert control.description.strip(), control
    for name, button in ui.buttons.items():
        assert isinstance(button, W.Button | W.ToggleButton)  # <button>: Tab and Enter reach it
        assert button.description.strip() and button.tooltip, name
    # Tab order = the order in the box: play, step, reset first, then the settings
    focusable = []

    def walk(widget):
        if isinstance(widget, W.Box):
            for child in widget.children:
                walk(child)
        elif isinstance(widget, W.Button | W.ToggleButton | W.Dropdown | Slider
                        | W.BoundedIntText | W.Checkbox):  # fmt: skip
            focusable.append(widget)

    walk(ui.widget)
    names = [w.description for w in focusable]
    assert names[:4] == ["play", "step", "reset", "data"]
    assert names.index("noise") < names.index("activation") < names.index("x₁")
    assert names[-2:] == ["save weights", "save figure"]


def test_static_mode_shows_a_picture_and_creates_no_widget(monkeypatch):
    import base64
    import re

    import IPython.display
    from ipywidgets.widgets import widget as ipywidget

    monkeypatch.setenv("FFNN_STATIC_WIDGETS", "1")
    before = len(ipywidget._instances)
    ui = P.playground_ui(small(dataset="xor"))
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    ui._ipython_display_()
    assert ui.widget is None and len(ipywidget._instances) == before
    [((bundle,), options)] = shown
    assert options == {"raw": True} and set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    alt = re.search(r'<img alt="([^"]+)"', page).group(1)
    assert alt.startswith("Playground figure.") and "xor data set" in alt
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1))
    picture = decode(png)
    assert picture.shape[1] > 1000 and picture.std() > 10  # a drawn figure, not a blank
    assert "JupyterLab" in page and "JupyterLab" in bundle["text/plain"]
    monkeypatch.setenv("FFNN_STATIC_WIDGETS", "0")
    assert P.playground_ui(small()).widget is not None
