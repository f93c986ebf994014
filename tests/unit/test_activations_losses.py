"""Activations and losses: derivatives against central differences, lecture identities."""

import math

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


# --- losses against plain-NumPy formulas written here ---


def np_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def np_softmax(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def np_loss(name, Y, T, half=True):
    """Per-sample losses summed over samples, from Y alone (no floors: Y strictly inside (0, 1))."""
    if name == "squared":
        return (0.5 if half else 1.0) * np.sum((Y - T) ** 2)
    if name == "absolute":
        return np.sum(np.abs(Y - T))
    if name == "bce":
        return -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y))
    return -np.sum(T * np.log(Y))


@pytest.mark.parametrize(
    "out, loss", [("sigmoid", "bce"), ("softmax", "ce"), ("identity", "squared")]
)
def test_loss_sum_of_the_matched_pairs_uses_the_stable_form(out, loss):
    rng = np.random.default_rng(3)
    A = rng.normal(scale=2, size=(5, 3))
    T = np.eye(3)[[0, 2, 1, 1, 0]] if out == "softmax" else rng.uniform(size=(5, 3))
    Y = act.get(out).f(A)
    pair = losses.Pairing(losses.get(loss).code, act.code_of(out), 0.0, True)
    assert losses.loss_sum(pair, A, Y, T) == pytest.approx(np_loss(loss, Y, T), rel=1e-12)
    # far out, where y rounds to 0 or 1, the form in a stays exact
    A = np.array([[-800.0, 30.0, 800.0]])
    T = np.array([[0.0, 1.0, 0.0]]) if out == "softmax" else np.array([[1.0, 0.0, 0.5]])
    Y = act.get(out).f(A)
    if out == "sigmoid":  # softplus(a) - t a
        expected = 800.0 + (30.0 + np.log1p(np.exp(-30.0))) + (800.0 - 400.0)
    elif out == "softmax":  # -(a_1 - logsumexp(a))
        expected = 800.0 - 30.0 + np.log1p(np.exp(30.0 - 800.0) + np.exp(-1600.0))
    else:
        expected = 0.5 * ((-801.0) ** 2 + 30.0**2 + 799.5**2)
    assert losses.loss_sum(pair, A, Y, T) == pytest.approx(expected, rel=1e-14)


