"""Rosenblatt's perceptron (ffnn.perceptron) and the hyperplane geometry of lecture 000."""

import ffnn
import numpy as np
import pytest


def test_perceptron_converges_on_separable_data():
    X, t = ffnn.datasets.separable(n=200, dim=2, margin=0.05, seed=3)
    r = ffnn.perceptron.train(X, t, max_steps=100_000, seed=0)
    assert r.converged
    assert np.all(ffnn.perceptron.predict(r.weights, X) == t)
    assert r.trajectory.shape == (len(r.updated) + 1, 3)
    np.testing.assert_allclose(r.trajectory[-1], r.weights)


def test_perceptron_updates_add_or_subtract_the_picked_point():
    X, t = ffnn.datasets.separable(n=50, dim=2, seed=1)
    r = ffnn.perceptron.train(X, t, seed=2)
    Phi = ffnn.perceptron.add_bias(X)
    for k, n in enumerate(r.updated):
        before, after = r.trajectory[k], r.trajectory[k + 1]
        assert t[n] * (before @ Phi[n]) <= 0, "updated a point that was correctly classified"
        np.testing.assert_allclose(after - before, t[n] * Phi[n])


def test_perceptron_reports_non_convergence_on_xor():
    X, t = ffnn.datasets.xor(labels="pm1")
    r = ffnn.perceptron.train(X, t, max_steps=5_000, seed=0)
    assert not r.converged
    assert r.steps == 5_000
    assert len(r.updated) > 0


def mistakes(w, X, t):
    """Indices n with t_n w^T phi(x_n) <= 0, by plain NumPy (not the library's kernels)."""
    Phi = np.hstack([np.ones((len(X), 1)), np.asarray(X, dtype=float)])
    return np.flatnonzero(np.ravel(t) * (Phi @ np.asarray(w, dtype=float)) <= 0)


# six points; w0 = [0, 0, 1] (the line x2 = 0) is right on every one but the LAST, and
# the line x2 = 0.2 x1 separates them all
ALMOST_X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [0.0, -1.0], [1.0, -1.0], [5.0, 0.5]])
ALMOST_T = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])


@pytest.mark.parametrize("wrong", [5, 0, 3])
def test_a_start_wrong_on_one_point_is_not_reported_as_converged(wrong):
    """The "all correct?" test must look at every point: a start that is right on all
    points but one (the last, the first, one in the middle) needs at least one update."""
    order = np.r_[np.delete(np.arange(6), 5), 5]  # the almost-right point moved to `wrong`
    order[[wrong, 5]] = order[[5, wrong]]
    X, t = ALMOST_X[order], ALMOST_T[order]
    w0 = np.array([0.0, 0.0, 1.0])
    assert mistakes(w0, X, t).tolist() == [wrong]
    r = ffnn.perceptron.train(X, t, seed=0, w0=w0, max_steps=10_000)
    assert r.converged
    assert mistakes(r.weights, X, t).size == 0, "converged with a point still misclassified"
    assert len(r.updated) >= 1 and r.updated[0] == wrong  # the only mistake is fixed first
    assert r.steps >= 1


@pytest.mark.parametrize("seed", range(6))
def test_converged_means_every_point_is_right_by_an_independent_check(seed):
    X, t = ffnn.datasets.separable(n=40, dim=2, margin=0.05, seed=seed)
    r = ffnn.perceptron.train(X, t, max_steps=100_000, seed=seed)
    assert r.converged
    assert mistakes(r.weights, X, t).size == 0
    # and it stopped at the first w that was right everywhere: every earlier w had a mistake
    assert all(mistakes(w, X, t).size > 0 for w in r.trajectory[:-1])


def test_a_step_budget_ending_on_a_wrong_point_is_not_converged():
    """XOR: whatever w the budget ends on, some point is wrong, so converged is False."""
    X, t = ffnn.datasets.xor(labels="pm1")
    for seed in range(5):
        r = ffnn.perceptron.train(X, t, max_steps=37 + seed, seed=seed)
        assert not r.converged and mistakes(r.weights, X, t).size > 0


