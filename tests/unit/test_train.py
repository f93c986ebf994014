"""Training from a fixed seed reaches the issue's accuracies; the loop's options work."""

import os
import subprocess
import sys

import ffnn
import numpy as np
import pytest
from ffnn import reference as ref

# ---------------------------------------------------------------- an independent trainer
# Plain NumPy, written here: no ffnn kernel, no ffnn.optim, no ffnn.reference. Output units
# and losses are the matched pairs (sigmoid + BCE, identity + 1/2 squared error), whose
# output delta is (Y - T), times 1/m for the mean over the m rows of a batch.

HIDDEN_UNITS = {  # f(a), f'(a) given a and h = f(a)
    "tanh": (np.tanh, lambda a, h, alpha: 1.0 - h * h),
    "sigmoid": (lambda a: 1.0 / (1.0 + np.exp(-a)), lambda a, h, alpha: h * (1.0 - h)),
    "elu": (None, lambda a, h, alpha: np.where(a > 0, 1.0, alpha * np.exp(np.minimum(a, 0)))),
}


def numpy_hidden(name, A, alpha):
    if name == "elu":
        return np.where(A > 0, A, alpha * (np.exp(np.minimum(A, 0)) - 1.0))
    return HIDDEN_UNITS[name][0](A)


def numpy_forward(params, X, hidden="tanh", output="sigmoid", alpha=1.0):
    """[(A, H)] per layer for params [W1, b1, W2, b2, ...] (row data, A = H W + b)."""
    H, layers = X, []
    L = len(params) // 2
    for l in range(L):
        A = H @ params[2 * l] + params[2 * l + 1]
        if l < L - 1:
            H = numpy_hidden(hidden, A, alpha)
        else:
            H = 1.0 / (1.0 + np.exp(-A)) if output == "sigmoid" else A
        layers.append((A, H))
    return layers


def numpy_loss(Y, T, output="sigmoid", reduction="mean"):
    """BCE for a sigmoid output, 1/2 squared error for an identity one; mean or sum over rows."""
    if output == "sigmoid":
        per_row = -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y), axis=1)
    else:
        per_row = 0.5 * np.sum((Y - T) ** 2, axis=1)
    return per_row.mean() if reduction == "mean" else per_row.sum()


def numpy_gradients(params, X, T, hidden="tanh", output="sigmoid", alpha=1.0, reduction="mean"):
    """(loss, [dW1, db1, ...]) of a batch by backprop written out in NumPy."""
    layers = numpy_forward(params, X, hidden, output, alpha)
    Y = layers[-1][1]
    D = (Y - T) / (len(X) if reduction == "mean" else 1.0)
    grads = [None] * len(params)
    for l in range(len(layers) - 1, -1, -1):
        H_prev = X if l == 0 else layers[l - 1][1]
        grads[2 * l], grads[2 * l + 1] = H_prev.T @ D, D.sum(axis=0)
        if l > 0:
            A_prev = layers[l - 1][0]
            D = (D @ params[2 * l].T) * HIDDEN_UNITS[hidden][1](A_prev, H_prev, alpha)
    return numpy_loss(Y, T, output, reduction), grads


def numpy_fit(params, X, T, epochs, batch_size, lr, momentum=0.0, seed=None, **net):
    """Mini-batch SGD (with momentum v <- mu v - eta g, w <- w + v) over rows in order,
    shuffled per epoch by np.random.default_rng(seed) when seed is given (as fit does);
    lr is eta or a function eta(epoch). Updates params in place; returns, per epoch, the
    mean (for reduction="sum": the sum) of the per-sample losses met on the batches, and
    the loss over all of (X, T) after the epoch."""
    rng = None if seed is None else np.random.default_rng(seed)
    order, velocity = np.arange(len(X)), [np.zeros_like(p) for p in params]
    running, full = [], []
    for epoch in range(epochs):
        eta = lr(epoch) if callable(lr) else lr
        if rng is not None:
            rng.shuffle(order)
        total = 0.0
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            value, grads = numpy_gradients(params, X[rows], T[rows], **net)
            total += value * len(rows) if net.get("reduction", "mean") == "mean" else value
            for p, v, g in zip(params, velocity, grads, strict=True):
                v *= momentum
                v -= eta * g
                p += v
        running.append(total / len(X) if net.get("reduction", "mean") == "mean" else total)
        full.append(numpy_gradients(params, X, T, **net)[0])
    return running, full


