"""ffnn.datasets: shapes, labels, the geometry each generator promises (checked with
closed forms or independent NumPy), seeds, the shipped digits, and bad input."""

import numpy as np
import pytest
from ffnn import datasets as ds

GENERATED = ["blobs", "circles", "moons", "spirals", "gaussians", "quadrants"]


@pytest.mark.parametrize(
    "gate, truth",
    [(ds.xor, [0, 1, 1, 0]), (ds.and_, [0, 0, 0, 1]), (ds.or_, [0, 1, 1, 1])],
)
def test_logic_gates_match_their_truth_tables(gate, truth):
    X, t = gate()
    assert np.array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert t.shape == (4, 1) and t.dtype == np.float64
    assert np.array_equal(t.ravel(), truth)
    X, s = gate(labels="pm1")
    assert np.array_equal(np.ravel(s), 2 * np.array(truth) - 1)


@pytest.mark.parametrize("name", GENERATED)
def test_classification_sets_shapes_balanced_labels_and_seeds(name):
    X, t = ds.make(name, n=101, seed=4)
    assert X.shape == (101, 2) and t.shape == (101, 1)
    assert X.dtype == t.dtype == np.float64 and np.all(np.isfinite(X))
    assert set(np.unique(t)) == {0.0, 1.0}
    if name != "quadrants":  # quadrants labels by position; the others alternate 0, 1, 0, ...
        assert np.array_equal(t.ravel(), np.arange(101) % 2)
    X2, t2 = ds.make(name, n=101, seed=4)
    assert np.array_equal(X, X2) and np.array_equal(t, t2)
    assert not np.array_equal(X, ds.make(name, n=101, seed=5)[0])
    _, s = ds.make(name, n=101, seed=4, labels="pm1")
    assert np.array_equal(np.ravel(s), np.where(t.ravel() == 1, 1.0, -1.0))


def test_make_is_the_generator_by_name():
    for name, gate in [("xor", ds.xor), ("and", ds.and_), ("or", ds.or_)]:
        assert np.array_equal(ds.make(name)[1], gate()[1])
    assert np.array_equal(ds.make("SPIRALS", n=50, seed=2)[0], ds.spirals(n=50, seed=2)[0])


def test_circles_without_noise_lie_on_their_radii():
    X, t = ds.circles(n=200, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r, np.where(t.ravel() == 1, 0.3, 1.0))


def test_moons_without_noise_lie_on_their_half_circles():
    X, t = ds.moons(n=200, noise=0.0)
    up, down = X[t.ravel() == 0], X[t.ravel() == 1]
    np.testing.assert_allclose(np.hypot(up[:, 0], up[:, 1]), 1.0)
    assert np.all(up[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(down[:, 0] - 1, down[:, 1] - 0.5), 1.0)
    assert np.all(down[:, 1] <= 0.5)


def test_spirals_without_noise_follow_angle_two_pi_turns_r_plus_pi_class():
    X, t = ds.spirals(n=300, noise=0.0, turns=1.5)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= np.sqrt(0.02) - 1e-12) & (r <= 1.0))
    expected = 2 * np.pi * 1.5 * r + np.pi * t.ravel()
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(diff, 0.0, atol=1e-9)


def test_quadrants_label_is_the_sign_of_x1_x2_with_a_gap_at_the_axes():
    X, t = ds.quadrants(n=500, noise=0.0)
    assert np.array_equal(t.ravel(), (X[:, 0] * X[:, 1] > 0).astype(float))
    assert np.all((np.abs(X) >= 0.05) & (np.abs(X) <= 1.05))


@pytest.mark.parametrize(
    "gen, kwargs, centre",
    [(ds.blobs, {"distance": 3.0, "noise": 0.7}, 1.5), (ds.gaussians, {}, 2.0)],
)
def test_blob_clouds_are_centred_at_plus_minus_the_stated_point(gen, kwargs, centre):
    n = 4000
    X, t = gen(n=n, seed=1, **kwargs)
    std = X[t.ravel() == 1].std()  # isotropic clouds, same spread for both classes
    tol = 6 * std / np.sqrt(n / 2)
    np.testing.assert_allclose(X[t.ravel() == 1].mean(axis=0), [centre, centre], atol=tol)
    np.testing.assert_allclose(X[t.ravel() == 0].mean(axis=0), [-centre, -centre], atol=tol)
    if gen is ds.blobs:
        assert abs(std - 0.7) < 6 * 0.7 / np.sqrt(2 * n)


def test_surface_is_sin_pi_x1_cos_half_pi_x2():
    X, t = ds.surface(n=300, noise=0.0, seed=2)
    assert X.shape == (300, 2) and t.shape == (300, 1)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_allclose(t.ravel(), np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1] / 2))


