"""Lesson 8, section 2: can the ten outputs be read as probabilities?

Lesson 6 warned that the paper's sigmoid outputs are not probabilities: each a^L_i is squashed
into (0, 1) on its own, so the ten need not add up to 1. Softmax outputs always do. Adding up to
1 is not enough, though: "the network says 0.9" should come true about 9 times in 10.
:func:`calibration` checks that on images the network has not seen.
"""
from __future__ import annotations

import numpy as np

from ..training import outputs

CONFIDENCE_EDGES = (0.0, 0.5, 0.8, 0.95, 0.99, 1.0)


def output_sums(net, X):
    """sum_i a^L_i for every column of X."""
    return np.concatenate([a.sum(axis=0) for a in outputs(net, np.asarray(X))])


def calibration(net, X, y, edges=CONFIDENCE_EDGES):
    """How often the network is right, grouped by how sure it says it is.

    The confidence of an answer is its largest output, max_i a^L_i. Returns rows (low, high,
    images, mean confidence, fraction right) for each group low <= confidence < high (the last
    group includes 1). For outputs that are probabilities the last two agree.
    """
    a = np.concatenate(list(outputs(net, np.asarray(X))), axis=1)
    confidence, right = a.max(axis=0), np.argmax(a, axis=0) == np.asarray(y)
    group = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for k in range(len(edges) - 1):
        inside = group == k
        if inside.any():
            rows.append((edges[k], edges[k + 1], int(inside.sum()),
                         float(confidence[inside].mean()), float(right[inside].mean())))
    return rows