def assert_same_params(net, params, atol=1e-12):
    for k, (got, want) in enumerate(zip(net.params, params, strict=True)):
        np.testing.assert_allclose(got, want, rtol=0, atol=atol, err_msg=f"params[{k}]")


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


@pytest.mark.parametrize(
    "n, batch_size, shuffle, epochs",
    [
        (7, 3, False, 1),  # batches of 3, 3 and 1: the last one is a mean over 1 row, not 3
        (7, 3, True, 2),  # the same, in the order np.random.default_rng(seed) shuffles to
        (13, 5, True, 2),  # 5, 5, 3
        (7, 7, False, 3),  # one full batch per epoch
    ],
)
def test_minibatch_fit_equals_a_numpy_loop_that_averages_each_batch_over_its_rows(
    n, batch_size, shuffle, epochs
):
    """Each update is eta times the mean gradient of the batch's own m rows -- including a
    short last batch -- checked against plain NumPy, not against the kernels."""
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(n, 3)), rng.integers(0, 2, size=(n, 2)).astype(float)
    net = ffnn.MLP([3, 4, 2], hidden="tanh", output="sigmoid", seed=1)
    params = [p.copy() for p in net.params]
    h = ffnn.train.fit(
        net, X, T, optimizer="sgd", lr=0.5, epochs=epochs, batch_size=batch_size,
        shuffle=shuffle, seed=3, record="running", progress=False,
    )  # fmt: skip
    running, _ = numpy_fit(params, X, T, epochs, batch_size, lr=0.5, seed=3 if shuffle else None)
    assert_same_params(net, params)
    np.testing.assert_allclose(h.loss, running, rtol=1e-12)


@pytest.mark.parametrize(
    "n, batch_size",
    [
        (200, 64),  # halves of 32 rows; the last batch, 8 rows, on one core
        (230, 65),  # halves of 33 and 32; the last batch (35 rows) in halves of 18 and 17
    ],
)
def test_batches_cut_in_halves_equal_a_numpy_loop(n, batch_size):
    """A batch large enough for two cores (network.splits) runs as two halves of rows,
    each with the whole batch's 1/m; the updates are still eta times the batch's mean
    gradient (to rounding: the halves' weight gradients are summed, not one product)."""
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(n, 20)), rng.integers(0, 2, size=(n, 2)).astype(float)
    net = ffnn.MLP([20, 48, 24, 2], hidden="tanh", output="sigmoid", seed=1)
    run = ffnn.train.prepare(net, X, T, batch_size=batch_size)
    assert ffnn.network.splits(net.layout, batch_size)  # the path under test is taken
    assert len({id(ws) for ws in run.workspaces}) == 3  # two halves never share buffers
    params = [p.copy() for p in net.params]
    h = ffnn.train.fit(
        net, X, T, optimizer="momentum", lr=0.2, momentum=0.9, epochs=3,
        batch_size=batch_size, seed=3, record="running", progress=False,
    )  # fmt: skip
    running, _ = numpy_fit(params, X, T, 3, batch_size, lr=0.2, momentum=0.9, seed=3)
    assert_same_params(net, params)
    np.testing.assert_allclose(h.loss, running, rtol=1e-12)


def test_halves_give_the_same_bits_on_one_thread_as_on_two():
    """The cut does not depend on the cores: a batch is always cut in the same two halves,
    summed in the same order, so one thread or two train to the same bits."""
    import numba

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("Numba has one thread here: nothing to compare one thread with")
    X, t = ffnn.datasets.circles(n=300, seed=0)
    nets = [ffnn.MLP([2, 64, 64, 1], seed=0) for _ in range(2)]
    assert ffnn.network.splits(nets[0].layout, 100)
    before = numba.get_num_threads()
    try:
        for threads, net in zip((1, 2), nets, strict=True):
            numba.set_num_threads(threads)
            ffnn.train.fit(net, X, t, epochs=3, batch_size=100, progress=False)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(nets[0].theta, nets[1].theta)


