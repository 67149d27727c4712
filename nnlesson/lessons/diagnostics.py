"""After training: where the network goes wrong, what its first layer looks for, and how the run
compares with the paper (lesson 6).

Every function takes a trained :class:`~nnlesson.network.Network` (or what one computed) and
returns plain numbers or a figure, so the dashboard can draw them and a test can check them.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..data import N_TRAIN
from ..network import PAPER_SIZES
from ..paper import BEST_TEN_EPOCHS, paper_accuracy
from .plots import new_figure


def confusion_matrix(net, X, y):
    """``counts[i, j]``: how many examples of digit i the network calls j.

    The diagonal holds the right answers; every other cell is one kind of mistake, such as a 4
    taken for a 9. Each row adds up to the number of examples of that digit.
    """
    y = np.asarray(y)
    n = net.sizes[-1]
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y, net.predict(X)), 1)
    return counts


def confusion_figure(counts):
    """The confusion matrix as a picture. Colour shows only the mistakes (off the diagonal):
    the right answers are so many more that they would leave every mistake the same pale colour.
    """
    counts = np.asarray(counts)
    n = len(counts)
    mistakes = counts * (1 - np.eye(n, dtype=int))
    fig = new_figure(4.6, 4.2)
    ax = fig.subplots()
    image = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=max(1, mistakes.max()))
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7,
                        color=_ink(image.to_rgba(mistakes[i, j])),
                        fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(n), yticks=range(n), xlabel="the network's answer", ylabel="true digit",
           title=f"{np.trace(counts):,} of {counts.sum():,} right")
    return fig


def _ink(rgba):
    """White on a dark cell, black on a light one: the cell's luminance (ITU-R BT.709) decides."""
    r, g, b = rgba[:3]
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "black"


class Mistake(NamedTuple):
    index: int          # column of X
    true: int
    predicted: int
    confidence: float   # a^L of the predicted neuron, 0..1


def mistakes(net, X, y, k=16):
    """The ``k`` wrong answers the network was surest of, surest first.

    "Sure" is the activation a^L_j of the output neuron j it chose, between 0 and 1. The
    paper's sigmoid outputs are not probabilities (they need not add up to 1), so 0.95 means
    "neuron j fires almost fully", not "95 % likely".
    """
    a = net.feedforward(X)
    predicted = np.argmax(a, axis=0)
    confidence = a[predicted, np.arange(a.shape[1])]
    wrong = np.flatnonzero(predicted != np.asarray(y))
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:k]
    return [Mistake(int(i), int(y[i]), int(predicted[i]), float(confidence[i])) for i in wrong]


def gallery_figure(X, found, cols=8):
    """The misclassified digits, each labelled "true -> answer (confidence)".

    Drawn as one mosaic image with labels on top, rather than one small plot per digit, which
    would take several times longer to draw.
    """
    X = np.asarray(X)
    rows = max(1, math.ceil(len(found) / cols))
    fig = new_figure(1.1 * cols, 1.3 * rows + 0.3)
    ax = fig.subplots()
    ax.axis("off")
    if not found:
        ax.text(0.5, 0.5, "no mistakes to show", ha="center", va="center", color="gray")
        return fig
    images = [X[:, m.index].reshape(28, 28) for m in found]
    gap = 9  # room for the labels
    ax.imshow(tile(images, cols, scaled=False, gap=gap), cmap="gray_r", vmin=0, vmax=1)
    for k, m in enumerate(found):
        r, c = divmod(k, cols)
        label = f"{m.true} \u2192 {m.predicted} ({m.confidence:.2f})"
        ax.text(c * (28 + gap) + 13.5, r * (28 + gap) - 1, label, ha="center", va="bottom",
                fontsize=8)
    ax.set_title("wrong answers, surest first: true \u2192 answer (confidence)", fontsize=9,
                 pad=14)
    return fig


