"""Training from a fixed seed reaches the issue's accuracies; the loop's options work."""

import os
import subprocess
import sys

import ffnn
import numpy as np
import pytest


def test_xor_is_learned():
    X, T = ffnn.datasets.xor()
    net = ffnn.MLP([2, 4, 1], hidden="tanh", output="sigmoid", seed=1)
    ffnn.train.fit(net, X, T, lr=0.2, epochs=2000, batch_size=1, seed=1, progress=False)
    np.testing.assert_array_equal(net.predict(X), T.ravel())


def test_two_spirals_reach_95_percent_training_accuracy():
    X, T = ffnn.datasets.spirals(n=400, seed=0)
    net = ffnn.MLP([2, 32, 32, 1], hidden="tanh", output="sigmoid", seed=0)
    ffnn.train.fit(
        net, X, T, optimizer="adam", lr=0.01, batch_size=8, epochs=1500, seed=0, progress=False
    )
    assert net.accuracy(X, T) >= 0.95


def test_digits_reach_95_percent_test_accuracy():
    d = ffnn.datasets.digits(seed=0)
    assert d.X_train.shape[1] == 64 and len(d.t_train) + len(d.t_test) == 1797
    net = ffnn.MLP([64, 64, 10], hidden="relu", output="softmax", init="he", seed=0)
    ffnn.train.fit(
        net, d.X_train, ffnn.losses.one_hot(d.t_train, 10), optimizer="momentum", lr=0.05,
        momentum=0.9, batch_size=32, epochs=30, seed=0, progress=False,
    )  # fmt: skip
    assert net.accuracy(d.X_test, d.t_test) >= 0.95


def test_online_fit_equals_a_python_loop_of_single_sample_steps():
    X, T = ffnn.datasets.moons(n=30, seed=0)
    a = ffnn.MLP([2, 5, 1], seed=3)
    b = a.copy()
    ffnn.train.fit(
        a,
        X,
        T,
        optimizer="momentum",
        lr=0.1,
        momentum=0.5,
        epochs=2,
        batch_size=1,
        shuffle=False,
        progress=False,
    )
    opt = ffnn.optim.Momentum(b.params, lr=0.1, momentum=0.5)
    for _ in range(2):
        for i in range(len(X)):
            _, g = b.loss_and_gradients(X[i : i + 1], T[i : i + 1])
            opt.step(g)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "sizes, hidden, output, loss",
    [
        ([2, 16, 16, 1], "tanh", "sigmoid", "bce"),
        ([2, 5, 3], "relu", "softmax", "ce"),
        ([2, 4, 4, 4, 1], "elu", "identity", "squared"),
        ([2, 7, 1], "sigmoid", "tanh", "absolute"),
        ([2, 6, 2], "leaky_relu", "sigmoid", "squared"),
    ],
)
@pytest.mark.parametrize(
    "optimizer, extra",
    [
        ("sgd", {}),
        ("momentum", {"momentum": 0.9}),
        ("adagrad", {}),
        ("rmsprop", {}),
        ("adam", {}),
        ("sgd", {"weight_decay": 0.01, "clip_norm": 0.5}),
        ("adam", {"l1": 0.001, "clip_value": 0.1}),
    ],
)
def test_online_kernel_is_bit_identical_to_single_sample_gradient_steps(
    sizes, hidden, output, loss, optimizer, extra
):
    """The fused on-line kernel (batch_size=1) does exactly the arithmetic of
    loss_and_gradients + opt.step on one row at a time, for every rule and pairing."""
    X, t = ffnn.datasets.circles(n=40, seed=0)
    K = sizes[-1]
    T = ffnn.losses.one_hot(t.ravel().astype(int), K) if K > 1 else t
    a = ffnn.MLP(sizes, hidden=hidden, output=output, seed=1)
    b = a.copy()
    ffnn.train.fit(
        a, X, T, loss=loss, optimizer=optimizer, lr=0.01, epochs=2, batch_size=1, seed=5,
        progress=False, **extra,
    )  # fmt: skip
    opt = ffnn.optim.get(optimizer, b.params, lr=0.01, **extra)
    rng = np.random.default_rng(5)
    order = np.arange(len(X))
    for _ in range(2):
        rng.shuffle(order)
        for i in order:
            _, g = b.loss_and_gradients(X[i : i + 1], T[i : i + 1], loss=loss)
            opt.step(g)
    np.testing.assert_array_equal(a.theta, b.theta)


def test_evaluate_is_loss_and_accuracy_from_one_pass():
    X, T = ffnn.datasets.moons(n=50, seed=1)
    net = ffnn.MLP([2, 8, 1], seed=2)
    value, accuracy = net.evaluate(X, T)
    assert value == net.loss(X, T) and accuracy == net.accuracy(X, T)
    reg = ffnn.MLP([2, 8, 1], output="identity", seed=2)
    assert reg.evaluate(X, T)[1] is None


@pytest.mark.parametrize("batch_size", [1, 7, None])
def test_minibatch_and_full_batch_reduce_the_loss(batch_size):
    X, T = ffnn.datasets.circles(n=100, seed=0)
    net = ffnn.MLP([2, 8, 1], seed=0)
    before = net.loss(X, T)
    h = ffnn.train.fit(net, X, T, lr=0.3, epochs=50, batch_size=batch_size, progress=False)
    assert h.loss[-1] < before and len(h.loss) == 50


def test_full_batch_epoch_is_one_gradient_step():
    X, T = ffnn.datasets.blobs(n=20, seed=0)
    a, b = ffnn.MLP([2, 3, 1], seed=0), ffnn.MLP([2, 3, 1], seed=0)
    ffnn.train.fit(a, X, T, lr=0.2, epochs=1, batch_size=None, shuffle=False, progress=False)
    _, g = b.loss_and_gradients(X, T)
    ffnn.optim.SGD(b.params, lr=0.2).step(g)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12)


def test_same_seed_same_run():
    X, T = ffnn.datasets.moons(n=60, seed=1)
    runs = []
    for _ in range(2):
        net = ffnn.MLP([2, 6, 1], seed=4)
        runs.append(ffnn.train.fit(net, X, T, epochs=5, batch_size=4, seed=9, progress=False).loss)
    assert runs[0] == runs[1]


def test_history_validation_and_early_stopping_restores_the_best_weights():
    X, T = ffnn.datasets.function("sin", n=30, noise=0.3, seed=0)
    Xv, Tv = ffnn.datasets.function("sin", n=30, noise=0.3, seed=1)
    net = ffnn.MLP([1, 40, 1], output="identity", seed=0)
    h = ffnn.train.fit(
        net, X, T, optimizer="adam", lr=0.05, epochs=2000, batch_size=None,
        validation=(Xv, Tv), early_stopping=20, progress=False,
    )  # fmt: skip
    assert h.stopped_early and len(h.val_loss) < 2000
    assert net.loss(Xv, Tv) == pytest.approx(min(h.val_loss))
    assert h.accuracy == []  # regression: no accuracy


def test_lr_schedule_is_applied_per_epoch():
    X, T = ffnn.datasets.xor()
    h = ffnn.train.fit(
        ffnn.MLP([2, 2, 1]), X, T, epochs=4, lr=1.0,
        lr_schedule=ffnn.optim.schedule.step(1.0, drop=0.5, every=1), progress=False,
    )  # fmt: skip
    assert h.lr == [1.0, 0.5, 0.25, 0.125]


@pytest.mark.parametrize("batch_size, reduction", [(1, "mean"), (4, "mean"), (4, "sum")])
def test_running_record_is_the_mean_of_the_batch_losses_without_a_full_pass(
    batch_size, reduction, monkeypatch
):
    """record="running": the losses the kernel met during the epoch, each on its batch before
    that batch's update -- the same numbers as a Python loop of loss_and_gradients + step."""
    X, T = ffnn.datasets.moons(n=22, seed=2)
    net = ffnn.MLP([2, 5, 1], seed=3)
    twin = net.copy()
    evaluated = []
    monkeypatch.setattr(net, "evaluate", lambda *a, **k: evaluated.append(a) or (0.0, 0.0))
    h = ffnn.train.fit(
        net, X, T, optimizer="momentum", lr=0.1, epochs=3, batch_size=batch_size,
        reduction=reduction, record="running", seed=4, progress=False,
    )  # fmt: skip
    assert evaluated == [] and h.accuracy == []  # no extra pass over the training set
    opt = ffnn.optim.Momentum(twin.params, lr=0.1)
    rng, order, expected = np.random.default_rng(4), np.arange(len(X)), []
    for _ in range(3):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            value, g = twin.loss_and_gradients(X[rows], T[rows], reduction=reduction)
            total += value * len(rows) if reduction == "mean" else value
            opt.step(g)
        expected.append(total / len(X) if reduction == "mean" else total)
    np.testing.assert_allclose(h.loss, expected, rtol=1e-12)
    np.testing.assert_array_equal(net.theta, twin.theta)


def test_running_record_still_evaluates_the_validation_set():
    X, T = ffnn.datasets.moons(n=30, seed=0)
    Xv, Tv = ffnn.datasets.moons(n=20, seed=1)
    net = ffnn.MLP([2, 4, 1], seed=0)
    h = ffnn.train.fit(net, X, T, epochs=3, validation=(Xv, Tv), record="running", progress=False)
    assert len(h.loss) == len(h.val_loss) == len(h.val_accuracy) == 3 and h.accuracy == []
    assert h.val_loss[-1] == net.loss(Xv, Tv)


