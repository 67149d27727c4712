"""Lesson 8, section 1: does the network learn digits, or the images it was shown?

A network is trained to do well on *unseen* images, but it is only ever shown the training
images. :func:`accuracy_curves` measures both after every epoch, so a learner can watch the two
part company when there are too few training images (overfitting). The lesson then does
what lesson 7 did not: it chooses the learning rate on the validation images and reads the test
score of that one choice, once.
"""
from __future__ import annotations

import numpy as np

from ..data import Dataset
from ..training import evaluate, train
from .plots import new_figure


def first_images(data, n):
    """The same data, but only the first ``n`` training images (the test and validation sets
    are kept whole: they are what the network is judged on)."""
    if not 1 <= n <= data.X_train.shape[1]:
        raise ValueError(f"n must be from 1 to {data.X_train.shape[1]:,}, got {n!r}")
    return Dataset(data.X_train[:, :n], data.y_train[:n], data.X_test, data.y_test,
                   data.X_val, data.y_val)


def accuracy_curves(net, data, epochs, batch_size, lr, seed=0, **options):
    """Train ``net`` in place; return (training accuracy, test accuracy) in %, one per epoch.

    The training accuracy is measured on *all* of ``data``'s training images, so keep that set
    small (:func:`first_images`). ``options`` go to ``train`` as they are.
    """
    seen = []

    def after_batch(progress):
        if progress.batch == progress.batches:  # the end of an epoch
            seen.append(evaluate(net, data.X_train, data.y_train))
    history = train(net, data, epochs, batch_size, lr, seed, callback=after_batch, **options)
    return np.array(seen), np.array(history.test_accuracy)


def gap_figure(curves, title="1,000 training images"):
    """Training and test accuracy against epochs, for one or more runs ``{label: (train,
    test)}``; the gap between a run's two lines is shaded."""
    fig = new_figure(7.5, 3.6)
    ax = fig.subplots()
    for (label, (seen, unseen)), colour in zip(curves.items(), ("C0", "C2", "C3", "C4")):
        epochs = np.arange(1, len(seen) + 1)
        ax.plot(epochs, seen, "-", color=colour, label=f"{label}: training images")
        ax.plot(epochs, unseen, "--", color=colour, label=f"{label}: test images")
        ax.fill_between(epochs, unseen, seen, color=colour, alpha=0.12)
    ax.set(xlabel="epoch", ylabel="accuracy (%)", title=title)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig

