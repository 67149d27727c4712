"""Lesson 5 in SymPy: the four equations of backpropagation on a network made of symbols.

:func:`network_gradient` checks every entry of delta^l and dC/dW^l against SymPy's own derivative
of the cost; :func:`backprop_agrees` puts numbers in and compares with ``Network.backprop``.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import sympy as sp

from ..network import Network
from .sympy_tools import Check, same, sigma

class SymbolicNetwork(NamedTuple):
    sizes: tuple
    W: list       # W[l] a SymPy Matrix of symbols w^l_(j,k); W[0] is None, as in Network
    b: list
    x: sp.Matrix
    y: sp.Matrix
    a: list       # [a^0, ..., a^L] as expressions in the symbols
    C: sp.Expr    # sum_i (a^L_i - y_i)^2


def symbolic_network(sizes=(2, 3, 2)):
    """A network of the given sizes whose every weight, bias, input and target is a symbol."""
    L = len(sizes) - 1
    W, b = [None], [None]
    for l in range(1, L + 1):
        W.append(sp.Matrix(sizes[l], sizes[l - 1], lambda j, k: sp.Symbol(f"w^{l}_{{{j},{k}}}")))
        b.append(sp.Matrix(sizes[l], 1, lambda j, _: sp.Symbol(f"b^{l}_{j}")))
    x = sp.Matrix(sizes[0], 1, lambda k, _: sp.Symbol(f"x_{k}"))
    y = sp.Matrix(sizes[L], 1, lambda i, _: sp.Symbol(f"y_{i}"))
    a = [x]
    for l in range(1, L + 1):
        a.append((W[l] * a[-1] + b[l]).applyfunc(sigma))
    C = sum((a[L][i] - y[i]) ** 2 for i in range(sizes[L]))
    return SymbolicNetwork(tuple(sizes), W, b, x, y, a, C)


def deltas(net):
    """delta^L = 2 (a^L - y) o sigma'(z^L), then delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l).

    sigma'(z^l) is written a^l o (1 - a^l), as in ``Network.backprop``.
    """
    L = len(net.sizes) - 1
    sigma_prime = [None] + [a.applyfunc(lambda s: s * (1 - s)) for a in net.a[1:]]
    delta = [None] * (L + 1)
    delta[L] = (2 * (net.a[L] - net.y)).multiply_elementwise(sigma_prime[L])
    for l in range(L - 1, 0, -1):
        delta[l] = (net.W[l + 1].T * delta[l + 1]).multiply_elementwise(sigma_prime[l])
    return delta


def network_gradient(sizes=(2, 3, 2)):
    """Every entry of the four equations against SymPy's own derivative of the cost.

    delta^l_j is dC/dz^l_j; SymPy reaches z^l_j through b^l_j, since z^l_j = ... + b^l_j, which
    is also why dC/db^l = delta^l.
    The comparison is exact (sigma kept as a symbol with sigma' = sigma (1 - sigma)).
    """
    net = symbolic_network(sizes)
    delta = deltas(net)
    checks = []
    for l in range(len(sizes) - 1, 0, -1):
        kind = "output layer" if l == len(sizes) - 1 else "recursion"
        for j in range(sizes[l]):
            checks.append(Check(f"delta^{l}_{j} ({kind}), which is also dC/db^{l}_{j}",
                                rf"\delta^{l}_{j} = \frac{{\partial C}}{{\partial z^{l}_{j}}} = "
                                rf"\frac{{\partial C}}{{\partial b^{l}_{j}}}",
                                same(delta[l][j], sp.diff(net.C, net.b[l][j]))))
            for k in range(sizes[l - 1]):
                checks.append(Check(
                    f"dC/dw^{l}_({j},{k})",
                    rf"\frac{{\partial C}}{{\partial w^{l}_{{{j},{k}}}}} = \delta^{l}_{j}\,a^{l - 1}_{k}",
                    same(delta[l][j] * net.a[l - 1][k], sp.diff(net.C, net.W[l][j, k]))))
    return checks


def backprop_agrees(sizes=(2, 3, 2), seed=0):
    """SymPy's dC/dW^l, dC/db^l at random numbers, beside ``Network.backprop`` at the same numbers.

    Returns (rows, largest difference), rows being (name, SymPy's value, backprop's value).
    SymPy differentiates the cost itself, with sigma = 1 / (1 + e^(-x)), and evaluates to 30
    digits; the network computes in float64 with the four equations. They agree to ~1e-16.
    """
    sym = symbolic_network(sizes)
    net = Network(sizes, init="classic", seed=seed)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(size=(sizes[0], 1)), np.eye(sizes[-1])[:, [0]]
    values = {s: v for M, N in [(sym.x, x), (sym.y, y)] + list(zip(sym.W[1:] + sym.b[1:],
                                                                     net.W[1:] + net.b[1:]))
              for s, v in zip(M, np.asarray(N).ravel())}
    cost = sym.C.rewrite(sp.exp)
    nabla_W, nabla_b = net.backprop(x, y)
    rows = []
    for l in range(1, len(sizes)):
        pairs = [(f"dC/db^{l}_{j}", sym.b[l][j], nabla_b[l][j, 0]) for j in range(sizes[l])]
        pairs += [(f"dC/dw^{l}_({j},{k})", sym.W[l][j, k], nabla_W[l][j, k])
                  for j, k in itertools.product(range(sizes[l]), range(sizes[l - 1]))]
        for name, symbol, ours in pairs:
            rows.append((name, float(sp.diff(cost, symbol).evalf(30, subs=values)), float(ours)))
    return rows, max(abs(s - n) for _, s, n in rows)