@pytest.mark.parametrize(
    "sizes, batch, cut",
    [
        ([64, 128, 64, 10], 32, True),  # the digits network: halves of 16 rows
        ([64, 128, 64, 10], 64, True),  # halves of 32: products of 2^18 multiply-adds
        ([64, 128, 64, 10], 66, False),  # halves of 33: OpenBLAS would thread them
        ([64, 128, 64, 10], 16, False),  # too few rows
        ([2, 8, 1], 64, False),  # too little work to pay for a second thread
        ([2, 16, 16, 1], 1000, True),  # a full batch of 1,000 points
        ([2, 16, 16, 1], 1024, False),  # halves of 512 rows: the layers spread their own rows
        ([784, 512, 512, 10], 1024, False),  # products that OpenBLAS threads itself
    ],
)
def test_which_batches_are_cut_in_halves(sizes, batch, cut):
    assert ffnn.network.splits(ffnn.MLP(sizes).layout, batch) is cut


@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize("alpha", [0.4, 2.0])
def test_fit_with_elu_and_a_non_default_alpha_equals_a_numpy_loop(batch_size, alpha):
    """The on-line kernel (batch 1) and the mini-batch kernel take ELU' = alpha e^a."""
    rng = np.random.default_rng(1)
    X, T = 2.0 * rng.normal(size=(7, 2)), rng.normal(size=(7, 1))
    net = ffnn.MLP([2, 5, 1], hidden="elu", output="identity", alpha=alpha, seed=2)
    params = [p.copy() for p in net.params]
    ffnn.train.fit(
        net, X, T, optimizer="momentum", lr=0.05, momentum=0.5, epochs=2,
        batch_size=batch_size, shuffle=False, progress=False,
    )  # fmt: skip
    net_kw = dict(hidden="elu", output="identity", alpha=alpha)
    numpy_fit(params, X, T, 2, batch_size, lr=0.05, momentum=0.5, **net_kw)
    assert_same_params(net, params)