def test_softplus_both_branches():
    for a in (-40.0, -3.0, -1e-3, 0.0, 1e-3, 2.5, 40.0, 700.0):
        assert losses.softplus(a) == pytest.approx(np.logaddexp(0.0, a), rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("name", ["squared", "bce", "ce", "absolute"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_value_is_the_formula_and_mean_divides_by_n(name, reduction):
    rng = np.random.default_rng(4)
    Y, T = rng.uniform(0.05, 0.95, size=(4, 3)), rng.uniform(size=(4, 3))
    expected = np_loss(name, Y, T) / (4 if reduction == "mean" else 1)
    assert losses.value(name, Y, T, reduction=reduction) == pytest.approx(expected, rel=1e-13)
    if name == "squared":
        got = losses.value(name, Y, T, reduction=reduction, half=False)
        assert got == pytest.approx(2 * expected, rel=1e-13)


def test_logs_of_zero_are_floored_at_1e_12():
    big = -np.log(1e-12)  # 27.63...
    one, zero = np.array([[1.0]]), np.array([[0.0]])
    assert losses.binary_cross_entropy(zero, one) == pytest.approx(big, rel=1e-12)
    assert losses.binary_cross_entropy(one, zero) == pytest.approx(big, rel=1e-9)
    assert losses.binary_cross_entropy(one, one) == pytest.approx(0.0, abs=1e-15)
    assert losses.cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(
        big, rel=1e-12
    )
    # and the gradients: BCE clips y into [1e-12, 1 - 1e-12], CE floors it at 1e-12
    g = losses.gradient("bce", np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), reduction="sum")
    lo, hi = 1e-12, 1.0 - 1e-12  # (y - t) / (y (1 - y)) at the clipped y
    np.testing.assert_allclose(g, [[(lo - 1) / (lo * (1 - lo)), hi / (hi * (1 - hi))]], rtol=1e-12)
    g = losses.gradient("ce", np.array([[0.0, 0.5]]), np.array([[1.0, 1.0]]), reduction="sum")
    np.testing.assert_allclose(g, [[-1e12, -2.0]], rtol=1e-12)


def test_absolute_error_gradient_is_the_sign():
    Y, T = np.array([[0.3, 0.5, 0.9]]), np.array([[0.5, 0.5, 0.1]])
    np.testing.assert_array_equal(losses.gradient("absolute", Y, T, reduction="sum"), [[-1, 0, 1]])
    np.testing.assert_array_equal(losses.gradient("mae", Y, T), [[-1, 0, 1]])  # n = 1


@pytest.mark.parametrize(
    "out, alpha, loss, half",
    [
        ("softmax", 0.0, "squared", True),
        ("softmax", 0.0, "absolute", True),
        ("tanh", 0.0, "bce", True),
        ("elu", 0.7, "absolute", True),
        ("identity", 0.0, "squared", False),
        ("sigmoid", 0.0, "ce", True),
        ("leaky_relu", 0.2, "squared", True),
    ],
)
def test_unmatched_output_delta_is_the_chain_rule(out, alpha, loss, half):
    """delta = dL/da by central differences of the NumPy loss of f(a) (f written here)."""
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 4))
    f = {
        "softmax": np_softmax,
        "tanh": lambda a: 0.5 * (np.tanh(a) + 1),  # bce needs y in (0, 1): through the loss
        "sigmoid": np_sigmoid,
        "identity": lambda a: a,
        "elu": lambda a: np.where(a > 0, a, alpha * (np.exp(np.minimum(a, 0)) - 1)),
        "leaky_relu": lambda a: np.where(a > 0, a, alpha * a),
    }[out]
    T = rng.uniform(0.1, 0.9, size=A.shape)
    if out == "tanh":  # y = tanh(a) must be in (0, 1) for bce: shift a
        A = np.abs(A) + 0.2
        f = np.tanh
    pair = losses.Pairing(losses.get(loss).code, act.code_of(out), alpha, half)
    Y = act.get(out, alpha if alpha else None).f(A)
    np.testing.assert_allclose(Y, f(A), rtol=1e-12, atol=1e-15)
    delta = losses.output_delta(pair, A, Y, T, 0.5, np.empty_like(A))
    num = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[idx] = 1e-6
        num[idx] = (np_loss(loss, f(A + E), T, half) - np_loss(loss, f(A - E), T, half)) / 2e-6
    np.testing.assert_allclose(delta, 0.5 * num, rtol=1e-6, atol=1e-8)


def test_only_the_three_canonical_pairs_are_matched():
    matched = {(losses.SQUARED, act.IDENTITY), (losses.BCE, act.SIGMOID), (losses.CE, act.SOFTMAX)}
    for loss in range(4):
        for out in range(7):
            for half in (True, False):
                expected = (loss, out) in matched and (half or loss != losses.SQUARED)
                assert bool(losses.is_matched(loss, out, half)) == expected


def loss_message(call, *args, **kwargs):
    with pytest.raises(ValueError) as err:
        call(*args, **kwargs)
    return str(err.value)


def test_loss_errors_say_what_was_expected():
    z = np.zeros((2, 3))
    assert loss_message(losses.get, "hinge") == (
        "unknown loss 'hinge'; expected one of: absolute, bce, binary_cross_entropy, ce, "
        "cross_entropy, mae, mse, squared"
    )
    assert (
        loss_message(losses.value, "mse", z, z, reduction="max")
        == "reduction must be 'mean' or 'sum', got 'max'"
    )
    assert (
        loss_message(losses.value, "mse", z, np.zeros((2, 2)))
        == "Y and T must have the same shape, got (2, 3) and (2, 2)"
    )
    assert (
        loss_message(losses.gradient, "mse", z, np.zeros((3, 3)))
        == "Y and T must have the same number of samples, got 2 and 3"
    )
    assert (
        loss_message(losses.value, "ce", np.zeros((2, 2, 1)), z)
        == "Y must be 2-D (n_samples, n_features), got shape (2, 2, 1)"
    )
    assert (
        loss_message(losses.value, "ce", z, np.full((2, 3), np.inf))
        == "T contains NaN or inf; expected finite numbers"
    )


