"""ffnn.gradcheck: central differences against analytic gradients, their O(h^2) error,
the parameters left untouched, and relative_error on an MLP with right and wrong grads."""

import ffnn
import numpy as np
import pytest
from ffnn.gradcheck import compare, numerical_gradient, numerical_gradients, relative_error


def test_quadratic_gradient_is_A_x_plus_b():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(6, 6))
    A, b = M + M.T, rng.normal(size=6)
    x = rng.normal(size=(2, 3))  # 2-D: the gradient comes back in x's shape

    def f():
        v = x.ravel()
        return 0.5 * v @ A @ v + b @ v

    g = numerical_gradient(f, x)
    assert g.shape == x.shape
    # central differences are exact on a quadratic: only rounding (~eps |f| / h) remains
    np.testing.assert_allclose(g.ravel(), A @ x.ravel() + b, rtol=0, atol=1e-7)


def test_sin_gradient_is_cos():
    x = np.linspace(-3.0, 3.0, 13)
    g = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=0, atol=1e-8)


def test_central_difference_error_is_h_squared_on_a_cubic():
    # ((x+h)^3 - (x-h)^3) / (2h) = 3x^2 + h^2 exactly: the error is h^2, so halving h quarters it
    x = np.array([-1.5, 0.3, 2.0])
    errors = []
    for h in (1e-2, 5e-3, 2.5e-3):
        g = numerical_gradient(lambda: float(np.sum(x**3)), x, h=h)
        err = g - 3 * x**2
        np.testing.assert_allclose(err, h**2, rtol=1e-4)
        errors.append(np.max(np.abs(err)))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(ratios, 4.0, rtol=1e-3)


@pytest.mark.parametrize(
    "f, df, d2f",
    [
        (lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
        (np.exp, np.exp, np.exp),
        (np.sin, np.cos, lambda x: -np.sin(x)),
        (
            lambda x: np.log1p(x * x),
            lambda x: 2 * x / (1 + x * x),
            lambda x: 2 * (1 - x * x) / (1 + x * x) ** 2,
        ),
    ],
    ids=["cube", "exp", "sin", "log1p_x2"],
)
def test_numerical_gradient_is_central_not_forward(f, df, d2f):
    """With h = 1e-3 at x of order 1, the central difference is off by O(h^2) ~ 1e-6 and a
    forward difference (f(x + h) - f(x)) / h by h/2 f''(x) ~ 1e-3: a tolerance of 1e-5
    accepts the first and not the second (checked below on the forward difference itself)."""
    x = np.array([0.7, -1.3, 1.1, 2.0, -0.4])
    h = 1e-3
    g = numerical_gradient(lambda: float(np.sum(f(x))), x, h=h)
    np.testing.assert_allclose(g, df(x), rtol=0, atol=1e-5)
    forward = (f(x + h) - f(x)) / h
    assert np.max(np.abs(forward - df(x))) > 1e-4  # what the tolerance rules out
    np.testing.assert_allclose(forward - df(x), h / 2 * d2f(x), rtol=0.05, atol=1e-6)


def test_numerical_gradients_of_an_mlp_match_plain_numpy_backprop_to_h_squared():
    """On a network too: numerical_gradients with h = 1e-4 agrees with ffnn.reference's
    backprop (plain NumPy) to ~h^2, far closer than a one-sided difference could (~h)."""
    from ffnn import reference

    X, T = small_problem(2)
    net = ffnn.MLP([3, 4, 2], hidden="tanh", output="sigmoid", seed=1)
    _, exact = reference.backprop(net, X, T)
    num = numerical_gradients(net, X, T, h=1e-4)
    for g, e in zip(num, exact, strict=True):
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-8)


def test_parameters_are_perturbed_in_place_and_restored_exactly():
    x = np.random.default_rng(1).normal(size=(3, 4))
    before = x.copy()
    seen = []

    def f():
        seen.append(x.copy())
        return float(np.sum(np.exp(x)))

    numerical_gradient(f, x, h=1e-3)
    assert np.array_equal(x, before)  # bit for bit
    assert len(seen) == 2 * x.size  # two evaluations per entry ...
    moved = [np.argwhere(s != before) for s in seen]
    assert all(m.shape == (1, 2) for m in moved)  # ... each with exactly one entry perturbed


@pytest.mark.parametrize(
    "x, got",
    [
        (np.zeros(3, dtype=np.float32), "ndarray of float32"),
        (np.zeros(3, dtype=np.int64), "ndarray of int64"),
        ([0.0, 1.0], "list of ?"),
    ],
)
def test_non_float64_x_is_rejected(x, got):
    with pytest.raises(ValueError) as err:
        numerical_gradient(lambda: 0.0, x)
    assert str(err.value) == f"x must be a float64 NumPy array (perturbed in place), got {got}"


