"""Notebook 09's widget logic (ffnn.widgets.regularization), called headless.

conftest.py sets MPLBACKEND=Agg before matplotlib is imported.
"""

import numpy as np
import pytest
from ffnn.widgets import regularization as rw


@pytest.fixture(scope="module")
def sine():
    return rw.regression_data()


def test_large_net_overfits_few_noisy_points(sine):
    X, T, Xv, Tv = sine
    net, h = rw.fit_curve(X, T, validation=(Xv, Tv))
    assert h.loss[-1] < 0.5 * 0.25**2 / 2  # below the noise floor: it fits the noise
    assert h.val_loss[-1] > 1.5 * min(h.val_loss)  # validation loss rose again


def test_weight_decay_shrinks_the_weights_and_helps_validation(sine):
    X, T, Xv, Tv = sine
    runs = {lam: rw.fit_curve(X, T, lam=lam, validation=(Xv, Tv)) for lam in (0.0, 1e-2, 1.0)}
    norms = [rw.weight_norm(runs[lam][0]) for lam in (0.0, 1e-2, 1.0)]
    assert norms[0] > norms[1] > norms[2]
    val = {lam: runs[lam][1].val_loss[-1] for lam in runs}
    assert val[1e-2] < val[0.0]
    assert runs[1.0][1].loss[-1] > runs[0.0][1].loss[-1]  # too much decay underfits


def test_early_stopping_restores_the_best_weights(sine):
    X, T, Xv, Tv = sine
    net, h = rw.fit_curve(X, T, validation=(Xv, Tv), early_stopping=100)
    assert h.stopped_early and len(h.loss) < 3000
    assert net.loss(Xv, Tv) == pytest.approx(min(h.val_loss))


def test_jitter_copies_inputs_with_noise():
    X, T = np.zeros((5, 1)), np.arange(5.0).reshape(-1, 1)
    Xn, Tn = rw.jitter(X, T, copies=4, sigma=0.1, seed=0)
    assert Xn.shape == (20, 1) and Tn.shape == (20, 1)
    np.testing.assert_array_equal(Tn[5:10], T)
    assert 0.05 < Xn.std() < 0.2


def test_regularization_figure_titles_lambda_and_draws_the_fit():
    fig = rw.regularization_figure(lam=0.01, epochs=50)
    X, T, Xv, Tv = rw.regression_data(12, noise=0.25, seed=0)
    net, h = rw.fit_curve(X, T, lam=0.01, epochs=50, validation=(Xv, Tv), seed=0)
    title = fig.axes[0].get_title()
    assert "= 0.01" in title and f"= {rw.weight_norm(net):.3g}" in title
    train, val = fig.axes[1].lines
    np.testing.assert_array_equal(train.get_ydata(), h.loss)  # the curves of that very fit
    np.testing.assert_array_equal(val.get_ydata(), h.val_loss)
    assert len(h.loss) == 50
    np.testing.assert_array_equal(fig.axes[0].lines[-1].get_ydata(), net.forward(rw.GRID)[:, 0])


def test_regularization_ui_refits_when_lambda_moves():
    ui = rw.regularization_ui(epochs=50)
    assert "λ" in ui.controls["lam"].description
    assert "= 0.0001" in ui.view.ax.get_title()
    fitted = ui.view.fitted
    ui.controls["lam"].value = 1.0
    assert "= 1," in ui.view.ax.get_title() and ui.view.fitted is fitted
    norm = float(ui.view.ax.get_title().rsplit("= ", 1)[1])
    X, T, Xv, Tv = rw.regression_data(12, noise=0.25, seed=0)
    net, _ = rw.fit_curve(X, T, lam=1.0, epochs=50, validation=(Xv, Tv), seed=0)
    assert norm == pytest.approx(rw.weight_norm(net), rel=1e-2)


def test_each_lambda_is_fitted_once():
    ui = rw.regularization_ui(epochs=30)
    fits = ui.view.fits
    grid = rw.log_grid(*rw.LAMBDA)
    assert len(grid) == 11 and grid[0] == pytest.approx(1e-5) and grid[-1] == 1.0
    ui.controls["lam"].value = 10**-3.5
    ui.controls["lam"].value = 1e-4
    ui.controls["lam"].value = 0.00031622776601683783  # 10**-3.5 as the browser computes it
    assert fits.computed == 2
    ui.view.look_ahead(1e-4)  # what the widget starts in JupyterLab: the rest, nearest first
    fits.wait(timeout=300)
    assert all(lam in fits for lam in grid) and fits.computed == len(grid)