def test_get_names_and_conventions():
    assert losses.get("MSE") == losses.Loss("squared", losses.SQUARED, "mean", True)
    assert losses.get("cross_entropy", "sum", 0) == losses.Loss("ce", losses.CE, "sum", False)
    spec = losses.Loss("bce", losses.BCE, "sum", True)
    assert losses.get(spec) is spec
    for name, code in [("binary_cross_entropy", 1), ("mae", 3), ("absolute", 3), ("ce", 2)]:
        assert losses.get(name).code == code and losses.get(name).name == losses.NAMES[code]


def test_named_losses_with_sum_reduction():
    Y, T = np.array([[0.8, 0.2], [0.4, 0.6]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    assert losses.binary_cross_entropy(Y, T, reduction="sum") == pytest.approx(np_loss("bce", Y, T))
    assert losses.cross_entropy(Y, T, "sum") == pytest.approx(-np.log(0.8) - np.log(0.6))
    assert losses.absolute_error(Y, T, "sum") == pytest.approx(0.2 + 0.2 + 0.4 + 0.4)
    assert losses.squared_error(Y, T, "sum", False) == pytest.approx(0.04 + 0.04 + 0.16 + 0.16)


def test_one_hot_errors_and_default_classes():
    np.testing.assert_array_equal(losses.one_hot([1, 0, 1]), [[0, 1], [1, 0], [0, 1]])
    assert losses.one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    assert (
        loss_message(losses.one_hot, [0.0, 1.0])
        == "labels must be a 1-D integer array, got float64 (2,)"
    )
    assert (
        loss_message(losses.one_hot, [[0, 1]])
        == "labels must be a 1-D integer array, got int64 (1, 2)"
    )
    assert loss_message(losses.one_hot, [0, -1]) == "labels must be non-negative class indices"
    assert loss_message(losses.one_hot, [0, 3], 2) == "labels must be < n_classes=2, got max 3"


# --- activations to the last bits (without the JIT too), names, defaults, errors ---


def ulps(got, ref):
    """|got - ref| in units in the last place of ref; 0 where both are equal (NaN with NaN
    and the infinities included). A zero of the other sign counts as a difference."""
    got, ref = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    same = ((got == ref) & (np.signbit(got) == np.signbit(ref))) | (np.isnan(got) & np.isnan(ref))
    with np.errstate(invalid="ignore"):
        return np.where(same, 0.0, np.abs(got - ref) / np.spacing(np.abs(ref)))


def dense_grid():
    """Both signs over exp's whole range (every step k of the range reductions and both ends
    of each r), [-1, 1] finely, 10^-320 to 10^3 (subnormals included), and the extremes.
    Ten times coarser without the JIT (tests/mutation runs the kernels as plain Python)."""
    from numba import config

    step = 10 if config.DISABLE_JIT else 1
    rng = np.random.default_rng(0)
    powers = 10.0 ** np.linspace(-320, 3, 6001 // step)
    tiny = np.finfo(np.float64).smallest_normal
    ends = [0.0, -0.0, 5e-324, -5e-324, tiny, -tiny, 0.625, np.nextafter(0.625, 0), 19.1,
            20.0, 709.78, 709.79, -708.4, -745.13, -745.14, 1e300, -1e300, np.inf, -np.inf,
            np.nan]  # fmt: skip
    return np.concatenate(
        [
            np.linspace(-750, 750, 300_001 // step),
            np.linspace(-1, 1, 200_001 // step),
            rng.uniform(-40, 40, 100_000 // step),
            powers,
            -powers,
            ends,
        ]
    )


def numpy_sigmoid(a):
    """NumPy's stable sigmoid: 1 / (1 + e^-a), e^a / (1 + e^a) below 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(a >= 0, 1.0 / (1.0 + np.exp(-a)), np.exp(a) / (1.0 + np.exp(a)))


ULP_CASES = {  # the library's function, NumPy's
    "exp": (act.exp_, np.exp),
    "expm1": (act.expm1_, np.expm1),
    "tanh": (act.tanh, np.tanh),
    "sigmoid": (act.sigmoid, numpy_sigmoid),
    "elu": (lambda a: act.elu(a, 0.7), lambda a: np.where(a > 0, a, 0.7 * np.expm1(a))),
    "elu'": (act.get("elu", 0.7).df, lambda a: np.where(a > 0, 1.0, 0.7 * np.exp(a))),
}


def over_grid(f, a):
    """f at every point of a: the array functions take it at once, the scalar kernels
    (exp_, expm1_) one number at a time."""
    if f in (act.exp_, act.expm1_):
        return np.array([f(x) for x in a])
    return f(a)


@pytest.mark.parametrize("name", ULP_CASES)
def test_activation_is_within_4_ulp_of_numpy_on_a_dense_grid(name):
    """exp and expm1 (softmax, ELU), tanh, sigmoid, ELU and ELU' are written without library
    calls so that loops vectorise: NumPy's values to 4 units in the last place everywhere,
    the same infinities, zeros (with their sign), subnormals and NaN."""
    ours, numpys = ULP_CASES[name]
    a = dense_grid()
    if name in ("exp", "expm1"):
        a = a[::7]  # one number per call from Python: a sample of the grid
    with np.errstate(over="ignore", invalid="ignore"):
        got, ref = over_grid(ours, a), numpys(a)
    u = ulps(got, ref)
    assert u.max() <= 4, f"{name}: {u.max():.0f} ulp at a = {a[np.argmax(u)]!r}"


def test_exact_values_at_the_ends_of_every_activation():
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e300, -1e300])
    with np.errstate(over="ignore"):
        for got, ref in [
            (act.tanh(a), np.tanh(a)),
            (act.sigmoid(a), numpy_sigmoid(a)),
            (act.relu(a), np.maximum(a, 0.0)),
            (act.leaky_relu(a, 0.1), np.where(a > 0, a, 0.1 * a)),
            (act.elu(a), np.where(a > 0, a, np.expm1(a))),
            (act.identity(a), a),
        ]:
            assert np.all(ulps(got, ref) == 0), (got, ref)
    assert act.exp_(-745.14) == 0.0 and act.exp_(-745.13) == 5e-324
    assert act.exp_(709.78) == np.exp(709.78) and act.exp_(709.79) == np.inf
    assert act.expm1_(-40.0) == -1.0 and act.expm1_(709.5) == np.expm1(709.5)
    assert np.isnan(act.exp_(np.nan)) and np.isnan(act.expm1_(np.nan))


def test_softmax_is_within_4_ulp_of_numpy():
    rng = np.random.default_rng(1)
    A = np.concatenate([rng.normal(0, 3, (500, 10)), rng.normal(0, 300, (500, 10))])
    E = np.exp(A - A.max(axis=1, keepdims=True))
    assert ulps(act.softmax(A), E / E.sum(axis=1, keepdims=True)).max() <= 4


def test_one_number_and_a_whole_layer_give_the_same_bits():
    """The scalar kernel (the on-line loop's) and the vectorised loops compute alike."""
    a = np.linspace(-30, 30, 601)
    for name in ("sigmoid", "tanh", "elu", "leaky_relu", "relu", "identity"):
        fn = act.get(name, 0.5 if name in ("elu", "leaky_relu") else None)
        h = fn.f(a)
        one = [act.activate(fn.code, x, fn.alpha) for x in a]
        np.testing.assert_array_equal(h, one)
        d = [act.derivative(fn.code, x, y, fn.alpha) for x, y in zip(a, h, strict=True)]
        np.testing.assert_array_equal(fn.df(a), d)


def test_derivatives_from_h_are_the_lecture_formulas():
    """sigmoid' = h (1 - h) and tanh' = 1 - h^2 with the library's h, exactly."""
    a = np.linspace(-12, 12, 2401)
    h = act.sigmoid(a)
    np.testing.assert_array_equal(act.get("sigmoid").df(a), h * (1.0 - h))
    h = act.tanh(a)
    np.testing.assert_array_equal(act.get("tanh").df(a), 1.0 - h * h)


@pytest.mark.parametrize(
    "name, canonical, code, alpha",
    [
        ("identity", "identity", 0, 0.0),
        ("linear", "identity", 0, 0.0),
        ("logistic", "sigmoid", 1, 0.0),
        ("TANH", "tanh", 2, 0.0),
        ("relu", "relu", 3, 0.0),
        ("leaky_relu", "leaky_relu", 4, 0.01),
        ("elu", "elu", 5, 1.0),
        ("softmax", "softmax", 6, 0.0),
    ],
)
def test_get_canonical_name_code_and_default_alpha(name, canonical, code, alpha):
    fn = act.get(name)
    assert (fn.name, fn.code, fn.alpha) == (canonical, code, alpha)
    assert act.code_of(name) == code and act.NAMES[code] == canonical


def test_default_alphas_of_the_named_functions():
    a = np.array([-2.0, -1.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu(a), [-0.02, -0.01, 3.0], rtol=1e-15)
    np.testing.assert_allclose(act.elu(a), [np.expm1(-2.0), np.expm1(-1.0), 3.0], rtol=1e-14)
    np.testing.assert_allclose(act.get("elu").df(a), [np.exp(-2.0), np.exp(-1.0), 1.0], rtol=1e-14)
    np.testing.assert_array_equal(act.get("leaky_relu").df(a), [0.01, 0.01, 1.0])


def test_named_functions_and_derivatives_at_hand_values():
    a = np.array([-1.5, 0.0, 2.0])
    np.testing.assert_array_equal(act.identity(a), a)
    np.testing.assert_array_equal(act.relu(a), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(act.sigmoid(a), [1 / (1 + np.exp(1.5)), 0.5, 1 / (1 + np.exp(-2.0))])
    np.testing.assert_allclose(act.tanh(a), np.tanh(a), rtol=1e-15)
    s = 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(act.get("sigmoid").df(a), s * (1 - s), rtol=1e-14)
    np.testing.assert_allclose(act.get("tanh").df(a), 1 - np.tanh(a) ** 2, rtol=1e-14)
    np.testing.assert_array_equal(act.get("relu").df(a), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(act.get("identity").df(a), [1.0, 1.0, 1.0])
    # a scalar stays a scalar, a 2-D batch stays 2-D
    assert np.shape(act.relu(-3.0)) == () and act.relu(-3.0) == 0.0
    assert act.get("relu").df(np.ones((2, 3))).shape == (2, 3)


def test_derivative_kernel_one_number_at_a_time():
    """act.derivative (used by the losses' chain rule) for every code, with h = f(a)."""
    for a in (-1.3, 0.7):
        s, t = 1 / (1 + np.exp(-a)), np.tanh(a)
        expected = {
            act.IDENTITY: 1.0,
            act.SIGMOID: s * (1 - s),
            act.TANH: 1 - t * t,
            act.RELU: float(a > 0),
            act.LEAKY_RELU: 1.0 if a > 0 else 0.3,
            act.ELU: 1.0 if a > 0 else 0.3 * np.exp(a),
        }
        for code, d in expected.items():
            h = float(act.get(act.NAMES[code], 0.3).f(a))
            assert act.derivative(code, a, h, 0.3) == pytest.approx(d, rel=1e-12)
            assert act.activate(code, a, 0.3) == h


def activation_message(call, *args):
    with pytest.raises(ValueError) as err:
        call(*args)
    return str(err.value)


def test_activation_errors_say_what_was_expected():
    assert activation_message(act.relu, np.zeros((1, 2, 3))) == (
        "expected a scalar, 1-D or 2-D array, got shape (1, 2, 3)"
    )
    assert activation_message(act.softmax_jacobian, np.eye(2)) == (
        "softmax_jacobian expects one output vector (1-D), got shape (2, 2)"
    )
    assert activation_message(act.get("softmax").df, np.zeros(3)) == (
        "softmax has no elementwise derivative; use softmax_jacobian(y) "
        "(or the softmax + cross-entropy pairing, whose output delta is y - t)"
    )
    assert activation_message(act.get, "swish") == (
        "unknown activation 'swish'; expected one of: elu, identity, leaky_relu, linear, "
        "logistic, relu, sigmoid, softmax, tanh"
    )


def test_softmax_by_hand_and_its_jacobian():
    y = act.softmax(np.array([0.0, np.log(3.0)]))
    np.testing.assert_allclose(y, [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(act.softmax_jacobian(y), [[0.1875, -0.1875], [-0.1875, 0.1875]])
    # the max anywhere in the row, large enough that exp(a) without it would overflow
    A = np.array([[800.0, 0.0, 1.0], [0.0, 800.0, 1.0], [-1.0, 0.0, 900.0], [3.0, 1.0, 2.0]])
    np.testing.assert_allclose(act.softmax(A), np_softmax(A), rtol=1e-15)


@pytest.mark.parametrize(
    "name, alpha, at_zero", [("relu", 0.0, 0.0), ("leaky_relu", 0.2, 0.2), ("elu", 0.5, 0.5)]
)
def test_derivative_at_zero_takes_the_left_branch(name, alpha, at_zero):
    """f'(0) is the a <= 0 side: 0 for ReLU (003), alpha for leaky ReLU and ELU."""
    fn = act.get(name, alpha)
    assert float(fn.df(0.0)) == at_zero and float(fn.f(0.0)) == 0.0
    assert act.derivative(fn.code, 0.0, 0.0, alpha) == at_zero


def test_integer_input_gives_float_output():
    np.testing.assert_array_equal(act.sigmoid([0, 0]), [0.5, 0.5])
    np.testing.assert_allclose(act.tanh(np.array([[1]])), [[np.tanh(1.0)]], rtol=1e-15)
    assert act.get("elu").df(-1) == pytest.approx(np.exp(-1.0), rel=1e-14)
    np.testing.assert_allclose(act.softmax([0, 0]), [0.5, 0.5])
    J = act.softmax_jacobian([1, 0])
    assert J.dtype == np.float64 and np.all(J == 0.0)
    assert act.softmax_jacobian(np.array([1, 0], dtype=np.int8)).dtype == np.float64


def test_sigmoid_for_a_at_least_0_is_1_over_1_plus_exp_minus_a():
    """Both forms of the stable sigmoid agree to rounding; for a >= 0 it is 1 / (1 + e^-a)."""
    a = np.linspace(0.0, 3.0, 301)
    expected = [1.0 / (1.0 + act.exp_(-x)) for x in a]
    np.testing.assert_array_equal(act.sigmoid(a), expected)
    expected = [act.exp_(x) / (1.0 + act.exp_(x)) for x in -a[1:]]
    np.testing.assert_array_equal(act.sigmoid(-a[1:]), expected)


def test_gradient_defaults_to_the_mean_of_half_squared_error():
    Y, T = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(losses.gradient("squared", Y, T), (Y - T) / 2, rtol=1e-15)
    assert losses.value("squared", Y, T) == pytest.approx((1 + 4 + 0.25 + 4) / 4)


def test_softplus_is_a_plus_log1p_exp_minus_a_for_positive_a():
    """The two forms agree to rounding; above 0 the library takes the one that cannot overflow."""
    for a in np.linspace(0.01, 2.0, 200):
        assert losses.softplus(a) == a + math.log1p(math.exp(-a))
    for a in np.linspace(-2.0, 0.0, 201):
        assert losses.softplus(a) == math.log1p(math.exp(a))


@pytest.mark.parametrize(
    "out, loss, A, T",
    [
        ("sigmoid", "bce", [[40.0, -40.0, 0.5]], [[0.0, 1.0, 0.25]]),
        ("softmax", "ce", [[-800.0, 800.0, 0.0]], [[1.0, 0.0, 0.0]]),
        ("identity", "squared", [[3.0, -2.0, 0.5]], [[0.0, 1.0, 0.5]]),
    ],
)
def test_matched_delta_is_y_minus_t_even_where_y_saturates(out, loss, A, T):
    """sigma(40) = 1 and softmax's 0 would stall the chain rule (y (1 - y) = 0); y - t does not."""
    A, T = np.array(A), np.array(T)
    Y = act.get(out).f(A)
    pair = losses.Pairing(losses.get(loss).code, act.code_of(out), 0.0, True)
    delta = losses.output_delta(pair, A, Y, T, 2.0, np.empty_like(A))
    np.testing.assert_array_equal(delta, 2.0 * (Y - T))
