"""What every SymPy check of the course shares: a verdict row, exact equality, and the sigmoid.

Used by lessons 4 and 5 (:mod:`.chain_rule`, :mod:`.backprop`) and by appendix A2's slips.
"""
from __future__ import annotations

from typing import NamedTuple

import sympy as sp


class Check(NamedTuple):
    name: str      # what is claimed, in words
    formula: str   # the claim, in LaTeX
    holds: bool    # SymPy's verdict


def same(left, right):
    """Whether two SymPy expressions are equal for every value of their symbols.

    Expanding settles most cases at once. Otherwise one point where the two differ (to 50
    digits) proves them unequal, quickly; only a difference that vanishes there is handed to
    ``simplify``, which is slow but proves equality for all values.
    """
    difference = sp.expand(left - right)
    if difference == 0:
        return True
    point = {s: sp.Rational(17 + 7 * n, 23) for n, s in
             enumerate(sorted(difference.free_symbols, key=str))}
    if abs(difference.rewrite(sp.exp).evalf(50, subs=point)) > 1e-30:
        return False
    return sp.simplify(difference) == 0


def sigmoid_exp(x):
    """The paper's sigma(x) = 1 / (1 + e^(-x)), as a SymPy expression."""
    return 1 / (1 + sp.exp(-x))


class sigma(sp.Function):
    """The sigmoid, as lesson 5 hands it to SymPy: a function with sigma' = sigma (1 - sigma).

    Keeping sigma unevaluated keeps a network's derivatives short enough to compare exactly.
    That this is the derivative of 1 / (1 + e^(-x)) is the paper's Appendix 1, which
    :func:`sigmoid_steps` checks; ``rewrite(sp.exp)`` turns sigma back into that formula.
    """

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sigmoid_exp(x)

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


def checks_table(checks):
    """A Markdown table of :class:`Check` rows: the claim, in LaTeX, and SymPy's verdict."""
    rows = [f"| {c.name} | ${c.formula}$ | {'holds' if c.holds else '**fails**'} |" for c in checks]
    return "\n".join(["| | claim | SymPy says |", "|---|---|---|"] + rows)
