"""Classification metrics: predicted classes, accuracy, class labels, confusion matrix.

Lectures: 000 (Rossi) "output units" (a sigmoid output read as P(class 1), so the class
is y >= 1/2; softmax outputs read as class probabilities, so the class is the argmax).
"""

import numpy as np


def is_classifier(net):
    """True for a sigmoid or softmax output layer (whose outputs read as class probabilities)."""
    return net.output in ("sigmoid", "softmax")


def class_labels(T, n_outputs):
    """Integer labels from one-hot rows, a (n, 1) 0/1 column, or a 1-D label vector."""
    T = np.asarray(T)
    if T.ndim == 2 and T.shape[1] > 1:
        return T.argmax(axis=1)
    T = T.ravel()
    if n_outputs == 1:
        return (T >= 0.5).astype(np.int64) if T.min() >= 0 else (T >= 0).astype(np.int64)
    return T.astype(np.int64)


def classes(Y, output):
    """Classes from outputs Y: the argmax of several outputs; of one output, y >= 0.5
    (sigmoid) or y >= 0 (any other output unit)."""
    if Y.shape[1] > 1:
        return Y.argmax(axis=1)
    threshold = 0.5 if output == "sigmoid" else 0.0
    return (Y[:, 0] >= threshold).astype(np.int64)


def predict(net, X):
    """The class of every row of X under ``net`` (see classes)."""
    return classes(net.forward(X), net.output)


def accuracy(net, X, T):
    """Fraction of rows whose predicted class matches T (labels, one-hot or 0/1 targets)."""
    return float(np.mean(predict(net, X) == class_labels(T, net.sizes[-1])))


def confusion_matrix(labels, pred, n_classes=None):
    """C[i, j] = number of samples of true class i predicted as class j."""
    labels, pred = np.asarray(labels, np.int64), np.asarray(pred, np.int64)
    if labels.shape != pred.shape:
        raise ValueError(
            f"labels and pred must have the same shape, got {labels.shape}, {pred.shape}"
        )
    k = n_classes or int(max(labels.max(), pred.max()) + 1)
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (labels, pred), 1)
    return C
