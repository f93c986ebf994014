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


class FakeNet:
    """A network stand-in: fixed outputs Y whatever X, an output unit and layer sizes."""

    def __init__(self, Y, output, sizes):
        self.Y, self.output, self.sizes = np.asarray(Y, dtype=float), output, sizes

    def forward(self, X):
        assert X == "X"
        return self.Y


@pytest.mark.parametrize(
    "output, expected",
    [("sigmoid", True), ("softmax", True), ("identity", False), ("tanh", False)],
)
def test_is_classifier_for_sigmoid_and_softmax_outputs_only(output, expected):
    assert metrics.is_classifier(FakeNet([[0.0]], output, [1, 1])) is expected


@pytest.mark.parametrize(
    "T, n_outputs, expected",
    [
        ([[0, 1], [1, 0], [0, 1]], 2, [1, 0, 1]),  # one-hot rows, two classes
        ([[0.5], [0.49], [0.0], [1.0]], 1, [1, 0, 0, 1]),  # 0/1 targets: class 1 at >= 0.5
        ([[-1.0], [0.0], [1.0]], 1, [0, 1, 1]),  # negative targets: class 1 at >= 0
        ([-0.5, 0.25], 1, [0, 1]),
        ([0.0, 0.0], 1, [0, 0]),
        ([[1], [1]], 1, [1, 1]),
        ([2.0, 0.0, 1.0], 3, [2, 0, 1]),  # float labels become integers
        ([[2], [1]], 3, [2, 1]),  # a label column
    ],
)
def test_class_labels_are_int64(T, n_outputs, expected):
    got = metrics.class_labels(np.array(T), n_outputs)
    assert got.dtype == np.int64 and got.tolist() == expected


@pytest.mark.parametrize(
    "Y, output, expected",
    [
        ([[0.5], [0.4999], [1.0], [0.0]], "sigmoid", [1, 0, 1, 0]),
        ([[0.0], [-1e-9], [0.3], [2.0]], "identity", [1, 0, 1, 1]),
        ([[0.0], [-0.2], [0.3]], "tanh", [1, 0, 1]),
        ([[0.2, 0.8], [0.9, 0.1]], "sigmoid", [1, 0]),
        ([[-1.0, -3.0, -2.0]], "identity", [0]),
    ],
)
def test_classes_are_int64(Y, output, expected):
    got = metrics.classes(np.array(Y), output)
    assert got.dtype == np.int64 and got.tolist() == expected


def test_predict_and_accuracy_of_known_outputs():
    net = FakeNet([[0.7], [0.2], [0.5], [0.1]], "sigmoid", [3, 5, 1])
    assert metrics.predict(net, "X").tolist() == [1, 0, 1, 0]
    acc = metrics.accuracy(net, "X", np.array([[1.0], [1.0], [1.0], [0.0]]))
    assert type(acc) is float and acc == 0.75
    # one output unit: soft targets count as class 1 from 0.5 on (not truncated to 0)
    assert metrics.accuracy(net, "X", np.array([[0.9], [0.4], [0.5], [0.2]])) == 1.0
    soft = FakeNet([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], "softmax", [1, 4, 2])
    assert metrics.accuracy(soft, "X", np.array([1, 1, 1])) == pytest.approx(2 / 3)
    assert metrics.accuracy(soft, "X", np.array([[0, 1], [1, 0], [0, 1]])) == 1.0


def test_confusion_matrix_sizes_and_message():
    C = metrics.confusion_matrix([0, 1], [1, 1])
    assert C.dtype == np.int64 and C.tolist() == [[0, 1], [0, 1]]
    assert metrics.confusion_matrix([2, 0], [0, 0]).tolist() == [[1, 0, 0], [0, 0, 0], [1, 0, 0]]
    assert metrics.confusion_matrix([0], [3]).shape == (4, 4)
    C = metrics.confusion_matrix([1, 1, 0], [1, 1, 1], n_classes=3)
    assert C.tolist() == [[0, 1, 0], [0, 2, 0], [0, 0, 0]]
    assert metrics.confusion_matrix([1.0, 0.0], [1.0, 1.0]).tolist() == [[0, 1], [0, 1]]
    with pytest.raises(ValueError) as err:
        metrics.confusion_matrix([[0, 1]], [0, 1])
    assert str(err.value) == "labels and pred must have the same shape, got (1, 2), (2,)"