def test_perceptron_is_reproducible_from_its_seed_and_the_seed_matters():
    X, t = ffnn.datasets.separable(n=100, dim=3, seed=0)
    a = ffnn.perceptron.train(X, t, seed=11)
    b = ffnn.perceptron.train(X, t, seed=11)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    c = ffnn.perceptron.train(X, t, seed=12)
    assert not np.array_equal(a.weights, c.weights)  # another start, another run
    for r in (a, c):  # both are real runs: converged, every point right
        assert r.converged and mistakes(r.weights, X, t).size == 0
    # the default start is N(0, 1) from the seed: row 0 of the trajectory
    np.testing.assert_array_equal(a.trajectory[0], np.random.default_rng(11).normal(size=4))


def test_perceptron_accepts_01_labels_and_rejects_others():
    X, t01 = ffnn.datasets.and_()
    assert ffnn.perceptron.train(X, t01.ravel(), max_steps=10_000).converged
    with pytest.raises(ValueError, match=r"labels must be \+1/-1"):
        ffnn.perceptron.train(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="one label per sample"):
        ffnn.perceptron.train(X, [1, -1])


def test_hyperplane_geometry():
    normal, dist = ffnn.perceptron.hyperplane([-2.0, 3.0, 4.0])
    np.testing.assert_allclose(normal, [0.6, 0.8])
    assert dist == pytest.approx(0.4)  # -w0 / ||w||


# --- the random picks and the whole run against a plain-Python transcription of the
# published algorithms (splitmix64 seeding, xorshift64* of Vigna 2016, Rossi's loop) ---

M64 = 2**64
GOLDEN = 0x9E3779B97F4A7C15


def splitmix64(z):
    z = (z + GOLDEN) % M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % M64
    return z ^ (z >> 31)


def xorshift64star_picks(x, N, count):
    """(indices, final state): floor(N * (output >> 11) / 2^53) for each output."""
    picks = []
    for _ in range(count):
        x ^= x >> 12
        x ^= (x << 25) % M64
        x ^= x >> 27
        picks.append(((x * 0x2545F4914F6CDD1D) % M64 >> 11) * N // 2**53)
    return picks, x


def test_seeding_is_splitmix64_published_values():
    # the first outputs of splitmix64 seeded with 0 (Steele, Lea, Flood 2014; Vigna's splitmix64.c)
    assert int(ffnn.perceptron.rng_state(0)[0]) == 0xE220A8397B1DCDAF
    assert int(ffnn.perceptron.rng_state(GOLDEN)[0]) == 0x6E789E6AA1B965F4
    for seed in (1, 7, 12345, 2**40 + 3, -5):
        state = ffnn.perceptron.rng_state(seed)
        assert state.dtype == np.uint64 and state.shape == (1,)
        assert int(state[0]) == splitmix64(seed % M64)
    # the one seed whose splitmix64 value is 0 gets the state 1 (xorshift's zero is a fixed point)
    assert int(ffnn.perceptron.rng_state(-GOLDEN)[0]) == 1


@pytest.mark.parametrize("seed, N", [(0, 7), (3, 2), (99, 1000), (-GOLDEN, 5)])
def test_random_index_is_xorshift64_star(seed, N):
    state = ffnn.perceptron.rng_state(seed)
    expected, final = xorshift64star_picks(int(state[0]), N, 200)
    got = [ffnn.perceptron.random_index(state, N) for _ in range(200)]
    assert got == expected
    assert int(state[0]) == final


def test_random_index_is_uniform():
    state, N = ffnn.perceptron.rng_state(5), 4
    counts = np.bincount([ffnn.perceptron.random_index(state, N) for _ in range(4000)], minlength=N)
    assert counts.size == N and np.all(np.abs(counts - 1000) < 100)


def reference_run(X, t, w0, seed, max_steps):
    """Rossi's loop in plain Python: stop when all points are right, else pick and maybe update."""
    Phi = np.hstack([np.ones((len(X), 1)), X])
    w, x = np.array(w0, dtype=float), splitmix64(seed % M64) or 1
    trajectory, updated = [w.copy()], []
    for step in range(max_steps):
        if np.all(t * (Phi @ w) > 0):
            return w, trajectory, updated, True, step
        (n,), x = xorshift64star_picks(x, len(X), 1)
        if t[n] * (Phi[n] @ w) <= 0:
            w = w + t[n] * Phi[n]
            trajectory.append(w.copy())
            updated.append(n)
    return w, trajectory, updated, bool(np.all(t * (Phi @ w) > 0)), max_steps


# small integers: every score is exact, so the sign tests cannot differ by rounding
INT_X = np.array([[2, 1], [1, 3], [3, 3], [-1, -2], [-2, 0], [0, -3], [2, -1], [-3, 2]], float)
INT_T = np.array([1, 1, 1, -1, -1, -1, 1, -1], float)


@pytest.mark.parametrize(
    "seed, w0, max_steps, scale",
    [
        (0, [0, 0, 0], 1000, 1.0),
        (4, [5, -1, -2], 1000, 1.0),
        (7, [-1, 0, 0], 1000, 1.0),
        (2, [3, -4, 1], 6, 1.0),
        (1, [0, 1, 0], 1000, 0.25),  # an integer start, steps of 1/4: w is float
    ],
)
def test_a_run_is_rossis_algorithm_step_for_step(seed, w0, max_steps, scale):
    X = scale * INT_X
    w, trajectory, updated, converged, steps = reference_run(X, INT_T, w0, seed, max_steps)
    r = ffnn.perceptron.train(X, INT_T, max_steps=max_steps, seed=seed, w0=w0)
    np.testing.assert_array_equal(r.weights, w)
    np.testing.assert_array_equal(r.trajectory, trajectory)
    assert r.updated.tolist() == updated
    assert (r.converged, r.steps) == (converged, steps)
    assert max_steps > 6 or not converged  # the budget case ends on a wrong w


def test_a_start_already_right_everywhere_stops_at_once():
    r = ffnn.perceptron.train(INT_X, INT_T, w0=[0.0, 1.0, 1.0], max_steps=50)
    assert mistakes([0.0, 1.0, 1.0], INT_X, INT_T).size == 0
    assert (r.converged, r.steps, len(r.updated)) == (True, 0, 0)
    np.testing.assert_array_equal(r.trajectory, [[0.0, 1.0, 1.0]])


@pytest.mark.parametrize("on", [0, 4, 7])
def test_a_point_on_the_hyperplane_counts_as_a_mistake(on):
    """t_n w^T phi(x_n) <= 0 includes 0: w = 0 (or a line through a point) must be updated."""
    X = INT_X.copy()
    X[on] = [0.0, 0.0]  # on the line x1 + x2 = 0 of w = [0, 1, 1], every other point right
    w0 = [0.0, 1.0, 1.0]
    assert mistakes(w0, X, INT_T).tolist() == [on]
    r = ffnn.perceptron.train(X, INT_T, w0=w0, max_steps=10_000, seed=1)
    assert r.converged and len(r.updated) >= 1 and r.updated[0] == on
    assert mistakes(r.weights, X, INT_T).size == 0
    r = ffnn.perceptron.train(INT_X, INT_T, w0=np.zeros(3), max_steps=10_000, seed=1)
    assert len(r.updated) >= 1 and r.converged


def test_the_trajectory_cap_keeps_the_first_updates():
    X, t = ffnn.datasets.xor(labels="pm1")
    X = np.asarray(X, dtype=float)
    w, trajectory, updated, _, _ = reference_run(X, np.ravel(t), [0.5, 0.5, 0.5], 3, 300)
    assert len(updated) > 10
    run = dict(max_steps=300, seed=3, w0=[0.5, 0.5, 0.5])
    for cap in (1, 2, 5):
        r = ffnn.perceptron.train(X, t, **run, max_trajectory=cap)
        np.testing.assert_array_equal(r.trajectory, trajectory[: cap + 1])
        assert r.updated.tolist() == updated[:cap]
        np.testing.assert_array_equal(r.weights, w)  # the run itself goes on
    r = ffnn.perceptron.train(X, t, **run, max_trajectory=0)
    assert len(r.updated) == 1 and r.trajectory.shape == (2, 3)  # at least one update kept


def test_defaults_seed_0_and_10000_steps():
    X, t = ffnn.datasets.xor(labels="pm1")
    r = ffnn.perceptron.train(X, t)
    assert (r.converged, r.steps) == (False, 10_000)
    np.testing.assert_array_equal(r.trajectory[0], np.random.default_rng(0).normal(size=3))


def test_labels_as_a_column_and_boolean_labels():
    X, t01 = ffnn.datasets.and_()
    a = ffnn.perceptron.train(X, t01, seed=4)  # (4, 1) labels 1/0
    b = ffnn.perceptron.train(X, np.where(np.ravel(t01) > 0, 1.0, -1.0), seed=4)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    assert a.converged and mistakes(a.weights, X, 2 * np.ravel(t01) - 1).size == 0


def message(call, *args, **kwargs):
    with pytest.raises(ValueError) as err:
        call(*args, **kwargs)
    return str(err.value)


XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(t=[1, -1]), "t must hold one label per sample (4), got 2"),
        (dict(t=[0, 1, 2, 1]), "labels must be +1/-1 (or 1/0), got values [0.0, 1.0, 2.0]"),
        (dict(t=[-1, 0, 1, 1]), "labels must be +1/-1 (or 1/0), got values [-1.0, 0.0, 1.0]"),
        (dict(t=[1, -1, 1, -1], max_steps=0), "max_steps must be an integer >= 1, got 0"),
        (
            dict(t=[1, -1, 1, -1], w0=[0.0, 1.0]),
            "w0 must hold 3 finite numbers [w_0 (bias), w_1, ...]",
        ),
        (
            dict(t=[1, -1, 1, -1], w0=[0.0, np.nan, 1.0]),
            "w0 must hold 3 finite numbers [w_0 (bias), w_1, ...]",
        ),
    ],
)
def test_train_errors_say_what_was_expected(kwargs, expected):
    assert message(ffnn.perceptron.train, XOR_X, **kwargs) == expected


