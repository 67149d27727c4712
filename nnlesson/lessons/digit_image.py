"""A drawing made into the 28 x 28 image the network reads, the way MNIST made its digits.

Lesson 8 lets a learner draw a digit (``draw.py``). A network trained on MNIST has only ever seen
digits prepared in one way, so a drawing must be prepared in the same way, or the network fails
on it however well it reads the test set. LeCun, Cortes and Burges describe the recipe:

  1. crop the drawing to the bounding box of its ink;
  2. scale it to fit a 20 x 20 box, keeping its aspect (the long side becomes 20 pixels);
     the scaling averages the area each new pixel covers, which anti-aliases the edges into
     grey levels;
  3. place it in a 28 x 28 image so that its centre of mass is at the centre.

"The centre" is pixel (14, 14), counting rows and columns from 0 and putting each pixel's
centre at its index: MNIST's own test digits have their centre of mass at (13.99, 14.01) on
average, not at the geometric centre 13.5. The move is a whole number of pixels (no extra blur),
so the centre of mass lands within half a pixel of (14, 14), unless that would push ink off the
image (a very lopsided drawing): then it moves as far as the 28 x 28 frame allows.

Grey levels are in [0, 1], 0 for paper and 1 for ink, as ``load_mnist`` gives them.
"""
from __future__ import annotations

import numpy as np

BOX = 20      # the long side of the digit, in pixels
SIDE = 28     # the image the network reads is SIDE x SIDE
CENTRE = 14   # where the centre of mass goes (row and column), MNIST's convention above


def check_drawing(image):
    """``image`` as a float array of grey levels, or one ValueError saying what is wrong."""
    try:
        a = np.asarray(image, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"a drawing must be a 2-D array of grey levels in [0, 1], got "
                         f"{type(image).__name__}") from None
    if a.ndim != 2 or 0 in a.shape:
        hint = " (a flat MNIST image? use image.reshape(28, 28))" if a.shape == (784,) else ""
        raise ValueError(f"a drawing must be a 2-D array (rows, columns) of grey levels, got "
                         f"shape {a.shape}{hint}")
    if not np.all(np.isfinite(a)):
        raise ValueError("the drawing contains NaN or infinite values: grey levels must be "
                         "numbers in [0, 1]")
    if a.min() < 0 or a.max() > 1:
        raise ValueError(f"grey levels must be in [0, 1] (0 paper, 1 ink), got values from "
                         f"{a.min():g} to {a.max():g}: divide 0..255 pixels by 255")
    return a


def bounding_box(image):
    """(top, bottom, left, right), bottom and right excluded, around every inked pixel; None
    when there is no ink at all."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    if rows.size == 0:
        return None
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def area_weights(n_in, scale, n_out, offset):
    """The (n_out, n_in) matrix that resamples a line of ``n_in`` pixels by area averaging.

    Input pixel k covers [k, k + 1); it lands on [offset + k / scale, offset + (k + 1) / scale)
    in the output, where ``scale`` input pixels make one output pixel. Entry (j, k) is the share
    of output pixel j that input pixel k covers, so each output pixel is the mean of what it
    covers (paper where nothing does).
    """
    edges = offset + np.arange(n_in + 1) / scale          # where input pixels land
    lo, hi = edges[:-1], edges[1:]
    j = np.arange(n_out)[:, None]
    return np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0.0, None)


def fit_in_box(crop, box=BOX):
    """The cropped drawing scaled so that its long side is ``box`` pixels, aspect kept, in a
    ``box`` x ``box`` image, the short side centred."""
    h, w = crop.shape
    scale = max(h, w) / box                               # input pixels per output pixel
    rows = area_weights(h, scale, box, (box - h / scale) / 2)
    cols = area_weights(w, scale, box, (box - w / scale) / 2)
    return rows @ crop @ cols.T


def centre_of_mass(image):
    """(row, column) of the grey levels' centre of mass, pixel centres at their indices."""
    mass = image.sum()
    return (image.sum(axis=1) @ np.arange(image.shape[0]) / mass,
            image.sum(axis=0) @ np.arange(image.shape[1]) / mass)


def _shift(at, low, high):
    """The whole-pixel move that brings ``at`` nearest to CENTRE while the ink spanning
    [low, high) stays inside the image."""
    return int(np.clip(np.round(CENTRE - at), -low, SIDE - high))


def centre_by_mass(boxed):
    """``boxed`` (at most SIDE x SIDE) placed in a SIDE x SIDE image, its centre of mass at
    (CENTRE, CENTRE) as nearly as whole pixels allow."""
    h, w = boxed.shape
    top, left = (SIDE - h) // 2, (SIDE - w) // 2
    r, c = centre_of_mass(boxed)
    top_ink, bottom_ink, left_ink, right_ink = bounding_box(boxed)
    top += _shift(top + r, top + top_ink, top + bottom_ink)
    left += _shift(left + c, left + left_ink, left + right_ink)
    out = np.zeros((SIDE, SIDE))
    out[top:top + h, left:left + w] = boxed
    return out


def mnist_style(image):
    """The 28 x 28 image, grey levels in [0, 1], that MNIST's preprocessing makes of ``image``
    (a 2-D array of grey levels in [0, 1], any size). None when there is no ink to read."""
    image = check_drawing(image)
    box = bounding_box(image > 0)
    if box is None:
        return None
    top, bottom, left, right = box
    boxed = np.clip(fit_in_box(image[top:bottom, left:right]), 0.0, 1.0)  # rounding: 1 + 1e-16
    return centre_by_mass(boxed)