def test_a_view_is_perturbed_where_it_lives():
    """x = W.T is not contiguous: the perturbation must reach W, not a copy."""
    W = np.arange(6.0).reshape(2, 3)
    x = W.T
    g = numerical_gradient(lambda: float(np.sum(W**2)), x)
    np.testing.assert_allclose(g, 2 * x, atol=1e-6)
    assert np.array_equal(W, np.arange(6.0).reshape(2, 3)), "restored"


def test_compare_closed_forms():
    a = np.array([3.0, 4.0])
    assert compare(a, a) == 0.0
    assert compare(a, -a) == pytest.approx(1.0)
    assert compare(1e-9 * a, -1e-9 * a) == pytest.approx(1.0)  # scale-free
    assert compare([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    assert compare(np.zeros(3), np.zeros(3)) == 0.0
    assert compare([0.6, 0.8], [0.0, 0.0]) == 1.0  # ||a|| + ||b|| = 1 exactly
    assert compare([[1.0, 2.0]], [1.0, 0.0]) == pytest.approx(2 / (np.sqrt(5) + 1))  # flattened


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 3))
    T = (rng.uniform(size=(7, 2)) > 0.5).astype(float)
    return X, T


def test_numerical_gradients_of_a_linear_layer_match_the_closed_form():
    # L = 1/(2n) ||X W + b - T||^2  =>  dL/dW = X^T (Y - T) / n,  dL/db = sum_rows (Y - T) / n
    X, T = small_problem()
    net = ffnn.MLP([3, 2], output="identity", init="gaussian", init_kwargs={"sigma": 0.5})
    W, b = (p.copy() for p in net.params)
    R = (X @ W + b - T) / len(X)
    theta = net.theta.copy()
    gW, gb = numerical_gradients(net, X, T, loss="squared")
    np.testing.assert_allclose(gW, X.T @ R, atol=1e-8)
    np.testing.assert_allclose(gb, R.sum(axis=0), atol=1e-8)
    assert np.array_equal(net.theta, theta)


def test_relative_error_is_tiny_for_backprop_on_an_mlp():
    X, T = small_problem()
    net = ffnn.MLP([3, 5, 2], hidden="tanh", output="sigmoid", seed=3)
    theta = net.theta.copy()
    assert relative_error(net, X, T) < 1e-6
    assert np.array_equal(net.theta, theta)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda g: 1.5 * g,  # wrong scale (a missing 1/n, say)
        lambda g: -g,  # wrong sign
        lambda g: np.concatenate([g[1:], g[:1]]),  # gradients assigned to the wrong parameters
    ],
)
def test_relative_error_is_large_for_wrong_gradients(monkeypatch, corrupt):
    X, T = small_problem()
    net = ffnn.MLP([3, 5, 2], hidden="tanh", output="sigmoid", seed=3)
    right = net.loss_and_gradients

    def wrong(*args, **kwargs):
        value, grads = right(*args, **kwargs)
        return value, net.views(corrupt(grads.flat.copy()))

    monkeypatch.setattr(net, "loss_and_gradients", wrong)
    assert relative_error(net, X, T) > 1e-2


def test_numerical_gradients_follow_loss_reduction_and_half():
    """L = sum (sigmoid(X W + b) - T)^2 (squared, summed, no 1/2; a sigmoid output defaults to
    cross-entropy): dL/dz = 2 (Y - T) Y (1 - Y), dL/dW = X^T dL/dz, dL/db = its column sums."""
    X, T = small_problem()
    net = ffnn.MLP([3, 2], output="sigmoid", seed=2)
    W, b = (p.copy() for p in net.params)
    Y = 1 / (1 + np.exp(-(X @ W + b)))
    D = 2 * (Y - T) * Y * (1 - Y)
    gW, gb = numerical_gradients(net, X, T, loss="squared", reduction="sum", half=False)
    np.testing.assert_allclose(gW, X.T @ D, rtol=0, atol=1e-7)
    np.testing.assert_allclose(gb, D.sum(axis=0), rtol=0, atol=1e-7)


def test_relative_error_passes_loss_reduction_half_and_h_on():
    X, T = small_problem()
    net = ffnn.MLP([3, 5, 2], hidden="tanh", output="sigmoid", seed=3)
    kw = dict(loss="squared", reduction="sum", half=False)
    assert relative_error(net, X, T, **kw) < 1e-6
    assert relative_error(net, X, T, **kw, h=0.5) > 1e-3  # a coarse h: an O(h^2) error