@pytest.mark.parametrize(
    "name, f",
    [
        ("square", lambda x: x**2),
        ("sin", lambda x: np.sin(np.pi * x)),
        ("abs", np.abs),
        ("heaviside", lambda x: (x >= 0) * 1.0),
    ],
)
def test_bishop_functions_are_sorted_samples_of_f(name, f):
    X, t = ds.function(name, n=50)
    assert X.shape == t.shape == (50, 1)
    assert np.all(np.diff(X.ravel()) >= 0) and np.all(np.abs(X) <= 1)
    np.testing.assert_allclose(t, f(X))
    assert np.array_equal(X, ds.function(name, n=50)[0])


def max_margin_2d(X, s, n_angles=200_000):
    """Largest geometric margin of a line separating the +1 from the -1 points (grid on w)."""
    theta = np.linspace(0, 2 * np.pi, n_angles, endpoint=False)
    P = X @ np.stack([np.cos(theta), np.sin(theta)])  # projections, (n, angles)
    return np.max((P[s > 0].min(axis=0) - P[s < 0].max(axis=0)) / 2)


@pytest.mark.parametrize("margin, seed", [(0.1, 0), (0.25, 3), (0.02, 7)])
def test_separable_is_linearly_separable_with_the_stated_margin(margin, seed):
    X, s = ds.separable(n=150, dim=2, margin=margin, seed=seed)
    assert X.shape == (150, 2) and np.all(np.abs(X) <= 1)
    assert set(np.unique(s)) == {-1.0, 1.0}
    # the grid misses the best angle by at most pi / n_angles, moving a projection <= sqrt 2 times
    assert max_margin_2d(X, np.ravel(s)) >= margin - 1e-4


def test_separable_in_higher_dimensions_and_01_labels():
    X, t = ds.separable(n=60, dim=5, seed=1, labels="01")
    assert X.shape == (60, 5) and t.shape == (60, 1)
    assert np.all(np.abs(X) <= 1) and set(np.unique(t)) <= {0.0, 1.0}


def test_shipped_digits_load_with_1797_images_of_64_pixels_and_10_classes():
    X, t = ds.load_digits(scale=False)
    assert X.shape == (1797, 64) and t.shape == (1797,)
    assert np.array_equal(np.unique(t), np.arange(10))
    assert np.all(np.bincount(t) > 150)  # every class well represented
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    Xs, ts = ds.load_digits()
    np.testing.assert_array_equal(Xs, X / 16)
    assert np.array_equal(ts, t)


def test_digits_split_is_a_stratified_partition():
    X, t = ds.load_digits()
    d = ds.digits(test_fraction=0.2, seed=1)
    assert len(d.X_train) + len(d.X_test) == 1797 and d.X_train.shape[1] == 64
    for c in range(10):
        assert np.sum(d.t_test == c) == round(0.2 * np.sum(t == c))
    # train + test hold every (image, label) row of the full set exactly once
    rows = np.c_[np.r_[d.X_train, d.X_test], np.r_[d.t_train, d.t_test]]
    every = np.c_[X, t]
    assert np.array_equal(rows[np.lexsort(rows.T)], every[np.lexsort(every.T)])
    assert np.array_equal(ds.digits(seed=1).t_test, ds.digits(seed=1).t_test)


def test_train_test_split_partitions_the_rows():
    X = np.arange(20.0).reshape(10, 2)
    t = np.arange(10)
    Xa, ta, Xb, tb = ds.train_test_split(X, t, test_fraction=0.3, seed=0)
    assert len(Xb) == 3 and len(Xa) == 7
    assert np.array_equal(np.sort(np.r_[ta, tb]), t)
    assert np.array_equal(np.r_[Xa, Xb][:, 0] / 2, np.r_[ta, tb])  # rows stay with their labels