def test_early_stopping_keeps_the_best_epoch_and_its_weights():
    stop = ffnn.train.EarlyStopping(patience=2, min_delta=0.1)
    theta = np.array([0.0])
    seen = []
    for epoch, loss in enumerate([1.0, 0.5, 0.45, 0.7, 0.3]):
        theta[0] = epoch
        seen.append(stop.update(epoch, loss, theta))
        if seen[-1]:
            break
    # 0.45 does not beat 0.5 by min_delta; two epochs without improvement stop at epoch 3
    assert seen == [False, False, False, True] and stop.best_epoch == 1 and theta[0] == 3.0
    stop.restore(theta)
    assert theta[0] == 1.0
    watcher = ffnn.train.EarlyStopping()  # no patience: keeps track, never stops
    assert not any(watcher.update(e, 1.0 / (e + 1), theta) for e in range(5))
    assert watcher.best_epoch == 4 and watcher.best_theta is None


def test_fit_takes_an_early_stopping_object():
    X, T = ffnn.datasets.function("sin", n=30, noise=0.3, seed=0)
    Xv, Tv = ffnn.datasets.function("sin", n=30, noise=0.3, seed=1)
    stop = ffnn.train.EarlyStopping(patience=10)
    net = ffnn.MLP([1, 40, 1], output="identity", seed=0)
    h = ffnn.train.fit(
        net, X, T, optimizer="adam", lr=0.05, epochs=2000, batch_size=None,
        validation=(Xv, Tv), early_stopping=stop, progress=False,
    )  # fmt: skip
    assert h.stopped_early and h.best_epoch == stop.best_epoch == int(np.argmin(h.val_loss))
    assert net.loss(Xv, Tv) == pytest.approx(min(h.val_loss))


def test_divergence_is_reported_clearly():
    X, T = ffnn.datasets.function("square", n=20)
    net = ffnn.MLP([1, 10, 1], output="identity", hidden="relu", seed=0)
    with pytest.raises(FloatingPointError, match="learning rate"):
        ffnn.train.fit(net, X * 100, T * 1e4, lr=10.0, epochs=50, progress=False)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(epochs=0), "epochs must be an integer >= 1"),
        (dict(batch_size=0), "batch_size"),
        (dict(optimizer="adamax"), "unknown optimizer"),
        (dict(lr=-1), "positive"),
        (dict(validation=np.zeros(3)), "pair"),
        (dict(loss="hinge"), "unknown loss"),
        (dict(record="every batch"), "record must be"),
        (dict(lr_schedule=0.1), "lr_schedule must be a function"),
    ],
)
def test_fit_argument_errors(kwargs, message):
    X, T = ffnn.datasets.xor()
    with pytest.raises(ValueError, match=message):
        ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, progress=False, **kwargs)


def test_optimizer_for_another_network_is_rejected():
    X, T = ffnn.datasets.xor()
    opt = ffnn.optim.SGD(ffnn.MLP([2, 2, 1]).params, lr=0.1)
    with pytest.raises(ValueError, match="other parameters"):
        ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, optimizer=opt, progress=False)


def test_progress_bar_can_be_shown(capsys):
    X, T = ffnn.datasets.xor()
    ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, epochs=3, progress=True)
    assert "epochs" in capsys.readouterr().err


def test_datasets_shapes_and_errors():
    for name in ffnn.datasets.GENERATORS:
        X, t = ffnn.datasets.make(name)
        assert X.ndim == 2 and X.shape[1] == 2 and len(t) == len(X)
    for name in ("square", "sin", "abs", "heaviside"):
        x, t = ffnn.datasets.function(name)
        assert x.shape == t.shape == (50, 1) and np.all(np.abs(x) < 1)
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        ffnn.datasets.make("mnist")
    with pytest.raises(ValueError, match="unknown function"):
        ffnn.datasets.function("cube")


def test_read_only_install_caches_in_a_user_dir(tmp_path, monkeypatch):
    """A read-only package dir (e.g. a root-owned site-packages) sends the cache to ~/.cache."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    assert ffnn.numba_cache_dir("/usr/lib/whatever", env) == str(tmp_path / "ffnn-numba")
    assert (tmp_path / "ffnn-numba").is_dir()
    assert ffnn.numba_cache_dir("/x", {"NUMBA_CACHE_DIR": "/y"}) is None  # the user's choice wins


def test_kernels_are_cached_where_numba_cache_dir_points(tmp_path):
    code = "import numpy as np, ffnn; ffnn.MLP([2, 3, 1]).forward(np.zeros((1, 2)))"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    cached = [f for _, _, fs in os.walk(tmp_path) for f in fs if f.endswith(".nbi")]
    assert any("forward_kernel" in f for f in cached), cached


def test_warm_up_compiles_every_kernel_family():
    from ffnn.warmup import warm_up

    seconds = warm_up(verbose=False)
    for family in ("forward", "backprop", "on-line fit", "mini-batch fit", "optimizer step"):
        assert f"{family} float64" in seconds and f"{family} float32" in seconds
    assert "perceptron" in seconds and "activations" in seconds
