"""The MLP: backprop against central differences (against ffnn.reference: test_reference.py)."""

import ffnn
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]
PAIRS = [  # (output unit, loss)
    ("identity", "squared"),
    ("sigmoid", "bce"),
    ("softmax", "ce"),
    ("sigmoid", "squared"),
    ("softmax", "squared"),
    ("identity", "absolute"),
]


def problem(sizes, output, seed=0, n=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    K = sizes[-1]
    if output == "softmax":
        T = ffnn.losses.one_hot(rng.integers(0, K, n), K)
    elif output == "sigmoid":
        T = rng.integers(0, 2, size=(n, K)).astype(float)
    else:
        T = rng.normal(size=(n, K))
    return X, T


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_backprop_matches_gradcheck(depth, hidden, output, loss):
    sizes = [3] + [4] * (depth - 1) + [3 if output == "softmax" else 2]
    net = ffnn.MLP(sizes, hidden=hidden, output=output, init="xavier", seed=depth)
    # move biases off zero so no ReLU unit sits exactly on its kink
    net.theta[:] += np.random.default_rng(7).normal(scale=0.1, size=net.theta.size)
    X, T = problem(sizes, output)
    err = ffnn.gradcheck.relative_error(net, X, T, loss=loss)
    assert err < 1e-6, f"relative error {err:.2e}"


@pytest.mark.parametrize("alpha", [0.3, 2.5])
@pytest.mark.parametrize(
    "hidden, output",
    [("elu", "identity"), ("leaky_relu", "identity"), ("tanh", "elu"), ("elu", "leaky_relu")],
)
def test_backprop_with_a_non_default_alpha_matches_gradcheck(hidden, output, alpha):
    """alpha (leaky ReLU's slope, ELU's scale) reaches every derivative backprop takes:
    hidden units and an output unit whose loss is not its matched pair."""
    net = ffnn.MLP([3, 5, 4, 2], hidden=hidden, output=output, alpha=alpha, seed=2)
    assert net.alpha == alpha
    net.theta[:] += np.random.default_rng(7).normal(scale=0.1, size=net.theta.size)
    X, T = problem([3, 5, 4, 2], "identity", n=8)
    As, _ = net.forward_all(2.0 * X)
    assert all((A < -0.1).any() and (A > 0.1).any() for A in As)  # alpha matters here
    err = ffnn.gradcheck.relative_error(net, 2.0 * X, T, loss="squared")
    assert err < 1e-6, f"relative error {err:.2e}"


@pytest.mark.parametrize("reduction, half", [("mean", True), ("sum", True), ("sum", False)])
def test_backprop_matches_gradcheck_for_each_convention(reduction, half):
    net = ffnn.MLP([2, 5, 1], hidden="tanh", output="identity", seed=1)
    X, T = problem([2, 5, 1], "identity")
    assert ffnn.gradcheck.relative_error(net, X, T, "squared", reduction, half) < 1e-7


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    n=st.integers(1, 7),
    scale=st.floats(0.01, 5.0),
    seed=st.integers(0, 2**16),
)
def test_forward_matches_numpy_for_any_shape(sizes, n, scale, seed):
    net = ffnn.MLP(sizes, hidden="tanh", output="identity", seed=seed)
    X = np.random.default_rng(seed).normal(scale=scale, size=(n, sizes[0]))
    h = X
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        h = h @ W + b
        if l < net.n_layers - 1:
            h = np.tanh(h)
    Y = net.forward(X)
    assert Y.shape == (n, sizes[-1])
    np.testing.assert_allclose(Y, h, rtol=1e-12, atol=1e-12)


def test_forward_all_keeps_a_and_h_per_layer():
    net = ffnn.MLP([2, 3, 1], hidden="relu", output="sigmoid", seed=0)
    X = np.array([[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]])
    As, Hs = net.forward_all(X)
    np.testing.assert_allclose(As[0], X @ net.params[0] + net.params[1])
    np.testing.assert_allclose(Hs[0], np.maximum(As[0], 0))
    np.testing.assert_allclose(As[1], Hs[0] @ net.params[2] + net.params[3])
    np.testing.assert_allclose(Hs[1], 1 / (1 + np.exp(-As[1])))  # written out, not the kernel


