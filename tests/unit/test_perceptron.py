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


def test_perceptron_is_reproducible_from_its_seed():
    X, t = ffnn.datasets.separable(n=100, dim=3, seed=0)
    a = ffnn.perceptron.train(X, t, seed=11)
    b = ffnn.perceptron.train(X, t, seed=11)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)


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
