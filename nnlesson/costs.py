"""What the network is measured against: the expected output y, and the cost (lessons 3 and 8).

:func:`one_hot` turns a label into the paper's y, a column with 1 at the label; :func:`cost` is
the batch mean of C_t, the paper's quadratic cost by default, or cross-entropy; :func:`softmax`
is the output layer that makes the outputs add up to 1. ``network.py`` uses all three.
"""
from __future__ import annotations

import numpy as np

from .checks import check_cost_output


def softmax(z):
    """a_i = e^(z_i) / sum_j e^(z_j) down each column; z - max(z) first, so e^z cannot overflow."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def cost(a, y, kind="quadratic", output="sigmoid"):
    """The mean over the batch's columns of C_t: quadratic sum_i (a_i - y_i)^2; cross-entropy
    -sum_i [y_i ln a_i + (1 - y_i) ln(1 - a_i)] for sigmoid outputs, and for softmax outputs the
    log-likelihood -sum_i y_i ln a_i (Nielsen calls it cross-entropy too). a is clipped to within
    epsilon of 0 and 1, so a saturated output gives a large cost, not ln 0 = -inf."""
    check_cost_output(kind, output)
    a, y = np.asarray(a), np.asarray(y)
    m = a.shape[1] if a.ndim == 2 else 1
    if kind == "quadratic":
        return float(np.sum((a - y) ** 2) / m)
    eps = np.finfo(a.dtype if a.dtype.kind == "f" else np.float64).eps
    a = np.clip(a, eps, 1.0 - eps)
    total = np.sum(y * np.log(a))
    if output == "sigmoid":
        total += np.sum((1.0 - y) * np.log(1.0 - a))
    return float(-total / m)


def one_hot(y, n=10):
    """The paper's expected output y: a column with 1 at the label and 0 elsewhere, per example."""
    y = np.asarray(y)
    Y = np.zeros((n, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y