def test_params_are_views_into_theta_and_grads_are_parallel():
    net = ffnn.MLP([2, 3, 1], seed=0)
    net.params[0][0, 0] = 42.0
    assert net.theta[0] == 42.0
    _, grads = net.loss_and_gradients(np.zeros((1, 2)), np.zeros((1, 1)))
    assert [g.shape for g in grads] == [p.shape for p in net.params]


def test_float32_network_computes_the_same_function():
    net64 = ffnn.MLP([3, 8, 2], hidden="tanh", output="softmax", seed=0)
    net32 = ffnn.MLP([3, 8, 2], hidden="tanh", output="softmax", seed=0, dtype=np.float32)
    X, T = problem([3, 8, 2], "softmax")
    assert net32.forward(X).dtype == np.float32
    np.testing.assert_allclose(net32.forward(X), net64.forward(X), rtol=1e-5)
    v32, g32 = net32.loss_and_gradients(X, T)
    v64, g64 = net64.loss_and_gradients(X, T)
    assert v32 == pytest.approx(v64, rel=1e-5)
    np.testing.assert_allclose(g32.flat, g64.flat, rtol=1e-3, atol=1e-5)


def test_save_load_and_set_params(tmp_path):
    net = ffnn.MLP([2, 4, 3], hidden="elu", output="softmax", seed=5)
    net.save(tmp_path / "net.npz")
    back = ffnn.MLP.load(tmp_path / "net.npz")
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(back.forward(X), net.forward(X))
    with pytest.raises(ValueError, match=r"W1 must have shape \(2, 4\), got \(4, 2\)"):
        net.set_params(
            {"W1": np.zeros((4, 2)), "b1": np.zeros(4), "W2": np.zeros((4, 3)), "b2": np.zeros(3)}
        )


def test_symmetric_start_keeps_hidden_units_identical():
    """Constant init: every hidden unit gets the same delta, so they never differ (002)."""
    X, T = ffnn.datasets.xor()
    net = ffnn.MLP([2, 4, 1], init="constant", init_kwargs={"value": 0.3}, seed=0)
    ffnn.train.fit(net, X, T, lr=0.5, epochs=200, batch_size=4, progress=False)
    W1 = net.params[0]
    np.testing.assert_allclose(W1, W1[:, :1] * np.ones((1, 4)), atol=1e-12)


# ------------------------------------------------------------------ errors


def test_wrong_input_width_says_what_was_expected():
    net = ffnn.MLP([2, 3, 1])
    with pytest.raises(
        ValueError, match=r"^X must have 2 column\(s\) \(n_samples, 2\), got shape \(4, 3\)$"
    ):
        net.forward(np.zeros((4, 3)))


@pytest.mark.parametrize(
    "T, message",
    [
        (
            np.zeros((5, 1)),
            "T must have shape (n_samples, 2) to match the output layer, got (5, 1)"
            " (for class labels use ffnn.losses.one_hot(labels))",
        ),
        (
            np.zeros((5, 3)),
            "T must have shape (n_samples, 2) to match the output layer, got (5, 3)",
        ),
        (np.zeros((3, 2)), "X and T must have the same number of samples, got 5 and 3"),
    ],
)
def test_target_shape_errors(T, message):
    net = ffnn.MLP([2, 1, 2], output="softmax")  # 2 outputs (the hidden layer has 1)
    with pytest.raises(ValueError) as err:
        net.loss_and_gradients(np.zeros((5, 2)), T)
    assert str(err.value) == message
    one = ffnn.MLP([2, 3, 1], output="identity")
    with pytest.raises(ValueError) as err:  # one output: no one_hot hint
        one.loss_and_gradients(np.zeros((5, 2)), np.zeros((5, 2)))
    assert str(err.value).endswith("to match the output layer, got (5, 2)")


