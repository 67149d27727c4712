"""Every derivation of lessons 4 and 5, restated in SymPy and checked (lessons 4 and 5).

A formula on a lesson's page is only as good as the check behind it. Each function here returns
a list of :class:`Check` rows, (name, formula in LaTeX, holds), which a notebook shows and a test
asserts:
  * :func:`sigmoid_steps` is the paper's Appendix 1, line by line (lesson 4);
  * :func:`chain_rule` is the one-neuron-per-layer chain of the paper's Figure 8 (lesson 4);
  * :func:`network_gradient` is the four equations of backpropagation on a small network whose
    every weight, bias, input and target is a SymPy symbol (lesson 5), and
    :func:`backprop_agrees` puts numbers into it and compares with ``Network.backprop``.
The paper's slips, checked the same way, are in :mod:`nnlesson.slips` (appendix A2).

Superscripts are layers, as in the paper: ``a^(L-1)`` is the activation of layer L-1.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import sympy as sp

from .network import Network


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


# ---- lesson 5: many neurons per layer, on a network made of symbols ----

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


# ---- for the notebooks: the checks as Markdown tables ----

def checks_table(checks):
    """A Markdown table of :class:`Check` rows: the claim, in LaTeX, and SymPy's verdict."""
    rows = [f"| {c.name} | ${c.formula}$ | {'holds' if c.holds else '**fails**'} |" for c in checks]
    return "\n".join(["| | claim | SymPy says |", "|---|---|---|"] + rows)


# ---- lesson 4's widget: the slope the chain rule computes, drawn as a tangent ----

CHAIN = {"a_prev": 0.8, "b": -1.0, "y": 0.7}  # a^(L-1), b^L and the target y, fixed in lesson 4


def slope_view(w, a_prev=CHAIN["a_prev"], b=CHAIN["b"], y=CHAIN["y"]):
    """(figure, message): C(w) = (sigma(w a^(L-1) + b) - y)^2 and its tangent at w.

    The slope is the chain rule's product a^(L-1) sigma'(z^L) 2(a^L - y); a w that is not a
    finite number gives (None, message).
    """
    from .network import sigmoid
    from .plots import new_figure

    if isinstance(w, bool) or not isinstance(w, (int, float, np.floating, np.integer)) \
            or not np.isfinite(w):
        return None, f"w must be a finite number, got {w!r}."
    ws = np.linspace(-8, 8, 200)
    z = w * a_prev + b
    a_L = float(sigmoid(z))
    C, factors = (a_L - y) ** 2, (a_prev, a_L * (1 - a_L), 2 * (a_L - y))
    slope = float(np.prod(factors))
    fig = new_figure(5.5, 3.4)
    ax = fig.subplots()
    ax.plot(ws, (sigmoid(ws * a_prev + b) - y) ** 2, label=r"$C(w^L)$")
    ax.plot(ws, C + slope * (ws - w), "--", color="tab:red", label=f"tangent, slope {slope:.3f}")
    ax.plot([w], [C], "o", color="tab:red")
    ax.set_ylim(-0.05, 0.6)
    ax.set_xlabel(r"$w^L$")
    ax.set_ylabel(r"$C$")
    ax.legend(loc="upper right", fontsize=8)
    downhill = ("Downhill is to the right: increase w." if slope < 0 else
                "Downhill is to the left: decrease w." if slope > 0 else "The slope is 0 here.")
    return fig, (f"w<sup>L</sup> = {w:.3g}: C = {C:.4f}, dC/dw<sup>L</sup> = a<sup>L-1</sup> "
                 f"&sigma;'(z<sup>L</sup>) 2(a<sup>L</sup> - y) = {factors[0]:.2f} &times; "
                 f"{factors[1]:.4f} &times; {factors[2]:.4f} = {slope:.4f}. "
                 + downhill)