SETS = "and, blobs, circles, gaussians, moons, or, quadrants, separable, spirals, surface, xor"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ds.make("swiss_roll"), f"unknown data set 'swiss_roll'; expected one of: {SETS}"),
        (
            lambda: ds.function("cube"),
            "unknown function 'cube'; expected one of: abs, heaviside, sin, square",
        ),
        (lambda: ds.xor(labels="+-"), "labels must be '01' or 'pm1', got '+-'"),
        (lambda: ds.blobs(n=1), "n must be an integer >= 2, got 1"),
        (lambda: ds.spirals(n=0), "n must be an integer >= 2, got 0"),
        (lambda: ds.moons(n=10.0), "n must be an integer >= 2, got 10.0"),
        (lambda: ds.circles(n=True), "n must be an integer >= 2, got True"),
        (lambda: ds.quadrants(n=1), "n must be an integer >= 2, got 1"),
        (lambda: ds.surface(n=1), "n must be an integer >= 2, got 1"),
        (lambda: ds.function("sin", n=1), "n must be an integer >= 2, got 1"),
        (lambda: ds.separable(n=1), "n must be an integer >= 2, got 1"),
        (lambda: ds.separable(dim=0), "dim must be an integer >= 1, got 0"),
        (lambda: ds.blobs(noise=-0.1), "noise must be in [0, inf], got -0.1"),
        (lambda: ds.digits(test_fraction=0), "test_fraction must be in (0.0, 1.0), got 0"),
        (lambda: ds.digits(test_fraction=1.0), "test_fraction must be in (0.0, 1.0), got 1.0"),
        (
            lambda: ds.train_test_split(np.zeros((5, 2)), np.zeros(5), test_fraction=0.0),
            "test_fraction must be in (0.0, 1.0), got 0.0",
        ),
        (
            lambda: ds.train_test_split(np.zeros((5, 2)), np.zeros(5), test_fraction=1),
            "test_fraction must be in (0.0, 1.0), got 1",
        ),
        (
            lambda: ds.train_test_split(np.zeros((5, 2)), np.zeros(5), test_fraction=1.5),
            "test_fraction must be in (0.0, 1.0), got 1.5",
        ),
        (
            lambda: ds.train_test_split(np.zeros((5, 2)), np.zeros(4)),
            "X and t must have the same number of samples, got 5 and 4",
        ),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


@pytest.mark.parametrize("margin", [-0.1, 0.5, float("nan")])
def test_separable_refuses_a_margin_it_cannot_keep(margin):
    with pytest.raises(ValueError) as err:
        ds.separable(n=5, dim=1, margin=margin)
    assert str(err.value) == f"margin must be a number in [0, 0.5), got {margin!r}"


class Stuck:
    """A generator whose candidate points all sit on the hyperplane: no margin can be kept."""

    def normal(self, size):
        return np.ones(size)

    def uniform(self, low, high, size=None):
        return 0.0 if size is None else np.zeros(size)


def test_separable_gives_up_when_no_point_keeps_the_margin(monkeypatch):
    monkeypatch.setattr(ds, "_rng", lambda seed: Stuck())
    with pytest.raises(ValueError) as err:
        ds.separable(n=7, dim=3, margin=0.25)
    assert str(err.value) == "could not draw 7 points at margin 0.25 from the hyperplane"