def test_nan_in_data_is_rejected():
    net = ffnn.MLP([2, 3, 1])
    X = np.zeros((3, 2))
    X[1, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or inf"):
        net.forward(X)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(sizes=[2]),
            "sizes must list at least 2 layer sizes (inputs, ..., outputs), got [2]",
        ),
        (dict(sizes=5), "sizes must list at least 2 layer sizes (inputs, ..., outputs), got 5"),
        (dict(sizes=[2, 0, 1]), "each layer size must be an integer >= 1, got 0"),
        (
            dict(sizes=[2, 3, 1], hidden="softmax"),
            "softmax is an output activation; choose another hidden activation",
        ),
        (dict(sizes=[2, 3, 1], dtype=np.int32), "dtype must be float64 or float32, got int32"),
    ],
)
def test_bad_construction_arguments(kwargs, message):
    kwargs = dict(kwargs)  # the parameter set is shared: a test run twice must find it whole
    sizes = kwargs.pop("sizes")
    with pytest.raises(ValueError) as err:
        ffnn.MLP(sizes, **kwargs)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "kwargs, start",
    [
        (dict(hidden="swish"), "unknown activation 'swish'; expected one of: elu, "),
        (dict(output="swish"), "unknown activation 'swish'; expected one of: elu, "),
        (dict(init="kaiming_magic"), "unknown initialisation 'kaiming_magic'; expected one of: "),
    ],
)
def test_unknown_names_are_rejected(kwargs, start):
    with pytest.raises(ValueError) as err:
        ffnn.MLP([2, 3, 1], **kwargs)
    assert str(err.value).startswith(start)


@pytest.mark.parametrize(
    "params, message",
    [
        ([np.zeros((2, 3))], "expected 4 arrays (W1, b1, ...), got 1"),
        (
            [np.zeros((2, 3)), np.zeros(4), np.zeros((3, 4)), np.zeros(4)],
            "b1 must have shape (3,), got (4,)",
        ),
        (
            [np.zeros((2, 3)), np.zeros(3), np.zeros((4, 3)), np.zeros(4)],
            "W2 must have shape (3, 4), got (4, 3)",
        ),
    ],
)
def test_set_params_says_which_array_has_the_wrong_shape(params, message):
    net = ffnn.MLP([2, 3, 4], output="softmax")
    with pytest.raises(ValueError) as err:
        net.set_params(params)
    assert str(err.value) == message


def test_string_data_is_rejected():
    with pytest.raises(ValueError, match="numeric array"):
        ffnn.MLP([2, 1]).forward(np.array([["a", "b"]]))


# ------------------------------------------------------------------ the kernels' interface


