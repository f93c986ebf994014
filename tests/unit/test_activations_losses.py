"""Activations and losses: derivatives against central differences, lecture identities."""

import ffnn
import numpy as np
import pytest
from ffnn import activations as act
from ffnn import losses

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def central(f, a, h=1e-6):
    return (f(a + h) - f(a - h)) / (2 * h)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_matches_central_difference(name):
    a = np.linspace(-4, 4, 81)
    a = a[np.abs(a) > 1e-3]  # ReLU-type kinks at 0 have no derivative
    fn = act.get(name)
    np.testing.assert_allclose(fn.df(a), central(fn.f, a), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "name, formula",
    [
        ("identity", lambda a: a),
        ("sigmoid", lambda a: 1 / (1 + np.exp(-a))),
        ("tanh", np.tanh),
        ("relu", lambda a: np.maximum(a, 0)),
        ("leaky_relu", lambda a: np.where(a > 0, a, 0.01 * a)),
        ("elu", lambda a: np.where(a > 0, a, np.exp(a) - 1)),
    ],
)
def test_activation_kernel_agrees_with_numpy_formula(name, formula):
    a = np.random.default_rng(0).normal(scale=3, size=(7, 5))
    np.testing.assert_allclose(act.get(name).f(a), formula(a), rtol=1e-12, atol=1e-15)


# closed forms written here (not the library's): f(a) and f'(a) with the parameter alpha
WITH_ALPHA = {
    "leaky_relu": (
        lambda a, alpha: np.where(a > 0, a, alpha * a),
        lambda a, alpha: np.where(a > 0, 1.0, alpha),
    ),
    "elu": (
        lambda a, alpha: np.where(a > 0, a, alpha * (np.exp(np.minimum(a, 0)) - 1)),
        lambda a, alpha: np.where(a > 0, 1.0, alpha * np.exp(np.minimum(a, 0))),
    ),
}
ALPHA_CASES = [("leaky_relu", 0.2), ("leaky_relu", 3.0), ("elu", 0.5), ("elu", 2.0), ("elu", 0.1)]


@pytest.mark.parametrize("name, alpha", ALPHA_CASES)
def test_derivative_with_a_non_default_alpha_is_the_closed_form(name, alpha):
    """leaky ReLU' = alpha and ELU' = alpha e^a (= f + alpha) for a <= 0, whatever alpha."""
    a = np.linspace(-4, 4, 81)
    a = a[np.abs(a) > 1e-3]
    f, df = WITH_ALPHA[name]
    fn = act.get(name, alpha)
    assert fn.alpha == alpha
    np.testing.assert_allclose(fn.f(a), f(a, alpha), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fn.df(a), df(a, alpha), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fn.df(a), central(lambda x: f(x, alpha), a), rtol=1e-6, atol=1e-8)
    A = a[:80].reshape(8, 10)  # a batch (2-D) and one number give the same values
    np.testing.assert_allclose(fn.df(A), df(A, alpha), rtol=1e-12, atol=1e-15)
    assert float(fn.df(-1.0)) == pytest.approx(float(df(np.array(-1.0), alpha)), rel=1e-12)
    np.testing.assert_allclose(getattr(act, name)(a, alpha), f(a, alpha), rtol=1e-12, atol=1e-15)


def test_alpha_changes_the_derivative_where_a_is_negative_only():
    a = np.array([-2.0, -0.5, 0.5, 2.0])
    for name in WITH_ALPHA:
        one, other = act.get(name, 0.3).df(a), act.get(name, 1.7).df(a)
        np.testing.assert_allclose(other[:2] / one[:2], 1.7 / 0.3, rtol=1e-12)
        np.testing.assert_array_equal(one[2:], [1.0, 1.0])
        np.testing.assert_array_equal(other[2:], [1.0, 1.0])


def test_sigmoid_does_not_overflow():
    y = act.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(y, [0.0, 0.5, 1.0])


def test_tanh_is_a_scaled_sigmoid():
    """tanh(c) = 2 sigma(2c) - 1 (lecture 000, appendix)."""
    c = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(act.tanh(c), 2 * act.sigmoid(2 * c) - 1, atol=1e-15)


def test_vectorised_tanh_is_within_8_ulp_of_the_c_library():
    """activations.tanh_ avoids library calls so that layer loops vectorise; it must
    still agree with np.tanh to a few units in the last place, everywhere."""
    rng = np.random.default_rng(0)
    a = np.concatenate(
        [
            rng.normal(0, 3, 200_000),
            rng.uniform(-0.5, 0.5, 200_000),
            10.0 ** rng.uniform(-300, 0, 100_000) * rng.choice([-1, 1], 100_000),
            rng.uniform(-30, 30, 100_000),
        ]
    )
    got, ref = ffnn.activations.tanh(a), np.tanh(a)
    assert np.max(np.abs(got - ref) / np.spacing(np.abs(ref))) <= 8
    special = np.array([0.0, -0.0, 5e-324, 19.0, 25.0, -40.0, 1e300, np.inf, -np.inf, np.nan])
    got = ffnn.activations.tanh(special)
    np.testing.assert_allclose(got[:-1], np.tanh(special[:-1]), rtol=2.3e-16, atol=0)
    assert np.signbit(got[1]) and np.isnan(got[-1])


