"""Issue #12 in SymPy: why the cross-entropy's output delta is a^L - y, with sigma' gone.

For the quadratic cost, delta^L = dC/dz^L = 2 (a^L - y) o sigma'(z^L): when an output saturates
(sigma' near 0) it learns slowly even when it is badly wrong. The cross-entropy is chosen so that
sigma' cancels:
  * sigmoid outputs, C = -sum_i [y_i ln a_i + (1 - y_i) ln(1 - a_i)]: dC/dz_j = a_j - y_j;
  * softmax outputs, a_i = e^(z_i) / sum_k e^(z_k), with the log-likelihood C = -sum_i y_i ln a_i
    (Nielsen calls it cross-entropy too): dC/dz_j = a_j sum_i y_i - y_j, which is a_j - y_j
    because the targets add up to 1 (a one-hot label).
:func:`output_deltas` checks each claim exactly; :func:`backprop_agrees` puts numbers into the
cost and compares SymPy's derivative with ``Network.backprop`` for each cost and output.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..network import Network
from .sympy_tools import Check, same, sigma, sigmoid_exp


def _symbols(n):
    z = sp.symbols(f"z_0:{n}", real=True)
    y = sp.symbols(f"y_0:{n}", real=True)
    return z, y


def sigmoid_cross_entropy(y, a):
    return -sum(yi * sp.log(ai) + (1 - yi) * sp.log(1 - ai) for yi, ai in zip(y, a))


def log_likelihood(y, a):
    return -sum(yi * sp.log(ai) for yi, ai in zip(y, a))


def softmax(z):
    total = sum(sp.exp(zk) for zk in z)
    return [sp.exp(zi) / total for zi in z]


def output_deltas(n=3):
    """delta^L_j = dC/dz^L_j for each cost and output layer, against the claimed formula."""
    z, y = _symbols(n)
    s = [sigma(zi) for zi in z]
    quadratic = sum((si - yi) ** 2 for si, yi in zip(s, y))
    cross = sigmoid_cross_entropy(y, s)
    a = softmax(z)
    likelihood = log_likelihood(y, a)
    one_hot = {y[-1]: 1 - sum(y[:-1])}  # the targets add up to 1
    checks = []
    for j in range(n):
        checks += [
            Check(f"quadratic, sigmoid: delta_{j} keeps sigma'",
                  rf"\frac{{\partial C}}{{\partial z_{j}}} = 2(a_{j} - y_{j})\,\sigma'(z_{j})",
                  same(sp.diff(quadratic, z[j]), 2 * (s[j] - y[j]) * s[j] * (1 - s[j]))),
            Check(f"cross-entropy, sigmoid: sigma' cancels in delta_{j}",
                  rf"\frac{{\partial C}}{{\partial z_{j}}} = a_{j} - y_{j}",
                  same(sp.diff(cross, z[j]), s[j] - y[j])),
            Check(f"log-likelihood, softmax: delta_{j} for any targets",
                  rf"\frac{{\partial C}}{{\partial z_{j}}} = a_{j} \sum_i y_i - y_{j}",
                  same(sp.diff(likelihood, z[j]), a[j] * sum(y) - y[j])),
            Check(f"log-likelihood, softmax: delta_{j} when the targets add up to 1",
                  rf"\frac{{\partial C}}{{\partial z_{j}}} = a_{j} - y_{j}",
                  same(sp.diff(likelihood, z[j]).subs(one_hot), (a[j] - y[j]).subs(one_hot))),
        ]
    return checks


def backprop_agrees(cost="cross-entropy", output="sigmoid", sizes=(2, 3), seed=0):
    """SymPy's dC/db^1 of a one-layer network at random numbers, beside ``Network.backprop``.

    With one layer, dC/db^1 is delta^L itself, the line the cost changes. Returns the largest
    difference; SymPy evaluates to 30 digits, the network computes in float64 (about 1e-16).
    """
    net = Network(sizes, init="classic", seed=seed, cost=cost, output=output)
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(sizes[0], 1))
    y = np.eye(sizes[1])[:, [1]] if output == "softmax" else rng.uniform(size=(sizes[1], 1))
    z_values = net.W[1] @ x + net.b[1]
    z, y_sym = _symbols(sizes[1])
    a = softmax(z) if output == "softmax" else [sigmoid_exp(zi) for zi in z]
    C = {"quadratic": sum((ai - yi) ** 2 for ai, yi in zip(a, y_sym)),
         "cross-entropy": (log_likelihood(y_sym, a) if output == "softmax"
                           else sigmoid_cross_entropy(y_sym, a))}[cost]
    values = dict(zip(z, z_values.ravel())) | dict(zip(y_sym, y.ravel()))
    _, nabla_b = net.backprop(x, y)
    exact = [float(sp.diff(C, zj).evalf(30, subs=values)) for zj in z]
    return float(np.max(np.abs(np.array(exact) - nabla_b[1].ravel())))