def test_every_kernel_takes_at_most_8_arguments():
    """A Spec record and a Workspace of buffers replace long argument lists."""
    import importlib
    import inspect
    import pkgutil

    from numba.core.registry import CPUDispatcher

    counts = {}
    for info in pkgutil.walk_packages(ffnn.__path__, "ffnn."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == module.__name__:
                counts[f"{info.name}.{name}"] = len(inspect.signature(obj.py_func).parameters)
    assert "ffnn.train.online_epoch_kernel" in counts and "ffnn.optim.update" in counts
    assert {k: v for k, v in counts.items() if v > 8} == {}


def test_no_module_reads_another_modules_private_attributes():
    import re
    from pathlib import Path

    private = re.compile(r"\b(?!self\b|cls\b)([A-Za-z_]\w*)\._[a-z]\w*")
    found = []
    for path in Path(ffnn.__file__).parent.rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            found += [f"{path.name}:{n}: {m.group(0)}" for m in private.finditer(code)]
    assert found == []


def test_spec_workspace_and_views():
    net = ffnn.MLP([2, 3, 4], hidden="relu", output="softmax", seed=0)
    spec = net.spec("ce", reduction="sum")
    assert spec.layout is net.layout and spec.alpha == net.alpha
    assert (spec.hidden, spec.output) == (ffnn.activations.RELU, ffnn.activations.SOFTMAX)
    assert (spec.loss, spec.half, spec.mean) == (ffnn.losses.CE, True, False)
    assert net.spec().loss == ffnn.losses.CE  # the output unit's own loss by default
    ws = net.workspace(5)
    assert net.workspace(5) is ws and ws.A.size == ws.H.size == ws.D.size == 5 * (3 + 4)
    assert ws.grad.shape == net.theta.shape and ws.Xb.size == 5 * 2 and ws.Tb.size == 5 * 4
    flat = np.arange(net.theta.size, dtype=float)
    views = net.views(flat)
    assert views.flat is flat and [v.shape for v in views] == [p.shape for p in net.params]
    np.testing.assert_array_equal(views[0], flat[:6].reshape(2, 3))
    # the decay mask: 1 on the weights, 0 on the biases
    mask = views.decay_mask
    for W, b in zip(net.views(mask)[0::2], net.views(mask)[1::2], strict=True):
        assert np.all(W == 1.0) and np.all(b == 0.0)


def numpy_outputs(net, X):
    """Y of a tanh-hidden network, by NumPy formulas written here (not the kernels)."""
    h = X
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        a = h @ W + b
        if l < net.n_layers - 1:
            h = np.tanh(a)
        elif net.output == "sigmoid":
            h = 1 / (1 + np.exp(-a))
        elif net.output == "softmax":
            e = np.exp(a - a.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        else:
            h = a
    return h


def test_loss_is_the_loss_formula_applied_to_the_outputs():
    """Per sample: BCE -sum_k [t ln y + (1 - t) ln(1 - y)], CE -sum_k t ln y, squared error
    (1/2) sum_k (y - t)^2 (or without the 1/2); the mean or the sum over the 8 samples."""
    X, T = problem([3, 4, 2], "sigmoid", n=8)
    net = ffnn.MLP([3, 4, 2], seed=0)
    Y = numpy_outputs(net, X)
    per_sample = -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y), axis=1)
    for value in (net.loss(X, T), net.evaluate(X, T)[0], net.loss_and_gradients(X, T)[0]):
        assert value == pytest.approx(per_sample.mean(), rel=1e-12)
    assert net.loss(X, T, reduction="sum") == pytest.approx(per_sample.sum(), rel=1e-12)
    sq = np.sum((Y - T) ** 2, axis=1)
    assert net.loss(X, T, loss="squared") == pytest.approx(0.5 * sq.mean(), rel=1e-12)
    assert net.loss(X, T, "squared", "sum", half=False) == pytest.approx(sq.sum(), rel=1e-12)
    assert net.loss(X, T, loss="absolute") == pytest.approx(
        np.abs(Y - T).sum(axis=1).mean(), rel=1e-12
    )
    Xs, Ts = problem([3, 4, 3], "softmax", n=8)
    soft = ffnn.MLP([3, 4, 3], output="softmax", seed=1)
    ce = -np.sum(Ts * np.log(numpy_outputs(soft, Xs)), axis=1).mean()
    assert soft.loss(Xs, Ts) == pytest.approx(ce, rel=1e-12)
    assert soft.evaluate(Xs, Ts)[0] == pytest.approx(ce, rel=1e-12)


@pytest.mark.parametrize("n, k, m", [(2, 3, 4), (16, 16, 15), (16, 16, 16), (20, 17, 13)])
def test_small_products_equal_numpy_on_both_sides_of_the_blas_threshold(n, k, m):
    """affine, matmul_tn and matmul_nt loop below SMALL = 4096 multiply-adds and call BLAS
    from there on; both ways give X W + b, H^T D and D W^T, into a dirty out buffer."""
    rng = np.random.default_rng(n * k * m)
    X, W, b = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=m)
    D = rng.normal(size=(n, m))
    out = np.full((n, m), 7.0)
    ffnn.network.affine(X, W, b, out)
    np.testing.assert_allclose(out, X @ W + b, rtol=1e-12, atol=1e-12)
    out = np.full((k, m), 7.0)
    ffnn.network.matmul_tn(X, D, out)
    np.testing.assert_allclose(out, X.T @ D, rtol=1e-12, atol=1e-12)
    out = np.full((n, k), 7.0)
    ffnn.network.matmul_nt(D, W, out)
    np.testing.assert_allclose(out, D @ W.T, rtol=1e-12, atol=1e-12)


