"""Lesson 4 in SymPy: the paper's Appendix 1 line by line, and the one-neuron chain (Figure 8).

Superscripts are layers, as in the paper: ``a^(L-1)`` is the activation of layer L-1.
"""
from __future__ import annotations

import sympy as sp

from .sympy_tools import Check, same, sigma, sigmoid_exp

# ---- lesson 4: the derivative of the sigmoid, Appendix 1 line by line ----

x = sp.Symbol("x", real=True)


def sigmoid_steps():
    """The lines of Appendix 1, in the paper's order and LaTeX, each checked against SymPy.

    A line holds when it equals SymPy's own d sigma/dx *and* the line before it. Each LaTeX string
    is the paper's line; beside it is its transcription into SymPy, which is what gets checked.
    """
    e = sp.exp(-x)
    lines = [
        ("the power rule and the chain rule, applied to (1 + e^-x)^-1",
         r"\sigma'(x) = -1(1 + e^{-x})^{-2}(-e^{-x})", -1 * (1 + e) ** -2 * (-e)),
        ("sigma as a power, to be differentiated (the paper prints this line second)",
         r"\sigma'(x) = \frac{d}{dx}(1 + e^{-x})^{-1}", sp.diff((1 + e) ** -1, x)),
        ("the two minus signs cancel", r"\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})(1 + e^{-x})}",
         e / ((1 + e) * (1 + e))),
        ("add and subtract 1 in the numerator",
         r"\sigma'(x) = \frac{1}{1 + e^{-x}}\left(\frac{e^{-x} + 1 - 1}{1 + e^{-x}}\right)",
         1 / (1 + e) * ((e + 1 - 1) / (1 + e))),
        ("split the fraction in two", r"\sigma'(x) = \frac{1}{1 + e^{-x}}\left("
         r"\frac{1 + e^{-x}}{1 + e^{-x}} - \frac{1}{1 + e^{-x}}\right)",
         1 / (1 + e) * ((1 + e) / (1 + e) - 1 / (1 + e))),
        ("recognise sigma twice", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))",
         sigmoid_exp(x) * (1 - sigmoid_exp(x))),
    ]
    truth = sp.diff(sigmoid_exp(x), x)
    checks, previous = [], truth
    for name, latex, line in lines:
        checks.append(Check(name, latex, same(line, truth) and same(line, previous)))
        previous = line
    return checks


# ---- lesson 4: one neuron per layer (the paper's Figure 8) ----

def chain_rule():
    """The chain's factors and products for dC/dw^L, dC/db^L, dC/da^(L-1), and one layer deeper.

    The chain: a^(L-2) -> z^(L-1) = w^(L-1) a^(L-2) + b^(L-1) -> a^(L-1) = sigma(z^(L-1))
    -> z^L = w^L a^(L-1) + b^L -> a^L = sigma(z^L) -> C = (a^L - y)^2, one example.
    The factor da/dz is checked with sigma = 1 / (1 + e^(-z)) itself; the products use
    :class:`sigma`, whose derivative that check has just confirmed, to stay short and fast.
    """
    a2, w1, b1, w, b, a1, y = sp.symbols("a^{L-2} w^{L-1} b^{L-1} w^L b^L a^{L-1} y", real=True)
    zeta = sp.Symbol("z", real=True)
    z, z1 = w * a1 + b, w1 * a2 + b1
    C = (sigma(z) - y) ** 2
    sigma_prime = lambda u: sigma(u) * (1 - sigma(u))  # noqa: E731 (Appendix 1)
    dC_da = 2 * (sigma(z) - y)
    dC_da1 = w * sigma_prime(z) * dC_da
    deeper = C.subs(a1, sigma(z1))  # a^(L-1) is itself a neuron fed by the layer before
    rows = [
        (r"\frac{\partial z^L}{\partial w^L} = a^{L-1}", a1, sp.diff(z, w)),
        (r"\frac{\partial a^L}{\partial z^L} = \sigma'(z^L) = \sigma(z^L)(1 - \sigma(z^L))",
         sigmoid_exp(zeta) * (1 - sigmoid_exp(zeta)), sp.diff(sigmoid_exp(zeta), zeta)),
        (r"\frac{\partial C}{\partial a^L} = 2(a^L - y)",
         2 * (zeta - y), sp.diff((zeta - y) ** 2, zeta)),
        (r"\frac{\partial C}{\partial w^L} = a^{L-1}\,\sigma'(z^L)\,2(a^L - y)",
         a1 * sigma_prime(z) * dC_da, sp.diff(C, w)),
        (r"\frac{\partial C}{\partial b^L} = 1\cdot\sigma'(z^L)\,2(a^L - y)",
         1 * sigma_prime(z) * dC_da, sp.diff(C, b)),
        (r"\frac{\partial C}{\partial a^{L-1}} = w^L\,\sigma'(z^L)\,2(a^L - y)",
         dC_da1, sp.diff(C, a1)),
        (r"\frac{\partial C}{\partial w^{L-1}} = a^{L-2}\,\sigma'(z^{L-1})\,"
         r"\frac{\partial C}{\partial a^{L-1}}",
         (a2 * sigma_prime(z1) * dC_da1).subs(a1, sigma(z1)), sp.diff(deeper, w1)),
        (r"\frac{\partial C}{\partial b^{L-1}} = \sigma'(z^{L-1})\,"
         r"\frac{\partial C}{\partial a^{L-1}}",
         (sigma_prime(z1) * dC_da1).subs(a1, sigma(z1)), sp.diff(deeper, b1)),
    ]
    names = ["dz^L/dw^L", "da^L/dz^L", "dC/da^L", "dC/dw^L", "dC/db^L", "dC/da^(L-1)",
             "dC/dw^(L-1)", "dC/db^(L-1)"]
    return [Check(name, latex, same(ours, sympys))
            for name, (latex, ours, sympys) in zip(names, rows)]
