"""ffnn.metrics: classes from outputs, class labels from targets, accuracy, confusion matrix."""

import ffnn
import numpy as np
import pytest
from ffnn import metrics


def test_classes_threshold_one_output_and_take_the_argmax_of_several():
    Y = np.array([[0.2], [0.5], [0.9]])
    np.testing.assert_array_equal(metrics.classes(Y, "sigmoid"), [0, 1, 1])
    np.testing.assert_array_equal(metrics.classes(Y - 0.5, "identity"), [0, 1, 1])  # y >= 0
    P = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    np.testing.assert_array_equal(metrics.classes(P, "softmax"), [1, 0])


@pytest.mark.parametrize(
    "T, n_outputs, expected",
    [
        (np.array([[0, 0, 1], [1, 0, 0]]), 3, [2, 0]),  # one-hot rows
        (np.array([[0.0], [1.0], [1.0]]), 1, [0, 1, 1]),  # a 0/1 column
        (np.array([[-1.0], [1.0]]), 1, [0, 1]),  # a -1/+1 column
        (np.array([2, 0, 1]), 3, [2, 0, 1]),  # a label vector
    ],
)
def test_class_labels(T, n_outputs, expected):
    np.testing.assert_array_equal(metrics.class_labels(T, n_outputs), expected)


def test_predict_and_accuracy_are_what_the_network_delegates_to():
    X, T = ffnn.datasets.moons(n=40, seed=0)
    net = ffnn.MLP([2, 6, 1], seed=1)
    np.testing.assert_array_equal(net.predict(X), metrics.predict(net, X))
    assert net.accuracy(X, T) == metrics.accuracy(net, X, T)
    assert metrics.accuracy(net, X, T) == np.mean(metrics.predict(net, X) == T.ravel())
    assert metrics.is_classifier(net)
    assert not metrics.is_classifier(ffnn.MLP([2, 1], output="identity"))


def test_confusion_matrix_counts():
    C = metrics.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [0, 0, 2]])
    assert metrics.confusion_matrix([0, 1], [1, 1]).shape == (2, 2)
    with pytest.raises(ValueError, match="same shape"):
        metrics.confusion_matrix([0, 1], [0])
