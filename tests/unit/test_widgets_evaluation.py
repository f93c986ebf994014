"""Notebook 10's widget logic (ffnn.widgets.evaluation), called headless.

conftest.py sets MPLBACKEND=Agg before matplotlib is imported.
"""

import numpy as np
from ffnn import metrics
from ffnn.widgets import evaluation as ew


def test_confusion_figure_writes_the_counts():
    C = metrics.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
    ax = ew.confusion_figure(C)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "2"]  # zeros left blank
    np.testing.assert_array_equal(ax.images[0].get_array(), C)


def test_misclassified_figure_shows_only_the_errors():
    X = np.random.default_rng(0).random((6, 64))
    fig = ew.misclassified_figure(X, [1, 2, 3, 4, 5, 6], [1, 0, 3, 0, 5, 0])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["2 → 0", "4 → 0", "6 → 0"]


def test_curves_figure_one_panel_per_key_one_line_per_run():
    H = {
        "fit": {"loss": [1.0, 0.5, 0.2], "accuracy": [0.5, 0.7, 0.9], "val_loss": []},
        "validation": {"loss": [1.1, 0.7, 0.6], "accuracy": [0.4, 0.6, 0.8], "val_loss": []},
        "no accuracy": {"loss": [0.9, 0.4], "accuracy": [], "val_loss": []},
    }
    fig = ew.curves_figure(H, keys=("loss", "accuracy", "val_loss"), logy=False)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]  # val_loss: no data
    assert [len(ax.lines) for ax in fig.axes] == [3, 3]
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [1.1, 0.7, 0.6])