def test_online_fit_equals_a_numpy_loop_of_single_sample_momentum_steps():
    X, T = ffnn.datasets.moons(n=30, seed=0)
    a = ffnn.MLP([2, 5, 1], seed=3)
    params = [p.copy() for p in a.params]
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
    numpy_fit(params, X, T, epochs=2, batch_size=1, lr=0.1, momentum=0.5)
    assert_same_params(a, params)


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
    loss_and_gradients + opt.step on one row at a time, for every rule and pairing; and
    both agree with the same steps taken by ffnn.reference (plain NumPy), which shares
    neither the backprop kernels nor optim.update with them."""
    X, t = ffnn.datasets.circles(n=40, seed=0)
    K = sizes[-1]
    T = ffnn.losses.one_hot(t.ravel().astype(int), K) if K > 1 else t
    a = ffnn.MLP(sizes, hidden=hidden, output=output, seed=1)
    b, c = a.copy(), a.copy()
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
    ref_hyper = {
        "momentum": lambda: {"mu": opt.momentum},
        "adagrad": lambda: {"eps": opt.eps},
        "rmsprop": lambda: {"decay": opt.decay, "eps": opt.eps},
        "adam": lambda: {"beta1": opt.beta1, "beta2": opt.beta2, "eps": opt.eps},
    }.get(optimizer, dict)()
    penalties = {k: v for k, v in extra.items() if k != "momentum"}
    rng, order, w, state = np.random.default_rng(5), np.arange(len(X)), c.theta.copy(), {}
    for _ in range(2):
        rng.shuffle(order)
        for i in order:
            _, grads = ref.backprop(c, X[i : i + 1], T[i : i + 1], loss)
            g = np.concatenate([np.ravel(d) for d in grads])
            g = ref.effective_gradient(w, g, mask=c.params.decay_mask, **penalties)
            w, state = ref.RULES[optimizer](w, g, state, 0.01, **ref_hyper)
            c.theta[:] = w
    np.testing.assert_allclose(a.theta, w, rtol=1e-9, atol=1e-12)


ADAM_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


@pytest.mark.parametrize(
    "batch_size, net_kw, optimizer, extra, ref_hyper",
    [
        (3, {}, "sgd", {"weight_decay": 0.05, "clip_norm": 0.3}, {}),
        (3, {}, "adam", {"l1": 0.01, "clip_value": 0.05}, ADAM_DEFAULTS),
        # an ELU output with alpha 2.5 and the squared error: its delta carries f'(a) = 2.5 e^a
        (1, {"output": "elu", "alpha": 2.5}, "sgd", {}, {}),
        (3, {"output": "elu", "alpha": 2.5}, "sgd", {}, {}),
    ],
)
def test_fit_equals_reference_steps(batch_size, net_kw, optimizer, extra, ref_hyper):
    """Each update is ffnn.reference's rule on the (effective) gradient of a batch of the
    rows in order -- the mini-batch kernel hands the penalties the weight mask and the work
    buffer; the on-line kernel hands the output unit alpha."""
    rng = np.random.default_rng(7)
    X, T = rng.normal(size=(10, 2)), rng.integers(0, 2, size=(10, 1)).astype(float)
    net = ffnn.MLP([2, 4, 1], seed=3, **net_kw)
    loss = "squared" if net_kw else "bce"
    start = net.copy()
    ffnn.train.fit(
        net, X, T, loss=loss, optimizer=optimizer, lr=0.05, epochs=2, batch_size=batch_size,
        shuffle=False, progress=False, **extra,
    )  # fmt: skip
    w, state = start.theta.copy(), {}
    mask = np.concatenate([np.full(p.size, float(k % 2 == 0)) for k, p in enumerate(start.params)])
    for _ in range(2):
        for s in range(0, 10, batch_size):
            rows = slice(s, s + batch_size)
            _, grads = ref.backprop(start, X[rows], T[rows], loss)
            g = np.concatenate([np.ravel(d) for d in grads])
            g = ref.effective_gradient(w, g, mask=mask, **extra)
            w, state = ref.RULES[optimizer](w, g, state, 0.05, **ref_hyper)
            start.theta[:] = w
    np.testing.assert_allclose(net.theta, w, rtol=1e-9, atol=1e-12)


def test_run_epoch_returns_the_running_loss_by_default():
    """prepare + run_epoch: one pass over the rows in order, returning the mean loss met on
    the batches (4, 4, 2 rows) before their updates."""
    X, T = ffnn.datasets.moons(n=10, seed=5)
    net = ffnn.MLP([2, 3, 1], seed=2)
    params = [p.copy() for p in net.params]
    run = ffnn.train.prepare(net, X, T, lr=0.3, batch_size=4)
    running = ffnn.train.run_epoch(run)
    expected, _ = numpy_fit(params, X, T, 1, batch_size=4, lr=0.3)
    assert running == pytest.approx(expected[0], rel=1e-12)
    assert_same_params(net, params)
    assert ffnn.train.run_epoch(run, track_loss=False) is None


def test_prepare_defaults_to_sgd_at_0_1_in_batches_of_32_on_the_mean_half_squared_error():
    X, T = ffnn.datasets.function("sin", n=40, seed=2)
    net = ffnn.MLP([1, 3, 1], output="identity", seed=1)
    params = [p.copy() for p in net.params]
    running = ffnn.train.run_epoch(ffnn.train.prepare(net, X, T))
    expected, _ = numpy_fit(params, X, T, 1, batch_size=32, lr=0.1, output="identity")
    assert running == pytest.approx(expected[0], rel=1e-12)
    assert_same_params(net, params)


def test_full_record_uses_the_chosen_loss():
    """A sigmoid output trained on the squared error records 1/2 mean (y - t)^2, not BCE."""
    X, T = ffnn.datasets.moons(n=12, seed=1)
    Xv, Tv = ffnn.datasets.moons(n=8, seed=2)
    net = ffnn.MLP([2, 3, 1], seed=0)
    h = ffnn.train.fit(
        net, X, T, loss="squared", epochs=2, batch_size=4, validation=[Xv, Tv], progress=False
    )  # a list is a pair too
    assert h.stopped_early is False and h.best_epoch == int(np.argmin(h.val_loss))
    for x, t, loss, accuracy in ((X, T, "loss", "accuracy"), (Xv, Tv, "val_loss", "val_accuracy")):
        Y = numpy_forward([p.copy() for p in net.params], x)[-1][1]
        assert h[loss][-1] == pytest.approx(0.5 * np.mean((Y - t) ** 2), rel=1e-12)
        assert h[accuracy][-1] == np.mean((Y >= 0.5) == (t == 1))
    reg = ffnn.MLP([2, 3, 1], output="identity", seed=0)
    h = ffnn.train.fit(
        reg, X, T, epochs=2, batch_size=4, reduction="sum", half=False, progress=False
    )  # the sum over the rows of (y - t)^2, without the 1/2
    Y = numpy_forward([p.copy() for p in reg.params], X, output="identity")[-1][1]
    assert h.loss[-1] == pytest.approx(np.sum((Y - T) ** 2), rel=1e-12) and h.accuracy == []


def test_evaluate_is_the_loss_and_accuracy_computed_by_hand():
    X, T = ffnn.datasets.moons(n=50, seed=1)
    net = ffnn.MLP([2, 8, 1], seed=2)
    Y = numpy_forward([p.copy() for p in net.params], X)[-1][1]
    bce = -np.mean(T * np.log(Y) + (1 - T) * np.log(1 - Y))
    right = np.mean((Y >= 0.5) == (T == 1))
    assert 0.1 < right < 0.9  # an untrained net: the accuracy is not trivially 0 or 1
    value, accuracy = net.evaluate(X, T)
    assert value == pytest.approx(bce, rel=1e-12) and accuracy == pytest.approx(right, abs=0)
    assert net.loss(X, T) == pytest.approx(bce, rel=1e-12)
    reg = ffnn.MLP([2, 8, 1], output="identity", seed=2)
    value, accuracy = reg.evaluate(X, T)
    Y = numpy_forward([p.copy() for p in reg.params], X, output="identity")[-1][1]
    assert accuracy is None and value == pytest.approx(0.5 * np.mean((Y - T) ** 2), rel=1e-12)


@pytest.mark.parametrize("batch_size", [1, 7, None])
def test_minibatch_and_full_batch_reduce_the_loss(batch_size):
    X, T = ffnn.datasets.circles(n=100, seed=0)
    net = ffnn.MLP([2, 8, 1], seed=0)
    before = net.loss(X, T)
    h = ffnn.train.fit(net, X, T, lr=0.3, epochs=50, batch_size=batch_size, progress=False)
    assert h.loss[-1] < before and len(h.loss) == 50


def test_full_batch_epoch_is_one_gradient_step():
    X, T = ffnn.datasets.blobs(n=20, seed=0)
    a = ffnn.MLP([2, 3, 1], seed=0)
    params = [p.copy() for p in a.params]
    ffnn.train.fit(a, X, T, lr=0.2, epochs=1, batch_size=None, progress=False)  # shuffled
    _, grads = numpy_gradients(params, X, T)  # the mean gradient over all 20 rows
    assert_same_params(a, [p - 0.2 * g for p, g in zip(params, grads, strict=True)])


def test_the_seed_fixes_the_shuffled_order_and_so_the_run():
    """seed=9 means the row order np.random.default_rng(9) shuffles to, epoch after epoch:
    the run equals a NumPy loop over that order; the same seed repeats it, another not."""
    X, T = ffnn.datasets.moons(n=60, seed=1)
    runs, nets = [], []
    for seed in (9, 9, 10):
        net = ffnn.MLP([2, 6, 1], seed=4)
        runs.append(ffnn.train.fit(net, X, T, epochs=5, batch_size=4, seed=seed, progress=False))
        nets.append(net)
    assert runs[0].loss == runs[1].loss and runs[0].loss != runs[2].loss
    params = [p.copy() for p in ffnn.MLP([2, 6, 1], seed=4).params]
    _, full = numpy_fit(params, X, T, epochs=5, batch_size=4, lr=0.1, seed=9)
    assert_same_params(nets[0], params)
    np.testing.assert_allclose(runs[0].loss, full, rtol=1e-12)  # the loss after each epoch


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
    net = ffnn.MLP([2, 2, 1])
    params = [p.copy() for p in net.params]
    h = ffnn.train.fit(
        net, X, T, epochs=4, lr=1.0, batch_size=2, seed=0,
        lr_schedule=ffnn.optim.schedule.step(1.0, drop=0.5, every=1), progress=False,
    )  # fmt: skip
    assert h.lr == [1.0, 0.5, 0.25, 0.125]
    numpy_fit(params, X, T, 4, batch_size=2, lr=lambda epoch: 0.5**epoch, seed=0)
    assert_same_params(net, params)  # the steps really were taken with those rates


@pytest.mark.parametrize("batch_size, reduction", [(1, "mean"), (4, "mean"), (4, "sum")])
def test_running_record_is_the_mean_of_the_batch_losses_without_a_full_pass(
    batch_size, reduction, monkeypatch
):
    """record="running": the losses the kernel met during the epoch, each on its batch before
    that batch's update (22 rows: batches of 4 end with one of 2) -- the same numbers as a
    NumPy loop of backprop and momentum steps."""
    X, T = ffnn.datasets.moons(n=22, seed=2)
    net = ffnn.MLP([2, 5, 1], seed=3)
    params = [p.copy() for p in net.params]
    evaluated = []
    monkeypatch.setattr(net, "evaluate", lambda *a, **k: evaluated.append(a) or (0.0, 0.0))
    h = ffnn.train.fit(
        net, X, T, optimizer="momentum", lr=0.1, epochs=3, batch_size=batch_size,
        reduction=reduction, record="running", seed=4, progress=False,
    )  # fmt: skip
    assert evaluated == [] and h.accuracy == []  # no extra pass over the training set
    expected, _ = numpy_fit(
        params, X, T, 3, batch_size, lr=0.1, momentum=0.9, seed=4, reduction=reduction
    )  # fit's momentum rule defaults to mu = 0.9
    np.testing.assert_allclose(h.loss, expected, rtol=1e-12)
    assert_same_params(net, params)


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


@pytest.mark.parametrize(
    "patience, losses, stop_at, best",
    [
        # waits 2 epochs, improves (the count starts again), then waits 3: stops at epoch 7
        (3, [5.0, 4.0, 4.5, 4.2, 3.0, 3.5, 3.2, 3.1, 2.0], 7, 4),
        (1, [1.0, 2.0, 0.5], 1, 0),  # patience 1: the first epoch without improvement
        (2, [3.0, 2.0, 2.0, 2.0, 1.0], 3, 1),  # an equal loss is no improvement
        (2, [3.0, 3.5, 2.0, 2.5, 1.0, 1.5, 0.5, 0.6, 0.7], 8, 6),  # one miss at a time, reset
    ],
)
def test_early_stopping_stops_after_exactly_patience_epochs_in_a_row(
    patience, losses, stop_at, best
):
    stop = ffnn.train.EarlyStopping(patience=patience)
    theta = np.zeros(1)
    said = []
    for epoch, loss in enumerate(losses):
        theta[0] = 10.0 + epoch
        said.append(stop.update(epoch, loss, theta))
        if said[-1]:
            break
    assert said == [False] * stop_at + [True], said
    assert stop.best_epoch == best and stop.best == losses[best]
    stop.restore(theta)
    assert theta[0] == 10.0 + best


def test_early_stopping_counts_from_zero():
    """No epoch improves on an infinite loss: patience 2 stops at the second one."""
    stop = ffnn.train.EarlyStopping(patience=2)
    assert [stop.update(e, np.inf, np.zeros(1)) for e in range(2)] == [False, True]
    assert stop.best_epoch is None and stop.best_theta is None


def first_stop(val_loss, patience):
    """The epoch where early stopping with ``patience`` stops: the first e that lies
    ``patience`` epochs after the epoch of the lowest loss so far (None: never)."""
    for e in range(len(val_loss)):
        if e - int(np.argmin(val_loss[: e + 1])) == patience:
            return e
    return None


def test_fit_stops_at_the_right_epoch_and_restores_that_epochs_weights():
    """A run without early stopping gives the validation losses and the weights after
    every epoch; the same run with patience 5 must stop exactly where those losses say and
    end with the weights of the best epoch."""
    X, T = ffnn.datasets.function("sin", n=30, noise=0.3, seed=0)
    Xv, Tv = ffnn.datasets.function("sin", n=30, noise=0.3, seed=1)
    start = ffnn.MLP([1, 16, 1], output="identity", seed=0)
    kwargs = dict(optimizer="adam", lr=0.05, batch_size=None, validation=(Xv, Tv), progress=False)
    free, thetas = start.copy(), []
    full = ffnn.train.fit(
        free, X, T, epochs=30, callback=lambda e, h: thetas.append(free.theta.copy()), **kwargs
    )
    v = np.array(full.val_loss)
    stop_at = first_stop(v, 5)
    assert stop_at is not None  # (here epoch 11, the best being epoch 6)
    best = int(np.argmin(v[: stop_at + 1]))
    # the run is one that tells the bugs apart: epochs without improvement (fewer than the
    # patience) come before the best epoch, so a counter that is never reset stops too early
    misses = np.sum(v[1 : stop_at + 1] >= np.minimum.accumulate(v)[:stop_at])
    assert misses > 5
    net = start.copy()
    h = ffnn.train.fit(net, X, T, epochs=30, early_stopping=5, **kwargs)
    assert h.stopped_early and len(h.val_loss) == stop_at + 1
    assert h.best_epoch == best
    np.testing.assert_array_equal(h.val_loss, v[: stop_at + 1])
    np.testing.assert_array_equal(net.theta, thetas[best])  # restored, bit for bit
    assert net.loss(Xv, Tv) == pytest.approx(v[best], rel=1e-12)


def test_fit_passes_min_delta_to_early_stopping():
    """An epoch improves only when its loss < best - min_delta: with a large min_delta the
    run stops where the losses of a run without early stopping say."""
    X, T = ffnn.datasets.function("sin", n=30, noise=0.3, seed=0)
    start = ffnn.MLP([1, 8, 1], output="identity", seed=0)
    kwargs = dict(optimizer="adam", lr=0.02, batch_size=None, progress=False)
    full = ffnn.train.fit(start.copy(), X, T, epochs=40, **kwargs).loss
    min_delta, best, waited, stop_at = 0.03, np.inf, 0, None
    for e, value in enumerate(full):  # the rule, written out
        best, waited = (value, 0) if value < best - min_delta else (best, waited + 1)
        if waited == 3:
            stop_at = e
            break
    assert stop_at is not None and stop_at < 39
    h = ffnn.train.fit(
        start.copy(), X, T, epochs=40, early_stopping=3, min_delta=min_delta, **kwargs
    )
    assert h.stopped_early and len(h.loss) == stop_at + 1


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
    with pytest.raises(FloatingPointError) as err:
        ffnn.train.fit(net, X * 100, T * 1e4, lr=10.0, epochs=50, progress=False)
    assert str(err.value) == (
        "the loss became inf at epoch 4: the learning rate (10) is probably too large"
    )


FOREIGN_OPTIMIZER = ffnn.optim.SGD(ffnn.MLP([2, 2, 1]).params, lr=0.1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(epochs=0), "epochs must be an integer >= 1, got 0"),
        (dict(batch_size=0), "batch_size must be an integer >= 1, got 0"),
        (dict(early_stopping=0), "early_stopping (patience) must be an integer >= 1, got 0"),
        (
            dict(optimizer="adamax"),
            "unknown optimizer 'adamax'; expected one of: adagrad, adam, momentum, rmsprop, sgd",
        ),
        (dict(lr=-1), "learning rate lr must be a positive number, got -1"),
        (dict(validation=np.zeros(3)), "validation must be a pair (X_val, T_val)"),
        (dict(validation=[np.zeros((1, 2))] * 3), "validation must be a pair (X_val, T_val)"),
        (dict(record="every batch"), "record must be 'full' or 'running', got 'every batch'"),
        (
            dict(lr_schedule=0.1),
            "lr_schedule must be a function of the epoch, e.g. ffnn.optim.schedule.step(0.1)",
        ),
        (
            dict(optimizer=FOREIGN_OPTIMIZER),
            "the optimizer was built for other parameters; build it with net.params",
        ),
        (dict(net="net"), "net must be an ffnn.MLP, got str"),
    ],
)
def test_fit_argument_errors(kwargs, message):
    X, T = ffnn.datasets.xor()
    kwargs = dict(kwargs)  # the parameter set is shared: a test run twice must find it whole
    net = kwargs.pop("net", ffnn.MLP([2, 2, 1]))
    with pytest.raises(ValueError) as err:
        ffnn.train.fit(net, X, T, progress=False, **kwargs)
    assert str(err.value) == message


def test_unknown_loss_is_rejected():
    X, T = ffnn.datasets.xor()
    with pytest.raises(ValueError, match=r"^unknown loss 'hinge'; expected one of: absolute, "):
        ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, loss="hinge", progress=False)


def test_history_reads_its_keys_as_attributes():
    h = ffnn.train.History(loss=[1.0])
    assert h.loss == [1.0]
    with pytest.raises(AttributeError) as err:
        h.val_loss  # noqa: B018
    assert str(err.value) == "val_loss" and err.value.__suppress_context__


def test_fit_takes_an_optimizer_built_with_net_params():
    X, T = ffnn.datasets.moons(n=12, seed=3)
    net = ffnn.MLP([2, 3, 1], seed=1)
    params = [p.copy() for p in net.params]
    opt = ffnn.optim.Momentum(net.params, lr=0.2, momentum=0.5)
    ffnn.train.fit(net, X, T, optimizer=opt, epochs=2, batch_size=5, shuffle=False, progress=False)
    numpy_fit(params, X, T, 2, batch_size=5, lr=0.2, momentum=0.5)
    assert_same_params(net, params)
    assert opt.t == 6  # 3 batches per epoch


def test_fit_defaults_to_sgd_with_rate_0_1_in_batches_of_32():
    X, T = ffnn.datasets.moons(n=40, seed=3)
    net = ffnn.MLP([2, 3, 1], seed=1)
    params = [p.copy() for p in net.params]
    ffnn.train.fit(net, X, T, epochs=1, progress=False)  # shuffled with seed 0
    numpy_fit(params, X, T, 1, batch_size=32, lr=0.1, seed=0)
    assert_same_params(net, params)
    X, T = ffnn.datasets.xor()
    h = ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, progress=False)
    assert h.lr == [0.1] * 100  # 100 epochs


def test_progress_bar_can_be_shown(capsys):
    X, T = ffnn.datasets.xor()
    ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, epochs=3, progress=True)
    assert "epochs" in capsys.readouterr().err
    ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_progress_bar_counts_the_epochs_run_and_shows_the_loss(monkeypatch):
    class Bar:  # records what fit tells the bar
        made = []

        def __init__(self, total, desc, leave):
            self.total, self.n, self.postfix, self.closed = total, 0, [], False
            self.desc, self.leave = desc, leave
            Bar.made.append(self)

        def update(self, k):
            self.n += k

        def set_postfix(self, **values):
            self.postfix.append(values)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.closed = True

    monkeypatch.setattr("tqdm.auto.tqdm", Bar)  # progress_bar imports it when it shows one
    X, T = ffnn.datasets.xor()
    h = ffnn.train.fit(
        ffnn.MLP([2, 2, 1]), X, T, epochs=10, callback=lambda e, h: len(h.loss) == e + 1 == 3
    )  # a bar by default; the callback stops the run after epoch 3 of 10
    (bar,) = Bar.made
    assert isinstance(ffnn.train.progress_bar(5), Bar) and Bar.made[-1].total == 5  # shown
    assert (bar.total, bar.n, bar.closed, bar.desc, bar.leave) == (10, 3, True, "epochs", False)
    assert bar.postfix == [{"loss": f"{value:.4g}"} for value in h.loss] and len(h.loss) == 3


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


def test_warm_up_compiles_every_kernel_family(capsys):
    from ffnn.warmup import warm_up

    seconds = warm_up(verbose=True)
    families = ("forward", "backprop", "on-line fit", "mini-batch fit", "optimizer step")
    expected = {f"{f} {t}" for f in families for t in ("float64", "float32")}
    assert set(seconds) == expected | {"perceptron", "activations"}
    assert all(isinstance(v, float) and v >= 0 for v in seconds.values())
    out = capsys.readouterr().out
    assert out.startswith("ffnn kernels ready: forward float64 ") and "total " in out
    # what "compiled" means: each kernel holds machine code for both float types
    kernels = [
        ffnn.network.forward_kernel,
        ffnn.network.backward_kernel,
        ffnn.train.online_epoch_kernel,
        ffnn.train.train_epoch_kernel,
    ]
    if not all(hasattr(k, "signatures") for k in kernels):
        pytest.skip("NUMBA_DISABLE_JIT: the kernels are plain Python functions")
    for kernel in kernels:
        types = " ".join(str(sig) for sig in kernel.signatures)
        assert "float64" in types and "float32" in types, kernel.py_func.__name__
    assert ffnn.perceptron.perceptron_kernel.signatures
