"""Notebook 10 (and the learning curves of 06-08): evaluating a trained classifier.

``curves_figure`` draws learning curves of ffnn.train histories; ``confusion_figure`` shows
a confusion matrix (ffnn.metrics.confusion_matrix) and ``misclassified_figure`` the inputs
the network got wrong.

Lectures: 002 (Drchal) training/validation/test sets, learning curves, early stopping.
"""

import numpy as np


def curves_figure(histories, keys=("loss", "val_loss"), logy=True):
    """One panel per key (e.g. loss, val_loss), one line per labelled History."""
    import matplotlib.pyplot as plt

    keys = [k for k in keys if any(len(h[k]) for h in histories.values())]
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.6), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for label, h in histories.items():
            epochs = np.arange(1, len(h[key]) + 1)
            ax.plot(epochs, h[key], label=label)
        if logy:
            ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel=key, title=key.replace("_", " "))
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def confusion_figure(C, ax=None):
    """A confusion matrix C (ffnn.metrics.confusion_matrix) as an image, counts written in."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    ax.imshow(C, cmap="Blues")
    for i, j in np.ndindex(C.shape):
        if C[i, j]:
            color = "w" if C[i, j] > C.max() / 2 else "k"
            ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7, color=color)
    k = C.shape[0]
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true")
    return ax


def misclassified_figure(X, labels, pred, max_images=16, cols=8):
    """The first ``max_images`` misclassified inputs as 8x8 images, titled true -> predicted."""
    import matplotlib.pyplot as plt

    wrong = np.flatnonzero(np.asarray(labels) != np.asarray(pred))[:max_images]
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.4 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong, strict=False):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{labels[i]} → {pred[i]}", fontsize=9)
    fig.tight_layout()
    return fig