def test_one_sample_helpers_equal_numpy():
    """The on-line kernel's vector helpers: x W + b, x^T d (flat, row by row) and d W^T."""
    rng = np.random.default_rng(3)
    x, W, b, d = rng.normal(size=3), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4)
    out = np.full(4, 7.0)
    ffnn.network.affine_vec(x, W.ravel(), b, out)
    np.testing.assert_allclose(out, x @ W + b, rtol=1e-12)
    out = np.full(12, 7.0)
    ffnn.network.outer_vec(x, d, out)
    np.testing.assert_allclose(out, np.outer(x, d).ravel(), rtol=1e-12)
    out = np.full(3, 7.0)
    ffnn.network.matvec_nt(d, W.ravel(), out)
    np.testing.assert_allclose(out, W @ d, rtol=1e-12)


@pytest.mark.parametrize(
    "hidden, output, alpha",
    [
        ("tanh", "sigmoid", 0.0),
        ("relu", "elu", 1.0),  # the output's default when the hidden unit has none
        ("leaky_relu", "elu", 0.01),  # the hidden unit's default first
        ("elu", "identity", 1.0),
    ],
)
def test_default_alpha_is_the_hidden_units_then_the_outputs(hidden, output, alpha):
    net = ffnn.MLP([2, 3, 1], hidden=hidden, output=output)
    assert net.alpha == alpha and type(net.alpha) is float


def test_get_params_copy_repr_and_load_keep_everything(tmp_path):
    net = ffnn.MLP([2, 3, 2], hidden="leaky_relu", output="softmax", alpha=0.2, seed=1)
    params = net.get_params()
    assert list(params) == ["W1", "b1", "W2", "b2"]
    for k, name in enumerate(params):
        np.testing.assert_array_equal(params[name], net.params[k])
    params["W1"][0, 0] += 1.0  # copies, not views
    assert net.params[0][0, 0] != params["W1"][0, 0]
    twin = net.copy()
    assert twin.workspace(3) is not net.workspace(3)  # its own buffers
    twin.theta[0] += 1.0
    assert twin.params[0][0, 0] == twin.theta[0] != net.theta[0]
    assert repr(net) == "MLP([2, 3, 2], hidden='leaky_relu', output='softmax', params=17)"
    net.save(tmp_path / "net.npz")
    back = ffnn.MLP.load(tmp_path / "net.npz")
    assert (back.sizes, back.hidden, back.output, back.alpha) == (
        (2, 3, 2),
        "leaky_relu",
        "softmax",
        0.2,
    )
    np.testing.assert_array_equal(back.theta, net.theta)
    net.set_params(list(back.params))  # a list works too
    np.testing.assert_array_equal(net.theta, back.theta)


def test_accuracy_reads_soft_targets_and_tanh_outputs_take_the_squared_error():
    """A single sigmoid output's class is y >= 0.5, a target's t >= 0.5 (soft targets too);
    an output unit without a paired loss (tanh) is trained on 1/2 (y - t)^2."""
    X = np.random.default_rng(2).normal(size=(12, 2))
    T = np.random.default_rng(3).uniform(0.05, 0.95, size=(12, 1))
    net = ffnn.MLP([2, 3, 1], seed=0)
    Y = numpy_outputs(net, X)
    _, accuracy = net.evaluate(X, T)
    assert accuracy == np.mean((Y >= 0.5) == (T >= 0.5)) and 0 < accuracy < 1
    soft = ffnn.MLP([2, 3, 1], output="tanh", seed=0)
    Y = np.tanh(np.tanh(X @ soft.params[0] + soft.params[1]) @ soft.params[2] + soft.params[3])
    assert soft.default_loss() == "squared"
    assert soft.loss(X, T) == pytest.approx(0.5 * np.mean((Y - T) ** 2), rel=1e-12)


def test_workspaces_are_reused_and_at_most_9_are_kept():
    net = ffnn.MLP([2, 3, 1])
    first = net.workspace(1)
    for n in range(2, 10):
        net.workspace(n)
    assert net.workspace(1) is first  # 9 batch sizes are kept
    net.workspace(10)  # a 10th starts the cache afresh
    assert net.workspace(1) is not first and net.workspace(10) is net.workspace(10)


def test_targets_are_checked_as_T_in_the_nets_dtype():
    net = ffnn.MLP([2, 3, 1], dtype=np.float32)
    T = net.check_targets([1, 0, 1], 3)  # a 1-D vector: one column
    assert T.dtype == np.float32 and T.shape == (3, 1)
    assert net.check_inputs([[1, 2]]).dtype == np.float32
    with pytest.raises(ValueError) as err:
        net.loss_and_gradients(np.zeros((2, 2)), [[np.nan], [0.0]])
    assert str(err.value) == "T contains NaN or inf; expected finite numbers"


def test_layer_table_and_reinitialize_defaults():
    """The layer table: n_in, n_out, where W^l and b^l start in theta, where the layer's
    units start; reinitialize() draws xavier weights from seed 0 and zero biases."""
    layout = ffnn.network.make_layout((2, 3, 4))
    np.testing.assert_array_equal(layout, [[2, 3, 0, 6, 0], [3, 4, 9, 21, 3]])
    assert layout.dtype == np.int64
    net = ffnn.MLP([2, 3, 4], seed=5)
    net.theta[:] = 1.0
    net.reinitialize()
    rng = np.random.default_rng(0)
    for W, b in zip(net.weights, net.biases, strict=True):
        n_in, n_out = W.shape
        expected = ffnn.init.get("xavier")(n_in, n_out, rng)
        np.testing.assert_array_equal(W, expected)
        assert np.all(b == 0.0)
    np.testing.assert_array_equal(ffnn.MLP([2, 3, 4]).theta, net.theta)  # xavier, seed 0
    const = ffnn.MLP([2, 3, 1], init="constant", init_kwargs={"value": 0.3})
    assert np.all(const.weights[0] == 0.3) and np.all(const.weights[1] == 0.3)


def test_column_sums_are_the_same_bits_on_one_core_and_on_all():
    """The bias gradient sums every column in row order, threads or not."""
    D = np.random.default_rng(0).normal(size=(700, 130))
    assert D.size >= ffnn.activations.PARALLEL_MIN
    serial = np.zeros(130)
    for row in D:
        serial += row
    np.testing.assert_array_equal(ffnn.network.column_sums(D, np.full(130, 7.0)), serial)
    np.testing.assert_array_equal(ffnn.network.column_sums(D[:10], np.full(130, 7.0)),
                                  D[:10].cumsum(axis=0)[-1])  # fmt: skip


def test_large_flat_derivatives_over_the_cores_equal_one_loop():
    """backprop_units spreads a large layer's units over the cores: the same bits as one loop.
    (The forward pass spreads whole rows instead: network.layer_blocks, test_reference.)"""
    a = np.random.default_rng(1).normal(0, 4, ffnn.activations.PARALLEL_MIN + 123)
    for name in ("tanh", "sigmoid", "relu", "elu"):
        code = ffnn.activations.code_of(name)
        h = ffnn.activations.get(name).f(a)
        delta = np.ones_like(a)
        ffnn.activations.backprop_units(code, a, h, 1.0, delta)
        np.testing.assert_array_equal(delta, ffnn.activations.get(name).df(a))