def test_relu_derivative_at_zero_is_zero():
    assert act.get("relu").df(0.0) == 0.0


def test_softmax_is_stable_and_sums_to_one():
    a = np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]])
    y = act.softmax(a)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(y[0], act.softmax(np.array([0.0, 1.0, 2.0])))
    assert np.all(np.isfinite(y))


def test_softmax_jacobian_matches_central_difference():
    a = np.array([0.3, -1.2, 2.0, 0.1])
    J = act.softmax_jacobian(act.softmax(a))
    num = np.empty((4, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = 1e-6
        num[:, j] = (act.softmax(a + e) - act.softmax(a - e)) / 2e-6
    np.testing.assert_allclose(J, num, atol=1e-9)


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(ValueError, match="softmax_jacobian"):
        act.get("softmax").df(np.zeros(3))


def _numeric_loss_grad(name, Y, T, **kw):
    G = np.zeros_like(Y)
    for idx in np.ndindex(Y.shape):
        E = np.zeros_like(Y)
        E[idx] = 1e-6
        G[idx] = (losses.value(name, Y + E, T, **kw) - losses.value(name, Y - E, T, **kw)) / 2e-6
    return G


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(
    "name, half",
    [("squared", True), ("squared", False), ("bce", True), ("ce", True), ("absolute", True)],
)
def test_loss_gradient_matches_central_difference(name, half, reduction):
    rng = np.random.default_rng(1)
    Y = rng.uniform(0.1, 0.9, size=(6, 3))
    T = losses.one_hot(rng.integers(0, 3, 6), 3) if name == "ce" else rng.uniform(0, 1, size=(6, 3))
    kw = dict(reduction=reduction, half=half)
    np.testing.assert_allclose(
        losses.gradient(name, Y, T, **kw),
        _numeric_loss_grad(name, Y, T, **kw),
        rtol=1e-6,
        atol=1e-9,
    )


def test_loss_conventions_half_and_reduction():
    Y, T = np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]])
    assert losses.squared_error(Y, T) == pytest.approx((0.5 * 1 + 0.5 * 9) / 2)
    assert losses.squared_error(Y, T, reduction="sum") == pytest.approx(5.0)
    assert losses.squared_error(Y, T, reduction="sum", half=False) == pytest.approx(10.0)
    assert losses.absolute_error(Y, T) == pytest.approx(2.0)


def test_cross_entropies_match_their_formulas():
    Y = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    T = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert losses.cross_entropy(Y, T) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    y, t = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert losses.binary_cross_entropy(y, t) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)


@pytest.mark.parametrize(
    "output, loss", [("softmax", "ce"), ("sigmoid", "bce"), ("identity", "squared")]
)
def test_matched_output_delta_is_y_minus_t(output, loss):
    """Softmax + CE, sigmoid + BCE, identity + 1/2 squared error: dL/da = y - t (000 appendix)."""
    rng = np.random.default_rng(2)
    K = 4 if output == "softmax" else 1
    A = rng.normal(size=(5, K))
    Y = act.get(output).f(A)
    T = (
        losses.one_hot(rng.integers(0, K, 5), K)
        if output == "softmax"
        else rng.uniform(size=(5, 1))
    )
    pair = losses.Pairing(losses.get(loss).code, act.code_of(output), 0.0, True)
    delta = losses.output_delta(pair, A, Y, T, 1.0, np.empty_like(Y))
    np.testing.assert_allclose(delta, Y - T, atol=1e-15)
    # and that is the true derivative of the loss with respect to a
    num = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[idx] = 1e-6
        up = losses.value(loss, act.get(output).f(A + E), T, reduction="sum")
        down = losses.value(loss, act.get(output).f(A - E), T, reduction="sum")
        num[idx] = (up - down) / 2e-6
    np.testing.assert_allclose(delta, num, atol=1e-7)


def test_sigmoid_with_squared_error_has_the_slow_delta():
    """(y - t) sigma'(a): the extra factor that makes sigmoid + squared error learn slowly."""
    A = np.array([[4.0]])
    Y = act.sigmoid(A)
    T = np.array([[0.0]])
    pair = losses.Pairing(losses.SQUARED, act.SIGMOID, 0.0, True)
    delta = losses.output_delta(pair, A, Y, T, 1.0, np.empty((1, 1)))
    assert delta[0, 0] == pytest.approx(Y[0, 0] * Y[0, 0] * (1 - Y[0, 0]))


def test_one_hot():
    np.testing.assert_array_equal(losses.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="< n_classes"):
        losses.one_hot(np.array([3]), 3)


@pytest.mark.parametrize("bad", ["swish", "", "Sigmoidd"])
def test_unknown_activation_name_lists_the_valid_ones(bad):
    with pytest.raises(ValueError, match="unknown activation .* expected one of: .*sigmoid"):
        ffnn.activations.get(bad)


def test_unknown_loss_and_shape_mismatch():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        losses.value("hinge", np.zeros((2, 1)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="same shape"):
        losses.squared_error(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="NaN or inf"):
        losses.squared_error(np.array([[np.nan]]), np.zeros((1, 1)))
