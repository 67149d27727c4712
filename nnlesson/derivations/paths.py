"""Lesson 5's multivariable chain rule in SymPy: one weight's derivative at numbers, and delta.

:func:`weight_derivative` lets SymPy differentiate the cost of a symbolic network by one weight
and evaluates it at given numbers, the second of the lesson's three ways to the sum over paths.
:func:`printed_recursion_derivative` does the same with the paper's recursion (a product of two
sums), taken from the paper's slip in :mod:`nnlesson.paper.slips_backprop`, not written again.
:func:`delta_is_dC_da` checks the bridge between the paper's dC/da^l and the course's delta^l.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .backprop import deltas, symbolic_network
from .sympy_tools import Check, same, sigma

PRINTED_RECURSION = "Back propagation: the recursion dC_t/da_k^(L-j), as printed"


def values(net, W, b, x, y):
    """A substitution {symbol: number} for a symbolic network, from numbers in Network's shapes."""
    pairs = list(zip(net.x, np.ravel(x))) + list(zip(net.y, np.ravel(y)))
    for l in range(1, len(net.sizes)):
        pairs += list(zip(net.W[l], np.ravel(W[l])))
        pairs += list(zip(net.b[l], np.ravel(b[l])))
    return {s: sp.Float(float(v), 30) for s, v in pairs}


def _evaluate(expr, subs):
    return float(sp.sympify(expr).rewrite(sp.exp).evalf(30, subs=subs))


def weight_derivative(W, b, x, y, l, j, k):
    """SymPy's dC/dw^l_(j,k) of the whole cost, at the given numbers (30 digits, as a float)."""
    net = symbolic_network(tuple(len(x) if i == 0 else W[i].shape[0] for i in range(len(W))))
    return _evaluate(sp.diff(net.C, net.W[l][j, k]), values(net, W, b, x, y))


def printed_recursion_derivative(W, b, x, y, k=0):
    """dC/dw^1_(0,k) on a 2-2-2 network with the paper's printed dC/da^1_0 in place of the true one.

    The paper's recursion is taken from its slip (read at j = 1 on a 2-2-2 network, the neuron
    k = 0 of layer 1), then put into the paper's own dC/dw = a^0_k sigma'(z^1_0) dC/da^1_0.
    Returns (printed dC/da^1_0, true dC/da^1_0, printed dC/dw, true dC/dw), as floats.
    """
    if [np.shape(w) for w in W[1:]] != [(2, 2), (2, 2)] or np.size(x) != 2 or np.size(y) != 2:
        raise ValueError("the paper's recursion is checked on a 2-2-2 network (as in appendix "
                         f"A2), got weights of shapes {[np.shape(w) for w in W[1:]]}")
    from ..paper.slips_backprop import backprop_slips  # the paper's room, imported when asked
    check = next(s.check for s in backprop_slips() if s.where == PRINTED_RECURSION)
    net = symbolic_network((2, 2, 2))
    subs = values(net, W, b, x, y)
    a1 = net.a[1][0]
    outer = net.a[0][k] * a1 * (1 - a1)  # dz^1_0/dw^1_(0,k) times sigma'(z^1_0)
    printed, true = check.paper(), check.course()
    return tuple(_evaluate(e, subs) for e in (printed, true, outer * printed, outer * true))


def delta_is_dC_da(sizes=(2, 3, 2)):
    """delta^l_j = dC/da^l_j * sigma'(z^l_j) for every neuron of every layer, checked by SymPy.

    dC/da^l_j is found by making a^l free symbols A, building the rest of the network (and the
    cost) on them, differentiating by A_j and putting a^l back.
    """
    net = symbolic_network(sizes)
    delta, L, checks = deltas(net), len(sizes) - 1, []
    for l in range(L, 0, -1):
        A = sp.Matrix(sizes[l], 1, lambda i, _: sp.Symbol(f"A_{i}"))
        a = A
        for m in range(l + 1, L + 1):
            a = (net.W[m] * a + net.b[m]).applyfunc(sigma)
        C = sum((a[i] - net.y[i]) ** 2 for i in range(sizes[L]))
        back = dict(zip(A, net.a[l]))
        for j in range(sizes[l]):
            dC_da = sp.diff(C, A[j]).subs(back)
            checks.append(Check(f"delta^{l}_{j} from dC/da^{l}_{j}",
                                rf"\delta^{l}_{j} = \frac{{\partial C}}{{\partial a^{l}_{j}}}"
                                rf"\,\sigma'(z^{l}_{j})",
                                same(delta[l][j], dC_da * net.a[l][j] * (1 - net.a[l][j]))))
    return checks