def hidden_weight_images(net, shape=(28, 28)):
    """The first hidden layer's weights as pictures: image j is row j of W[1].

    Neuron j of layer 1 computes z_j = sum_k w^1_(j,k) x_k + b^1_j, one weight per pixel k, so
    its 784 weights laid out like the image show which pixels push it up (positive) or down.
    """
    if net.sizes[0] != shape[0] * shape[1]:
        raise ValueError(f"the network has {net.sizes[0]} inputs, not the {shape[0]}x{shape[1]} "
                         f"pixels of an image")
    return net.W[1].reshape(-1, *shape)


def tile(images, cols, scaled=True, gap=1):
    """Images (n, h, w) laid out in a grid with ``cols`` columns, ``gap`` pixels of NaN between.

    A NaN gap draws as background. With ``scaled``, each image is divided by its own largest
    absolute value, so that every neuron's pattern of weights shows, however large or small.
    """
    images = np.asarray(images, dtype=float)
    n, h, w = images.shape
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    grid = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for k, image in enumerate(images):
        scale = np.max(np.abs(image)) if scaled else 1.0
        top, left = (h + gap) * (k // cols), (w + gap) * (k % cols)
        grid[top:top + h, left:left + w] = (
            image / scale if scale > 0 else image)
    return grid


def weights_figure(net, cols=8):
    """Every first-layer neuron's 784 weights as a 28x28 image: red pushes up, blue down."""
    images = hidden_weight_images(net)
    fig = new_figure(1.0 * min(cols, len(images)) + 0.6, 1.0 * math.ceil(len(images) / cols) + 0.4)
    ax = fig.subplots()
    ax.imshow(tile(images, cols), cmap="RdBu_r", vmin=-1, vmax=1)
    ax.axis("off")
    ax.set_title(f"the {len(images)} neurons of layer 1: each one's weights $w^1$, pixel by pixel",
                 fontsize=9)
    return fig


def paper_number(settings):
    """The paper's accuracy for exactly this experiment, or None when it did not run it.

    The paper's tables are one epoch of all 60,000 images with the 784-32-16-10 network; its
    text adds ten epochs at batch size 20 and learning rate 0.9.
    """
    if settings.sizes != PAPER_SIZES or settings.n_train != N_TRAIN:
        return None
    if settings.epochs == 1:
        return paper_accuracy(settings.batch_size, settings.lr)
    best = BEST_TEN_EPOCHS
    if (settings.batch_size, settings.lr, settings.epochs) == best[:3]:  # (20, 0.9, 10)
        return best.accuracy
    return None


def paper_comparison(settings, accuracy):
    """One sentence: this run's test accuracy beside the paper's for the same setting, if any."""
    ours = f"this run: {accuracy:.2f} %"
    same = paper_number(settings)
    if same is not None:
        return f"{ours}; the paper, same setting: {same:.2f} %"
    table = paper_accuracy(settings.batch_size, settings.lr)
    if table is None:
        return (f"{ours}; the paper has no number for batch size {settings.batch_size} and "
                f"learning rate {settings.lr:g} (it tried batch sizes 5 to 100 in steps of 5, "
                f"learning rates 0.05 to 1 in steps of 0.05 and 1 to 20 in steps of 1)")
    return (f"{ours}; the paper got {table:.2f} % at batch size {settings.batch_size} and "
            f"learning rate {settings.lr:g} with one epoch of all {N_TRAIN:,} images and a "
            f"{'-'.join(map(str, PAPER_SIZES))} network, a different experiment from this "
            f"run's: {', '.join(_differences(settings))}")


def _differences(settings):
    """What this run does that the paper's one-epoch tables did not, in words."""
    found = []
    if settings.sizes != PAPER_SIZES:
        found.append(f"a {'-'.join(map(str, settings.sizes))} network")
    if settings.n_train != N_TRAIN:
        found.append(f"{settings.n_train:,} images")
    if settings.epochs != 1:
        found.append(f"{settings.epochs} epochs")
    return found