def test_bad_inputs_name_the_argument():
    X3 = np.zeros((2, 2, 2))
    expected = "X must be 2-D (n_samples, n_features), got shape (2, 2, 2)"
    assert message(ffnn.perceptron.train, X3, [1, -1]) == expected
    assert message(ffnn.perceptron.predict, [1.0, 2.0, 3.0], X3) == expected
    expected = "w must hold 3 numbers [w_0 (bias), w_1, ...], got 2"
    assert message(ffnn.perceptron.predict, [1.0, 2.0], XOR_X) == expected
    assert message(ffnn.perceptron.hyperplane, [3.0, 0.0, 0.0]) == "w[1:] is zero: no hyperplane"


def test_predict_is_plus_one_on_the_hyperplane_and_takes_any_shape_of_w():
    # w = [-1, 1, 0]: the line x1 = 1; x1 = 1 exactly is on it (+1), x1 < 1 is -1
    X = np.array([[1.0, 5.0], [0.0, 0.0], [2.0, -1.0]])
    assert ffnn.perceptron.predict([-1, 1, 0], X).tolist() == [1, -1, 1]
    assert ffnn.perceptron.predict(np.array([[-1.0], [1.0], [0.0]]), X).tolist() == [1, -1, 1]


def test_hyperplane_of_a_unit_normal_and_of_a_column():
    normal, dist = ffnn.perceptron.hyperplane([2.0, 0.0, 1.0])  # ||w[1:]|| = 1: x2 = -2
    np.testing.assert_array_equal(normal, [0.0, 1.0])
    assert dist == -2.0
    normal, dist = ffnn.perceptron.hyperplane(np.array([[-2], [3], [4]]))
    assert normal.shape == (2,) and dist == pytest.approx(0.4)


def test_hyperplane_works_in_double_precision_whatever_the_input():
    w = np.array([0.1, 0.3, 0.7], dtype=np.float32)
    normal, dist = ffnn.perceptron.hyperplane(w)
    w64 = w.astype(np.float64)  # the float32 values, then double arithmetic
    norm = np.sqrt(w64[1] ** 2 + w64[2] ** 2)
    assert normal.dtype == np.float64
    np.testing.assert_allclose(normal, w64[1:] / norm, rtol=1e-15)
    assert dist == pytest.approx(-w64[0] / norm, rel=1e-15)
    assert abs(dist - np.float32(-w[0] / np.float32(norm))) > 1e-12  # float32 would differ
