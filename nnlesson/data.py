"""MNIST as the lessons use it: 60,000 training and 10,000 test digits (lesson 2 shows one).

:func:`load_mnist` gives a :class:`Dataset`: images as columns, the paper's x, with pixels in
[0, 1], and labels as digits 0..9. ``load_mnist(validation=True)`` holds the last 10,000
training images out as a validation set (``X_val``, ``y_val``), to choose settings on without
looking at the test set. The Dataset checks its arrays where they enter, so a label
outside 0..9 or a NaN pixel is said at once, not found after an epoch of training.

Where the four files come from, how they are checked and cached: :mod:`nnlesson.mnist_files`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mnist_files import DataError, data_dir, load_raw, verify  # noqa: F401 (the public API)

N_TRAIN, N_TEST = 60_000, 10_000  # MNIST's training and test images (the paper trains on all)
N_VAL = 10_000  # the last training images, held out by load_mnist(validation=True)


@dataclass
class Dataset:
    """Images as columns (the paper's x, pixel values in [0, 1]) and labels as digits 0..9.

    ``X_train`` has shape (784, 60000). In memory it is the transpose of an image-per-row array,
    so that a mini-batch of columns is one contiguous copy (``training.py`` relies on this).
    ``X_val`` and ``y_val``, a validation set held out of the training images, are None unless
    given (``load_mnist(validation=True)`` gives them); give both or neither.
    """
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None

    def __post_init__(self):
        """Check the arrays here, where data enters: a bad label or a NaN pixel found later costs a
        whole epoch, or trains silently (-1 indexes digit 9). Whole-number float labels (as a CSV
        gives them) are taken as integers; anything else wrong is a ValueError naming the array."""
        self.y_train, self.y_test = _labels(self.y_train, "y_train"), _labels(self.y_test, "y_test")
        self.X_train = _images(self.X_train, "X_train", self.y_train)
        self.X_test = _images(self.X_test, "X_test", self.y_test)
        if (self.X_val is None) != (self.y_val is None):
            given = "X_val" if self.y_val is None else "y_val"
            raise ValueError(f"{given} was given without "
                             f"{'y_val' if given == 'X_val' else 'X_val'}. Fix: give a "
                             f"validation set's images and labels together, or neither")
        if self.X_val is not None:
            self.y_val = _labels(self.y_val, "y_val")
            self.X_val = _images(self.X_val, "X_val", self.y_val)
        for name in ("X_test", "X_val"):
            X = getattr(self, name)
            if X is not None and X.shape[0] != self.X_train.shape[0]:
                raise ValueError(f"{name} has {X.shape[0]} pixels per image but X_train has "
                                 f"{self.X_train.shape[0]}. Fix: give every set images of one "
                                 f"size")

    def subset(self, n_train=None, n_test=None):
        """The first n_train training and n_test test examples (for quick runs in lessons).

        A validation set, if there is one, is kept whole."""
        # Slices of arrays already checked: no second check (30 ms on the whole set, per run).
        subset = object.__new__(Dataset)
        subset.X_train, subset.y_train = self.X_train[:, :n_train], self.y_train[:n_train]
        subset.X_test, subset.y_test = self.X_test[:, :n_test], self.y_test[:n_test]
        subset.X_val, subset.y_val = self.X_val, self.y_val
        return subset

    def __repr__(self):
        val = "" if self.X_val is None else f", {self.X_val.shape[1]} validation"
        return (f"Dataset({self.X_train.shape[1]} training{val} and {self.X_test.shape[1]} test "
                f"images of {self.X_train.shape[0]} pixels, {self.X_train.dtype})")


def _labels(y, name):
    """``y`` as int64 digits 0..9, or a ValueError saying which label is wrong and where."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} has shape {y.shape}; expected one label per image, shape (n,)")
    if np.issubdtype(y.dtype, np.floating):
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            i = np.flatnonzero(~whole)[0]
            raise ValueError(f"{name} holds a label that is not a whole number: {y[i]} at index "
                             f"{i}. Fix: a label is the digit 0..9 its image shows")
    elif not np.issubdtype(y.dtype, np.integer):  # bool, text, objects
        raise ValueError(f"{name} holds {y.dtype} values; expected integer labels 0..9")
    outside = (y < 0) | (y > 9)
    if outside.any():
        i = np.flatnonzero(outside)[0]
        raise ValueError(f"{name} holds labels outside 0..9: {y[i]} at index {i}. "
                         f"Fix: a label is the digit 0..9 its image shows")
    return y.astype(np.int64, copy=False)


def _images(X, name, y):
    """``X`` checked: one float image per column, as many as labels, every pixel finite."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} has shape {X.shape}; expected one image per column, "
                         f"shape (pixels, images)")
    if not np.issubdtype(X.dtype, np.floating):
        raise ValueError(f"{name} holds {X.dtype} values; expected pixels in [0, 1] as floats. "
                         f"Fix: scale them, e.g. X / 255")
    label_name = "y" + name[1:]
    if X.shape[1] != len(y):
        raise ValueError(f"{name} has {X.shape[1]} images (columns) but {label_name} has "
                         f"{len(y)} labels. Fix: give one label per image")
    # One sum finds any NaN or infinity (they survive it) without a mask as large as X; only a
    # sum that overflows or is not finite pays for the exact search.
    with np.errstate(over="ignore", invalid="ignore"):
        if not np.isfinite(X.sum()):
            bad = np.argwhere(~np.isfinite(X))
            if len(bad):
                pixel, image = bad[0]
                raise ValueError(f"{name} holds {X[pixel, image]} at pixel {pixel} of image "
                                 f"{image}. Fix: repair or drop that image")
    return X


def load_mnist(dtype=np.float32, mirrors=None, progress=True, validation=False):
    """The whole MNIST as a :class:`Dataset`, pixels scaled to [0, 1] in ``dtype``.

    By default, as in the paper, 60,000 training and 10,000 test images. With
    ``validation=True`` the last 10,000 training images are held out: ``X_train`` and
    ``y_train`` are the first 50,000, and ``X_val`` and ``y_val`` the 10,000 held out, to
    compare settings on, so that the test set stays unseen until the end. The test set is the
    same either way.
    """
    if not isinstance(validation, (bool, np.bool_)):
        raise ValueError(f"validation must be True or False, got {validation!r}. Fix: "
                         f"load_mnist(validation=True) holds the last {N_VAL:,} training "
                         f"images out")
    raw = load_raw(mirrors=mirrors, progress=progress)
    scale = np.asarray(1 / 255, dtype=dtype)

    def images(a):  # (n, 28, 28) uint8 -> (784, n) columns, stored image-per-row
        return (a.reshape(len(a), -1) * scale).T
    X, y = images(raw["train_images"]), raw["train_labels"]  # labels become int64
    if not validation:
        return Dataset(X, y, images(raw["test_images"]), raw["test_labels"])
    keep = X.shape[1] - N_VAL
    # Column slices of an image-per-row array stay image-per-row: no copy (training.py).
    return Dataset(X[:, :keep], y[:keep], images(raw["test_images"]), raw["test_labels"],
                   X[:, keep:], y[keep:])
