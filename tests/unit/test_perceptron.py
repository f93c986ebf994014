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
