"""ffnn.reference: checked on its own by finite differences, then used as the oracle for
every compiled kernel (activations, losses, MLP forward/backprop, optimizer updates, fit)."""

import subprocess
import sys
from types import SimpleNamespace

import ffnn
import numpy as np
import pytest
from ffnn import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]
ALPHAS = {"leaky_relu": [None, 0.2], "elu": [None, 0.5, 2.0]}
ACTIVATION_CASES = [(name, alpha) for name in ELEMENTWISE for alpha in ALPHAS.get(name, [None])]
LOSS_CASES = [  # (loss, reduction, half)
    ("squared", "mean", True),
    ("squared", "sum", True),
    ("squared", "mean", False),
    ("squared", "sum", False),
    ("bce", "mean", True),
    ("bce", "sum", True),
    ("ce", "mean", True),
    ("ce", "sum", True),
    ("absolute", "mean", True),
    ("absolute", "sum", True),
]
PAIRS = [  # (output unit, loss)
    ("identity", "squared"),
    ("sigmoid", "bce"),
    ("softmax", "ce"),
    ("sigmoid", "squared"),
    ("softmax", "squared"),
    ("identity", "absolute"),
    ("tanh", "squared"),
]
ARCHITECTURES = [[3, 2], [3, 5, 2], [4, 6, 5, 3], [2, 3, 3, 3, 2]]
RULE_HYPER = {  # hyper-parameters as ffnn.optim names them, and as the reference rule does
    "sgd": ({}, {}),
    "momentum": ({"momentum": 0.8}, {"mu": 0.8}),
    "adagrad": ({"eps": 1e-6}, {"eps": 1e-6}),
    "rmsprop": ({"decay": 0.7, "eps": 1e-6}, {"decay": 0.7, "eps": 1e-6}),
    "adam": ({"beta1": 0.8, "beta2": 0.9, "eps": 1e-6}, {"beta1": 0.8, "beta2": 0.9, "eps": 1e-6}),
}
PENALTIES = [  # keywords of ffnn.optim and of ref.effective_gradient
    {},
    {"weight_decay": 0.1},
    {"l1": 0.05},
    {"clip_value": 0.3},
    {"clip_norm": 0.5},
    {"weight_decay": 0.1, "l1": 0.02, "clip_value": 0.4, "clip_norm": 0.7},
]


def close(actual, expected, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def central_difference(f, x, h=1e-6):
    """df/dx of a scalar function f of the array x, by (f(x + h e_i) - f(x - h e_i)) / 2h."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


def pre_activations(seed=0, shape=(7, 5)):
    """Values on both sides of every kink, none at it (so a derivative is defined)."""
    A = np.random.default_rng(seed).normal(scale=2.0, size=shape)
    A[np.abs(A) < 1e-3] = 0.5
    return A


def targets(output, n, K, rng):
    if output == "softmax":
        return ffnn.losses.one_hot(rng.integers(0, K, n), K)
    if output == "sigmoid":
        return rng.integers(0, 2, size=(n, K)).astype(float)
    return rng.normal(size=(n, K))


def outputs_for(loss, n, K, rng):
    """Outputs Y and targets T in the range each loss is defined on."""
    if loss == "ce":
        return ref.softmax(rng.normal(size=(n, K))), ffnn.losses.one_hot(rng.integers(0, K, n), K)
    if loss == "bce":
        return rng.uniform(0.05, 0.95, size=(n, K)), rng.integers(0, 2, size=(n, K)).astype(float)
    return rng.normal(size=(n, K)), rng.normal(size=(n, K))


def problem(sizes, output, seed=0, n=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, sizes[0])), targets(output, n, sizes[-1], rng)


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def unflat(theta, like):
    out, pos = [], 0
    for a in like:
        out.append(theta[pos : pos + a.size].reshape(a.shape))
        pos += a.size
    return out


def weight_mask(net):
    """1 on the weights, 0 on the biases, in the order of net.params."""
    return flat([np.full(p.shape, float(k % 2 == 0)) for k, p in enumerate(net.params)])


# ---------------------------------------------------------------- the reference on its own


def test_reference_imports_no_numba():
    code = "import ffnn.reference, sys; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name, alpha", ACTIVATION_CASES)
def test_reference_derivatives_match_central_differences(name, alpha):
    _, f, df = ref.activation(name, alpha)
    a = pre_activations(1, shape=(40,))
    numeric = np.array([(f(x + 1e-6) - f(x - 1e-6)) / 2e-6 for x in a])
    close(df(a), numeric, rtol=1e-7, atol=1e-8)


def test_reference_activations_by_formula():
    a = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    close(ref.sigmoid(a), 1 / (1 + np.exp(-a)))
    close(ref.tanh(a), np.tanh(a))
    close(ref.relu(a), [0, 0, 0, 0.5, 2])
    close(ref.leaky_relu(a, 0.1), [-0.2, -0.05, 0, 0.5, 2])
    close(ref.elu(a, 2.0), [2 * (np.exp(-2) - 1), 2 * (np.exp(-0.5) - 1), 0, 0.5, 2])
    close(ref.relu_derivative(a), [0, 0, 0, 1, 1])  # ReLU'(0) = 0
    close(ref.leaky_relu_derivative(a, 0.1), [0.1, 0.1, 0.1, 1, 1])
    close(ref.elu_derivative(a[:3], 2.0), ref.elu(a[:3], 2.0) + 2.0)  # f' = f + alpha, a <= 0
    assert ref.activation("linear")[0] == "identity" and ref.activation("logistic")[0] == "sigmoid"
    assert np.all(np.isfinite(ref.sigmoid(np.array([-800.0, 800.0]))))  # no overflow
    with pytest.raises(ValueError, match="unknown activation"):
        ref.activation("swish")


def test_reference_softmax_rows_and_jacobian():
    A = pre_activations(2, shape=(4, 3))
    Y = ref.softmax(A)
    close(Y.sum(axis=1), np.ones(4))
    close(ref.softmax(A + 1000.0), Y, rtol=1e-9)  # shift-invariant and stable
    for a, y in zip(A, Y, strict=True):
        rows = [central_difference(lambda v, k=k: ref.softmax(v)[k], a) for k in range(3)]
        close(ref.softmax_jacobian(y), np.array(rows), rtol=1e-6, atol=1e-9)  # dy_k/da_j


@pytest.mark.parametrize("loss, reduction, half", LOSS_CASES)
def test_reference_loss_gradients_match_central_differences(loss, reduction, half):
    rng = np.random.default_rng(3)
    Y, T = outputs_for(loss, 5, 3, rng)
    value, dY = ref.loss_gradient(Y, T, loss, reduction, half)
    numeric = central_difference(lambda y: ref.loss_gradient(y, T, loss, reduction, half)[0], Y)
    close(dY, numeric, rtol=1e-6, atol=1e-9)
    per_sample = ref.loss_gradient(Y, T, loss, "sum", half)[0]
    assert value == pytest.approx(per_sample / 5 if reduction == "mean" else per_sample)


def test_reference_losses_by_formula():
    Y, T = np.array([[0.8], [0.4]]), np.array([[1.0], [0.0]])
    assert ref.squared_error(Y, T)[0] == pytest.approx(0.25 * (0.04 + 0.16))
    assert ref.squared_error(Y, T, "sum", half=False)[0] == pytest.approx(0.2)
    assert ref.binary_cross_entropy(Y, T)[0] == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)
    assert ref.absolute_error(Y, T, "sum")[0] == pytest.approx(0.6)
    P, L = np.array([[0.7, 0.2, 0.1]]), np.array([[0.0, 1.0, 0.0]])
    assert ref.cross_entropy(P, L)[0] == pytest.approx(-np.log(0.2))
    assert ref.loss_gradient(Y, T, "mse")[0] == ref.squared_error(Y, T)[0]
    with pytest.raises(ValueError, match="reduction"):
        ref.squared_error(Y, T, "median")
    with pytest.raises(ValueError, match="unknown loss"):
        ref.loss_gradient(Y, T, "hinge")


def test_reference_layers_backward_match_central_differences():
    rng = np.random.default_rng(4)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dout = rng.normal(size=(4, 2))
    out, cache = ref.dense_forward(X, W, b)
    close(out, X @ W + b)
    dX, dW, db = ref.dense_backward(dout, cache)
    close(dX, central_difference(lambda x: np.sum(ref.dense_forward(x, W, b)[0] * dout), X), 1e-7)
    close(dW, central_difference(lambda w: np.sum(ref.dense_forward(X, w, b)[0] * dout), W), 1e-7)
    close(db, central_difference(lambda c: np.sum(ref.dense_forward(X, W, c)[0] * dout), b), 1e-7)
    A = pre_activations(5, shape=(4, 3))
    for name in [*ELEMENTWISE, "softmax"]:
        dH = rng.normal(size=A.shape)
        _, cache = ref.activation_forward(A, name, 0.3)

        def projected(a, name=name, dH=dH):  # sum(f(a) * dH): its gradient is the backward message
            return np.sum(ref.activation_forward(a, name, 0.3)[0] * dH)

        numeric = central_difference(projected, A)
        close(ref.activation_backward(dH, cache), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("hidden", ["tanh", "relu", "elu"])
@pytest.mark.parametrize("output, loss", PAIRS)
def test_reference_backprop_matches_central_differences(sizes, hidden, output, loss):
    net = ffnn.MLP(sizes, hidden=hidden, output=output, seed=2)
    rng = np.random.default_rng(6)  # biases off zero: no ReLU unit sits exactly on its kink
    net.set_params([p + rng.normal(scale=0.1, size=p.shape) for p in net.params])
    X, T = problem(sizes, output, seed=5)
    value, grads, deltas = ref.backprop(net, X, T, loss=loss, return_deltas=True)
    params = [p.copy() for p in net.params]
    theta = flat(params)

    def L(th):  # the reference's loss as a function of the flat parameters
        ws = unflat(th, params)
        twin = SimpleNamespace(
            weights=ws[0::2], biases=ws[1::2], hidden=hidden, output=output, alpha=net.alpha
        )
        return ref.backprop(twin, X, T, loss=loss)[0]

    assert L(theta) == value
    close(flat(grads), central_difference(L, theta), rtol=1e-6, atol=1e-8)
    assert [d.shape for d in deltas] == [(X.shape[0], s) for s in sizes[1:]]
    close(grads[-1], deltas[-1].sum(axis=0))  # db^L = sum_rows delta^L


def test_reference_rules_by_formula():
    w, g = np.array([1.0, -2.0]), np.array([0.5, -0.25])
    close(ref.sgd(w, g, {}, lr=0.1)[0], w - 0.1 * g)
    w1, s = ref.momentum(w, g, {}, lr=0.1, mu=0.9)
    close(w1, w - 0.1 * g)
    w2, s = ref.momentum(w1, g, s, lr=0.1, mu=0.9)
    close(w2, w1 - 0.1 * g + 0.9 * (w1 - w))  # v_2 = mu v_1 - lr g
    close(ref.momentum(w, g, {}, lr=0.1, mu=0.0)[0], ref.sgd(w, g, {}, lr=0.1)[0])
    close(ref.adagrad(w, g, {}, lr=0.1, eps=0.0)[0], w - 0.1 * np.sign(g))  # g / sqrt(g^2)
    close(ref.rmsprop(w, g, {}, lr=0.1, decay=0.75, eps=0.0)[0], w - 0.2 * np.sign(g))
    state = {}
    for t in (1, 2, 3):  # bias correction: with a constant gradient m_hat = g, v_hat = g^2
        w_prev = w
        w, state = ref.adam(w, g, state, lr=0.1, beta1=0.9, beta2=0.999, eps=0.0)
        assert state["t"] == t
        close(w, w_prev - 0.1 * np.sign(g))
    g2 = ref.effective_gradient(
        np.array([1.0, -1.0]),
        np.array([0.0, 0.0]),
        weight_decay=0.5,
        l1=0.25,
        mask=np.array([1.0, 0.0]),
    )
    close(g2, [0.75, 0.0])
    close(ref.effective_gradient(w, np.array([3.0, -4.0]), clip_norm=1.0), [0.6, -0.8])
    close(ref.effective_gradient(w, np.array([3.0, -0.1]), clip_value=1.0), [1.0, -0.1])


def test_reference_defaults_by_formula():
    """Each default of the reference is the documented one (alpha, reduction, rates)."""
    a = np.array([-2, -1, 0, 3], dtype=np.float32)  # float32 in: computed in float64
    close(ref.leaky_relu(a), [-0.02, -0.01, 0.0, 3.0])
    close(ref.leaky_relu_derivative(a), [0.01, 0.01, 0.01, 1.0])
    close(ref.elu(a), [np.exp(-2) - 1, np.exp(-1) - 1, 0.0, 3.0])
    close(ref.elu_derivative(a), [np.exp(-2), np.exp(-1), 1.0, 1.0])
    for name, (f, df) in ref.ACTIVATIONS.items():
        assert f(a).dtype == np.float64, name
        assert f(a).shape == a.shape and (df is None or df(a).shape == a.shape), name
        assert df is None or df(a).dtype == np.float64, name
    assert ref.softmax_jacobian(np.float32([0.25, 0.75])).dtype == np.float64
    close(ref.softmax_jacobian([0, 1]), [[0.0, 0.0], [0.0, 0.0]])
    # by rows: each row shifted by its own maximum (a global one would underflow row 0)
    close(ref.softmax([[0.0, np.log(3.0)], [1000.0, 1000.0]]), [[0.25, 0.75], [0.5, 0.5]])
    close(ref.softmax_jacobian([0.25, 0.75]), [[0.1875, -0.1875], [-0.1875, 0.1875]])
    Y, T = np.array([[0.5, 2.0], [1.0, -1.0]]), np.array([[1.0, 2.0], [0.0, 1.0]])
    value, dY = ref.absolute_error(Y, T)  # the mean over 2 rows; sign(0) = 0 where y = t
    assert value == pytest.approx(3.5 / 2)
    close(dY, [[-0.5, 0.0], [0.5, -0.5]])
    value, dY = ref.squared_error(Y, T)
    assert value == pytest.approx(0.5 * (0.25 + 1.0 + 4.0) / 2)
    close(dY, (Y - T) / 2)
    for name in ref.LOSSES:  # a 1-D Y is one column (one output per sample), in float64
        value, dY = ref.loss_gradient(np.float32([0.8, 0.4]), np.float32([1, 0]), name)
        assert dY.shape == (2, 1) and dY.dtype == np.float64 and value.dtype == np.float64
    value, dY = ref.absolute_error(np.float32([0.5, 0.25, 1.0]), [1, 1, 1], "sum")
    assert value == 1.25 and dY.tolist() == [[-1.0], [-1.0], [0.0]]
    Yb, Tb = np.array([[0.8], [0.4]]), np.array([[1.0], [0.0]])
    value, dY = ref.binary_cross_entropy(Yb, Tb)
    close(dY, [[-0.5 / 0.8], [0.5 / 0.6]])
    P, L = np.array([[0.7, 0.2, 0.1], [0.5, 0.25, 0.25]]), np.eye(3)[[1, 0]]
    value, dY = ref.cross_entropy(P, L)
    assert value == pytest.approx(-(np.log(0.2) + np.log(0.5)) / 2)
    close(dY, [[0.0, -2.5, 0.0], [-1.0, 0.0, 0.0]])
    w, g = np.array([1.0, -2.0]), np.array([0.5, -0.25])
    close(ref.effective_gradient(w, g), g)  # no penalty, no clipping: dw itself
    close(ref.sgd(w, g, {})[0], w - 0.01 * g)
    w1, state = ref.momentum(w, g, {})
    close(ref.momentum(w1, g, state)[0], w1 - 0.01 * g - 0.9 * 0.01 * g)  # mu = 0.9
    g3 = np.array([3e-8, -4.0])  # eps = 1e-8 shows next to |g| = 3e-8
    close(ref.adagrad(w, g3, {})[0], w - 0.01 * g3 / (np.abs(g3) + 1e-8))
    G = 0.1 * g3 * g3  # decay = 0.9
    close(ref.rmsprop(w, g3, {})[0], w - 0.001 * g3 / (np.sqrt(G) + 1e-8))
    w1, state = ref.adam(w, g, {})  # beta1 = 0.9, beta2 = 0.999: shown at t = 2
    close(w1, w - 0.001 * g / (np.abs(g) + 1e-8))
    m, v = 0.09 * g + 0.1 * g3, 0.000999 * g * g + 0.001 * g3 * g3
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    close(ref.adam(w1, g3, state)[0], w1 - 0.001 * m_hat / (np.sqrt(v_hat) + 1e-8))


@pytest.mark.parametrize(
    "output, expected",
    [
        ("identity", lambda Y, T: 0.5 * np.sum((Y - T) ** 2) / len(Y)),
        ("tanh", lambda Y, T: 0.5 * np.sum((Y - T) ** 2) / len(Y)),  # no pair: squared
        ("sigmoid", lambda Y, T: -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y)) / len(Y)),
        ("softmax", lambda Y, T: -np.sum(T * np.log(Y)) / len(Y)),
    ],
)
def test_reference_backprop_defaults_to_the_output_units_loss(output, expected):
    net = ffnn.MLP([2, 3, 3], output=output, seed=4)
    X = np.random.default_rng(1).normal(size=(5, 2))
    T = ffnn.losses.one_hot([0, 2, 1, 1, 0], 3).astype(int)  # integer targets are fine
    W1, b1, W2, b2 = net.params
    Y = np.tanh(X @ W1 + b1) @ W2 + b2
    Y = {
        "tanh": np.tanh(Y),
        "sigmoid": 1 / (1 + np.exp(-Y)),
        "softmax": np.exp(Y) / np.exp(Y).sum(axis=1, keepdims=True),
    }.get(output, Y)
    assert ref.backprop(net, X, T)[0] == pytest.approx(expected(Y, T), rel=1e-12)


def test_reference_forward_computes_in_float64_and_checks_its_layers():
    net = ffnn.MLP([2, 3, 1], hidden="relu", output="identity", seed=0, dtype=np.float32)
    X = np.float32([[0.5, -1.0], [2.0, 0.25]])
    Y, _ = ref.forward(net, X)
    W1, b1, W2, b2 = (p.astype(np.float64) for p in net.params)
    assert Y.dtype == np.float64
    close(Y, np.maximum(X.astype(np.float64) @ W1 + b1, 0) @ W2 + b2)
    broken = SimpleNamespace(
        weights=net.weights, biases=net.biases[:1], hidden="relu", output="identity", alpha=0.0
    )
    with pytest.raises(ValueError):  # a layer without its bias is an error, not skipped
        ref.forward(broken, X)


# ---------------------------------------------------------------- kernels against the reference


@pytest.mark.parametrize("name, alpha", ACTIVATION_CASES)
def test_activation_kernels_match_reference(name, alpha):
    kernel = ffnn.activations.get(name, alpha)
    _, f, df = ref.activation(name, alpha)
    A = pre_activations(6)
    A[0, :] = [-40.0, -1e-9, 1e-9, 40.0, 700.0]  # saturation and tiny values
    close(kernel.f(A), f(A))
    close(kernel.df(A), df(A))
    for shape in [(), (5,)]:  # scalars and vectors keep their shape
        a = A[1, 0] if shape == () else A[1]
        assert np.shape(kernel.f(a)) == shape
        close(kernel.f(a), f(a))


def test_named_activation_functions_match_reference():
    A = pre_activations(7)
    act = ffnn.activations
    for name in ["identity", "sigmoid", "tanh", "relu", "softmax"]:
        close(getattr(act, name)(A), getattr(ref, name)(A))
    close(act.leaky_relu(A), ref.leaky_relu(A))
    close(act.leaky_relu(A, alpha=0.3), ref.leaky_relu(A, 0.3))
    close(act.elu(A), ref.elu(A))
    close(act.elu(A, alpha=1.5), ref.elu(A, 1.5))
    close(act.softmax(A + 700.0), ref.softmax(A), rtol=1e-10)
    y = ref.softmax(A[0])
    close(act.softmax_jacobian(y), ref.softmax_jacobian(y))


@pytest.mark.parametrize("loss, reduction, half", LOSS_CASES)
def test_loss_kernels_match_reference(loss, reduction, half):
    Y, T = outputs_for(loss, 6, 3, np.random.default_rng(8))
    value, dY = ref.loss_gradient(Y, T, loss, reduction, half)
    assert ffnn.losses.value(loss, Y, T, reduction, half) == pytest.approx(value, rel=1e-12)
    close(ffnn.losses.gradient(loss, Y, T, reduction, half), dY)


def test_named_loss_functions_match_reference():
    rng = np.random.default_rng(9)
    for name, fn in [
        ("squared", "squared_error"),
        ("bce", "binary_cross_entropy"),
        ("ce", "cross_entropy"),
        ("absolute", "absolute_error"),
    ]:
        Y, T = outputs_for(name, 5, 2, rng)
        for reduction in ("mean", "sum"):
            expected = getattr(ref, fn)(Y, T, reduction)[0]
            assert getattr(ffnn.losses, fn)(Y, T, reduction) == pytest.approx(expected, rel=1e-12)
    Y, T = outputs_for("squared", 5, 2, rng)
    expected = ref.squared_error(Y, T, "sum", half=False)[0]
    assert ffnn.losses.squared_error(Y, T, "sum", half=False) == pytest.approx(expected)


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("hidden", ELEMENTWISE)
def test_mlp_forward_matches_reference(sizes, hidden):
    for output in ["identity", "sigmoid", "softmax"]:
        net = ffnn.MLP(sizes, hidden=hidden, output=output, seed=len(sizes))
        X, _ = problem(sizes, output, seed=10, n=9)
        close(net.forward(X), ref.forward(net, X)[0])


@pytest.mark.parametrize("hidden", ELEMENTWISE)
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("reduction, half", [("mean", True), ("sum", True), ("sum", False)])
def test_mlp_loss_and_gradients_match_reference(hidden, output, loss, reduction, half):
    sizes = [4, 6, 5, 3]
    net = ffnn.MLP(sizes, hidden=hidden, output=output, seed=3)
    X, T = problem(sizes, output, seed=4, n=9)
    value, grads = net.loss_and_gradients(X, T, loss=loss, reduction=reduction, half=half)
    twin_value, twin_grads = ref.backprop(net, X, T, loss, reduction, half)
    assert value == pytest.approx(twin_value, rel=1e-10)
    for g, tg in zip(grads, twin_grads, strict=True):
        close(g, tg, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.05, 0.4])
@pytest.mark.parametrize("hidden", ["leaky_relu", "elu"])
def test_mlp_with_a_non_default_alpha_matches_reference(hidden, alpha):
    sizes = [3, 5, 4, 2]
    net = ffnn.MLP(sizes, hidden=hidden, output="identity", seed=1, alpha=alpha)
    X, T = problem(sizes, "identity", seed=2, n=8)
    value, grads = net.loss_and_gradients(X, T)
    twin_value, twin_grads = ref.backprop(net, X, T)
    assert value == pytest.approx(twin_value, rel=1e-10)
    close(flat(grads), flat(twin_grads), rtol=1e-9, atol=1e-12)


def test_large_layers_take_the_blas_path_and_still_agree():
    net = ffnn.MLP([64, 128, 10], hidden="relu", output="softmax", seed=0)
    X, T = problem([64, 128, 10], "softmax", n=40)
    value, grads = net.loss_and_gradients(X, T)
    twin_value, twin_grads = ref.backprop(net, X, T)
    assert value == pytest.approx(twin_value, rel=1e-10)
    for g, tg in zip(grads, twin_grads, strict=True):
        close(g, tg, rtol=1e-8, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    n=st.integers(1, 7),
    scale=st.floats(0.01, 5.0),
    hidden=st.sampled_from(ELEMENTWISE),
    seed=st.integers(0, 2**16),
)
def test_mlp_matches_reference_for_any_shape(sizes, n, scale, hidden, seed):
    net = ffnn.MLP(sizes, hidden=hidden, output="identity", seed=seed)
    rng = np.random.default_rng(seed)
    X, T = rng.normal(scale=scale, size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))
    value, grads = net.loss_and_gradients(X, T)
    twin_value, twin_grads = ref.backprop(net, X, T)
    assert value == pytest.approx(twin_value, rel=1e-10, abs=1e-14)
    close(flat(grads), flat(twin_grads), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("rule", list(RULE_HYPER))
@pytest.mark.parametrize("penalty", PENALTIES, ids=lambda p: "+".join(p) or "plain")
def test_optimizer_steps_match_reference_rules(rule, penalty):
    """Five steps of ffnn.optim on an MLP's parameters against the reference rule on the
    flat parameter vector (weight decay on the weights only, as ffnn.optim's default)."""
    net = ffnn.MLP([3, 4, 2], seed=0)
    kernel_hyper, ref_hyper = RULE_HYPER[rule]
    opt = ffnn.optim.get(rule, net.params, lr=0.05, **kernel_hyper, **penalty)
    w, state, mask = flat(net.params), {}, weight_mask(net)
    rng = np.random.default_rng(11)
    for _ in range(5):
        grads = [rng.normal(size=p.shape) for p in net.params]
        opt.step(grads)
        g = ref.effective_gradient(w, flat(grads), mask=mask, **penalty)
        w, state = ref.RULES[rule](w, g, state, 0.05, **ref_hyper)
        close(flat(net.params), w)


@pytest.mark.parametrize("rule", list(RULE_HYPER))
def test_optimizer_on_a_plain_list_of_arrays_matches_reference(rule):
    """Parameters given as a plain list: every entry is decayed (no weights/biases layout)."""
    params = [np.array([[0.5, -1.0], [2.0, 0.1]]), np.array([0.3, -0.2, 0.0])]
    kernel_hyper, ref_hyper = RULE_HYPER[rule]
    opt = ffnn.optim.get(rule, params, lr=0.1, weight_decay=0.2, **kernel_hyper)
    w, state = flat(params), {}
    rng = np.random.default_rng(12)
    for _ in range(4):
        grads = [rng.normal(size=p.shape) for p in params]
        opt.step(grads)
        g = ref.effective_gradient(w, flat(grads), weight_decay=0.2)
        w, state = ref.RULES[rule](w, g, state, 0.1, **ref_hyper)
        close(flat(params), w)


def test_adam_bias_correction_at_the_first_steps():
    params = [np.array([1.0, -2.0, 0.5])]
    opt = ffnn.optim.Adam(params, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8)
    w, state = params[0].copy(), {}
    for t, g in enumerate(
        [np.array([0.3, -0.1, 2.0]), np.array([-0.2, 0.4, 1.0]), np.array([0.05, 0.05, -3.0])],
        start=1,
    ):
        opt.step([g])
        w, state = ref.adam(w, g, state, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8)
        assert state["t"] == t
        close(params[0], w)
        if t == 1:  # m_hat = g and v_hat = g^2: the first step is lr sign(g)
            close(params[0], np.array([1.0, -2.0, 0.5]) - 0.1 * np.sign(g), rtol=1e-7)


def reference_epoch(net, X, T, order, batch_size, rule, state, lr, ref_hyper, loss, reduction):
    """One epoch as ffnn.train.fit runs it: for each batch of rows order[s:s+B], the gradient
    of the batch loss, then one update of the flat parameter vector (decay mask: weights)."""
    n = len(order)
    w = flat(net.params)
    for start in range(0, n, batch_size):
        rows = order[start : start + batch_size]
        _, grads = ref.backprop(net, X[rows], T[rows], loss, reduction)
        w, state = ref.RULES[rule](w, flat(grads), state, lr, **ref_hyper)
        net.set_params(unflat(w, net.params))
    return state


@pytest.mark.parametrize("batch_size", [1, 4, 5, None])
@pytest.mark.parametrize("rule", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_fit_epochs_match_a_reference_loop(batch_size, rule, shuffle):
    sizes, output = [2, 5, 3], "softmax"
    X, T = problem(sizes, output, seed=13, n=13)
    net = ffnn.MLP(sizes, hidden="tanh", output=output, seed=4)
    twin = net.copy()
    kernel_hyper, ref_hyper = RULE_HYPER[rule]
    hist = ffnn.train.fit(
        net,
        X,
        T,
        optimizer=rule,
        lr=0.05,
        epochs=2,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=7,
        progress=False,
        **kernel_hyper,
    )
    rng, order, state = np.random.default_rng(7), np.arange(len(X)), {}
    for _ in range(2):
        if shuffle:
            rng.shuffle(order)
        B = len(X) if batch_size is None else batch_size
        state = reference_epoch(twin, X, T, order, B, rule, state, 0.05, ref_hyper, "ce", "mean")
    close(flat(net.params), flat(twin.params), rtol=1e-9, atol=1e-12)
    assert hist["loss"][-1] == pytest.approx(ref.backprop(twin, X, T)[0], rel=1e-9)


@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize(
    "hidden, output, loss, reduction",
    [
        ("relu", "identity", "squared", "sum"),
        ("elu", "sigmoid", "bce", "mean"),
        ("leaky_relu", "identity", "absolute", "mean"),
    ],
)
def test_fit_one_epoch_for_other_units_and_losses(batch_size, hidden, output, loss, reduction):
    sizes = [3, 4, 4, 2]
    X, T = problem(sizes, output, seed=14, n=7)
    net = ffnn.MLP(sizes, hidden=hidden, output=output, seed=5)
    twin = net.copy()
    ffnn.train.fit(
        net,
        X,
        T,
        loss=loss,
        optimizer="momentum",
        lr=0.02,
        epochs=1,
        batch_size=batch_size,
        shuffle=False,
        reduction=reduction,
        progress=False,
        momentum=0.5,
    )
    reference_epoch(
        twin, X, T, np.arange(7), batch_size, "momentum", {}, 0.02, {"mu": 0.5}, loss, reduction
    )
    close(flat(net.params), flat(twin.params), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "sizes, hidden, output, n",
    [
        ([2, 8, 8, 1], "tanh", "sigmoid", 3000),  # narrow layers: products in blocks of rows
        ([50, 64, 10], "relu", "softmax", 1100),  # a wide layer: one BLAS product, f in blocks
        ([3, 40, 2], "elu", "identity", 1700),  # ELU and its derivative over the cores
    ],
)
def test_many_samples_take_the_parallel_paths_and_still_agree(sizes, hidden, output, n):
    """From 2 ROWS samples on, layers run in blocks of rows over the cores; the outputs
    and gradients are the reference's, and the same as those of the rows one block at a time."""
    net = ffnn.MLP(sizes, hidden=hidden, output=output, seed=2)
    X, T = problem(sizes, output, seed=5, n=n)
    Y = net.forward(X)
    close(Y, ref.forward(net, X)[0], rtol=1e-12, atol=1e-15)
    value, grads = net.loss_and_gradients(X, T)
    twin_value, twin_grads = ref.backprop(net, X, T)
    assert value == pytest.approx(twin_value, rel=1e-10)
    close(flat(grads), flat(twin_grads), rtol=1e-8, atol=1e-12)
    rows = ffnn.network.ROWS
    pieces = [net.forward(X[s : s + rows]) for s in range(0, n, rows)]
    close(Y, np.concatenate(pieces), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("product", [True, False])
def test_layer_blocks_is_the_affine_map_and_the_activation(product):
    """The blocks kernel alone: A = h W + b (or A + b when the product is given), H = f(A)."""
    rng = np.random.default_rng(7)
    h, W, b = rng.normal(size=(1000, 6)), rng.normal(size=(6, 5)), rng.normal(size=5)
    A, H = (h @ W).copy(), np.empty((1000, 5))
    code = ffnn.activations.code_of("tanh")
    ffnn.network.layer_blocks(h, W, b, code, 0.0, A, H, product)
    close(A, h @ W + b)
    close(H, np.tanh(h @ W + b), rtol=1e-12, atol=1e-15)