@pytest.mark.parametrize(
    "call, explicit",
    [
        (ds.blobs, lambda: ds.blobs(200, 3.0, 1.0, 0, "01")),
        (ds.separable, lambda: ds.separable(100, 2, 0.1, 0, "pm1")),
        (ds.circles, lambda: ds.circles(200, 0.05, 0.5, 0, "01")),
        (ds.moons, lambda: ds.moons(200, 0.1, 0, "01")),
        (ds.spirals, lambda: ds.spirals(400, 0.1, 1.75, 0, "01")),
        (ds.gaussians, lambda: ds.gaussians(200, 0.5, 0, "01")),
        (ds.quadrants, lambda: ds.quadrants(200, 0.0, 0, "01")),
        (ds.surface, lambda: ds.surface(200, 0.0, 0)),
        (lambda: ds.function("sin"), lambda: ds.function("sin", 50, 0.0, 0)),
        (ds.digits, lambda: ds.digits(0.25, 0, True)),
        (
            lambda: ds.train_test_split(np.arange(40.0), np.arange(40)),
            lambda: ds.train_test_split(np.arange(40.0), np.arange(40), 0.25, 0),
        ),
    ],
)
def test_the_documented_defaults(call, explicit):
    for a, b in zip(call(), explicit(), strict=True):
        assert a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: ds.surface(n=30, seed=seed),
        lambda seed: ds.separable(n=30, seed=seed),
        lambda seed: ds.function("abs", n=30, noise=0.1, seed=seed),
        lambda seed: ds.train_test_split(np.arange(30.0), np.arange(30), seed=seed),
    ],
)
def test_the_seed_fixes_the_data(make):
    a, b, c = make(3), make(3), make(4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def is_standard_normal(z):
    """z looks like N(0, 1) draws: mean, std, P(|z| < 1) within 6 standard errors."""
    z = np.ravel(z)
    n = z.size
    p = 0.6826894921370859
    return (
        abs(z.mean()) < 6 / np.sqrt(n)
        and abs(z.std() - 1) < 6 / np.sqrt(2 * n)
        and abs(np.mean(np.abs(z) < 1) - p) < 6 * np.sqrt(p * (1 - p) / n)
    )


@pytest.mark.parametrize(
    "make, scale, moved",
    [
        (lambda noise: ds.blobs(n=3000, noise=noise, seed=2), 1.0, 0),
        (lambda noise: ds.gaussians(n=3000, noise=noise, seed=2), 2.0, 0),
        (lambda noise: ds.circles(n=3000, noise=noise, seed=2), 1.0, 0),
        (lambda noise: ds.moons(n=3000, noise=noise, seed=2), 1.0, 0),
        (lambda noise: ds.spirals(n=3000, noise=noise, seed=2), 0.1, 0),
        (lambda noise: ds.quadrants(n=3000, noise=noise, seed=2), 1.0, 0),
        (lambda noise: ds.surface(n=3000, noise=noise, seed=2), 1.0, 1),
        (lambda noise: ds.function("sin", n=3000, noise=noise, seed=2), 1.0, 1),
    ],
)
def test_noise_is_independent_gaussian_with_std_noise_times_the_sets_scale(make, scale, moved):
    """Classification sets move the points, regression sets the targets (``moved``)."""
    clean = make(0.0)
    for noise in (0.25, 0.4):  # gaussians: noise 0.5 would be blobs' default std 1
        noisy = make(noise)
        assert np.array_equal(noisy[1 - moved], clean[1 - moved])
        assert is_standard_normal((noisy[moved] - clean[moved]) / (noise * scale))


def angle_counts(angle, low, high, bins):
    return np.histogram(angle, bins=bins, range=(low, high))[0]


def test_circle_angles_are_uniform_around_the_circle():
    X, t = ds.circles(n=4000, noise=0.0, seed=3)
    counts = angle_counts(np.arctan2(X[:, 1], X[:, 0]), -np.pi, np.pi, 8)
    assert np.all(np.abs(counts - 500) < 6 * np.sqrt(500 * 7 / 8))
    # tiny sets too: two points per set, over many seeds
    small = np.concatenate([ds.circles(n=2, noise=0.0, seed=s)[0] for s in range(100)])
    assert np.all(angle_counts(np.arctan2(small[:, 1], small[:, 0]), -np.pi, np.pi, 4) >= 20)


def test_moon_angles_are_uniform_along_the_half_circles():
    X, t = ds.moons(n=4000, noise=0.0, seed=3)
    up, down = X[t.ravel() == 0], X[t.ravel() == 1]
    for angle in (np.arctan2(up[:, 1], up[:, 0]), np.arctan2(0.5 - down[:, 1], 1 - down[:, 0])):
        counts = angle_counts(angle, 0, np.pi, 4)
        assert np.all(np.abs(counts - 500) < 6 * np.sqrt(500 * 3 / 4))


def test_spiral_radius_squared_is_uniform_between_0_02_and_1():
    X, _ = ds.spirals(n=4000, noise=0.0, seed=3)
    counts = angle_counts(np.sum(X**2, axis=1), 0.02, 1.0, 7)
    assert counts.sum() == 4000
    assert np.all(np.abs(counts - 4000 / 7) < 6 * np.sqrt(4000 / 7))


@pytest.mark.parametrize("make", [ds.quadrants, ds.surface])
def test_inputs_fill_the_square(make):
    X, _ = make(n=4000, seed=3)
    gap = 0.05 if make is ds.quadrants else 0.0
    inner = np.abs(X) - gap  # quadrants: uniform on (0, 1) after removing the gap
    for column in inner.T:
        counts = angle_counts(column, 0, 1, 4)
        assert np.all(np.abs(counts - 1000) < 6 * np.sqrt(1000))
        assert np.mean(X[:, 0] > 0) == pytest.approx(0.5, abs=0.05)


def test_separable_takes_exactly_n_points_and_keeps_a_zero_margin():
    X, s = ds.separable(n=2, dim=1, margin=0.0, seed=1)
    assert X.shape == (2, 1) and s.shape == (2,)
    assert ds.separable(n=3, dim=4, margin=0.0)[0].shape == (3, 4)


def test_separable_hyperplane_passes_within_0_2_of_the_centre():
    """In one dimension the hyperplane is a threshold; it lies between the classes, so the
    middle of the gap between them locates it (margin 0 and 400 points: to about 0.01)."""
    where = []
    for seed in range(40):
        X, s = ds.separable(n=400, dim=1, margin=0.0, seed=seed)
        x = X.ravel()
        lo, hi = (x[s < 0], x[s > 0]) if x[s > 0].min() > x[s < 0].max() else (x[s > 0], x[s < 0])
        assert hi.min() > lo.max()
        where.append((hi.min() + lo.max()) / 2)
    where = np.abs(where)
    assert where.max() <= 0.2 + 0.02
    assert where.min() < 0.05 and where.max() > 0.15  # drawn afresh, not a fixed offset
