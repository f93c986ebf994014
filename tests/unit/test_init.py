"""ffnn.init: shapes, exact values of the constant schemes, and the spread of the random
schemes against the closed forms (Xavier/Glorot, He), checked on large samples with
tolerances derived from the sample size."""

import math

import numpy as np
import pytest
from ffnn import init

N_IN, N_OUT = 400, 600  # unequal, so sqrt(2/(n_in+n_out)), sqrt(2/n_in), sqrt(1/n_in) all differ
N = N_IN * N_OUT
Z = 6.0  # tolerances are Z standard errors of the statistic


def rng(seed=0):
    return np.random.default_rng(seed)


def check_normal(W, sigma):
    """W looks like N(0, sigma^2): mean, standard deviation and P(|w| < sigma)."""
    w = W.ravel()
    assert abs(w.mean()) < Z * sigma / math.sqrt(w.size)
    # the sample std of a normal has standard error sigma / sqrt(2N)
    assert abs(w.std() - sigma) < Z * sigma / math.sqrt(2 * w.size)
    # a uniform with the same std would give 0.577 here, a normal erf(1/sqrt 2) = 0.683
    p = math.erf(1 / math.sqrt(2))
    assert abs(np.mean(np.abs(w) < sigma) - p) < Z * math.sqrt(p * (1 - p) / w.size)


def check_uniform(W, r):
    """W looks like U[-r, r]: inside the limits, reaching them, std r / sqrt(3)."""
    w = W.ravel()
    assert w.min() >= -r and w.max() <= r
    # P(max < r (1 - 40/N)) = (1 - 20/N)^N ~ e^-20
    assert w.max() > r * (1 - 40 / w.size) and w.min() < -r * (1 - 40 / w.size)
    # std of U[-r, r] is r/sqrt(3); its relative standard error is sqrt(4/45) * 9 / 2 / sqrt(N)
    assert abs(w.std() / (r / math.sqrt(3)) - 1) < Z * 1.35 / math.sqrt(w.size)
    assert abs(w.mean()) < Z * (r / math.sqrt(3)) / math.sqrt(w.size)


@pytest.mark.parametrize("name", sorted(init.SCHEMES))
def test_every_scheme_gives_a_float64_matrix_of_shape_n_in_by_n_out(name):
    W = init.weights(name, 3, 5, rng())
    assert isinstance(W, np.ndarray) and W.shape == (3, 5) and W.dtype == np.float64
    assert np.all(np.isfinite(W))


def test_zeros_and_constant_are_exact():
    assert np.array_equal(init.zeros(4, 2, rng()), np.zeros((4, 2)))
    assert np.array_equal(init.weights("zeros", 2, 3, rng()), np.zeros((2, 3)))
    assert np.array_equal(init.constant(3, 2, rng()), np.zeros((3, 2)))  # default value 0
    W = init.weights("constant", 3, 2, rng(), value=0.25)
    assert np.array_equal(W, np.full((3, 2), 0.25)) and W.dtype == np.float64


@pytest.mark.parametrize("name", ["xavier", "glorot", "xavier_normal"])
def test_xavier_normal_std_is_sqrt_2_over_fan_in_plus_fan_out(name):
    check_normal(init.weights(name, N_IN, N_OUT, rng()), math.sqrt(2 / (N_IN + N_OUT)))


def test_xavier_uniform_limit_is_sqrt_6_over_fan_in_plus_fan_out():
    check_uniform(init.xavier_uniform(N_IN, N_OUT, rng()), math.sqrt(6 / (N_IN + N_OUT)))


@pytest.mark.parametrize("name", ["he", "he_normal"])
def test_he_normal_std_is_sqrt_2_over_fan_in(name):
    check_normal(init.weights(name, N_IN, N_OUT, rng()), math.sqrt(2 / N_IN))


def test_he_uniform_limit_is_sqrt_6_over_fan_in():
    check_uniform(init.he_uniform(N_IN, N_OUT, rng()), math.sqrt(6 / N_IN))


@pytest.mark.parametrize("name", ["gaussian", "normal"])
@pytest.mark.parametrize("sigma", [0.01, 0.5, 3.0])
def test_gaussian_std_is_sigma(name, sigma):
    check_normal(init.weights(name, N_IN, N_OUT, rng(), sigma=sigma), sigma)


def test_gaussian_default_sigma_is_0_01():
    check_normal(init.gaussian(N_IN, N_OUT, rng()), 0.01)


@pytest.mark.parametrize("name", ["gaussian", "xavier", "xavier_uniform", "he", "he_uniform"])
def test_same_seed_same_weights_different_seed_different_weights(name):
    a = init.weights(name, 20, 30, rng(7))
    assert np.array_equal(a, init.weights(name, 20, 30, rng(7)))
    b = init.weights(name, 20, 30, rng(8))
    assert not np.any(a == b)  # continuous draws: no entry should coincide


def test_names_are_case_insensitive():
    assert init.get("XAVIER") is init.xavier_normal and init.get("He") is init.he_normal


@pytest.mark.parametrize("bad", ["kaiming", "", None, 3])
def test_unknown_scheme_raises_a_value_error_listing_the_names(bad):
    with pytest.raises(ValueError, match=r"unknown initialisation .*expected one of: .*xavier"):
        init.get(bad)
    with pytest.raises(ValueError, match="unknown initialisation"):
        init.weights(bad, 2, 2, rng())


@pytest.mark.parametrize("sigma", [0, -1.0, float("nan"), "big"])
def test_gaussian_rejects_a_non_positive_sigma(sigma):
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        init.gaussian(2, 2, rng(), sigma=sigma)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ["zeros", "xavier", "he_uniform"])
@pytest.mark.parametrize("n_in, n_out", [(0, 3), (3, 0), (-1, 3)])
def test_non_positive_sizes_raise_a_clear_value_error(name, n_in, n_out):
    with pytest.raises(ValueError, match="n_in|n_out"):
        init.weights(name, n_in, n_out, rng())


UNKNOWN = (
    "unknown initialisation {}; expected one of: constant, gaussian, glorot, he, he_normal, "
    "he_uniform, normal, xavier, xavier_normal, xavier_uniform, zeros"
)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: init.get("kaiming"), UNKNOWN.format("'kaiming'")),
        (lambda: init.weights(None, 2, 2, rng()), UNKNOWN.format("None")),
        (lambda: init.weights("he", 0, 2, rng()), "n_in must be an integer >= 1, got 0"),
        (lambda: init.weights("he", 2, 1.0, rng()), "n_out must be an integer >= 1, got 1.0"),
        (lambda: init.gaussian(2, 2, rng(), sigma=0), "sigma must be a positive number, got 0"),
    ],
)
def test_errors_are_stated_in_full(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


def test_constant_is_float_even_for_an_integer_value_and_ignores_the_generator():
    W = init.weights("constant", 2, 3, None, value=2)
    assert W.dtype == np.float64 and np.array_equal(W, np.full((2, 3), 2.0))
    assert np.array_equal(init.weights("zeros", 3, 1, None), np.zeros((3, 1)))
