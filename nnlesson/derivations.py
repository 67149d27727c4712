"""Every derivation of lessons 4 and 5, restated in SymPy and checked (lessons 4, 5 and A2).

A formula on a lesson's page is only as good as the check behind it. Each function here returns
a list of :class:`Check` rows, (name, formula in LaTeX, holds), which a notebook shows and a test
asserts:
  * :func:`sigmoid_steps` is the paper's Appendix 1, line by line (lesson 4);
  * :func:`chain_rule` is the one-neuron-per-layer chain of the paper's Figure 8 (lesson 4);
  * :func:`network_gradient` is the four equations of backpropagation on a small network whose
    every weight, bias, input and target is a SymPy symbol (lesson 5), and
    :func:`backprop_agrees` puts numbers into it and compares with ``Network.backprop``.
:func:`paper_slips` lists the paper's slips, each as a :class:`Slip` with a machine check of
the paper's version and of the course's (appendix A2).

Superscripts are layers, as in the paper: ``a^(L-1)`` is the activation of layer L-1.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import sympy as sp

from .network import Network
from .paper import paper_table


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


# ---- appendix A2: reading the paper with a machine ----

class Slip(NamedTuple):
    where: str           # where in the paper
    what: str            # the slip, in words
    paper: str           # the paper's formula or claim (LaTeX inside $...$ where it is a formula)
    correct: str         # the course's formula or claim
    paper_holds: bool    # the machine's verdict on the paper's version
    correct_holds: bool  # the machine's verdict on the course's version
    course: str          # what the course does instead, and why


def _columns(name, n):
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"{name}_{i}"))


def _weights(n, m, name="w"):
    return sp.Matrix(n, m, lambda j, k: sp.Symbol(f"{name}_{{{j},{k}}}"))


def _shape_ok(product):
    """Whether a SymPy matrix expression (given as a zero-argument function) has a shape at all."""
    try:
        product()
        return True
    except sp.ShapeError:
        return False


def _bias_in_every_term():
    n = 3  # neurons 0..n-1 in the layer before; the paper's b_0 .. b_(n-2) sit inside, b_i last
    w, a, b = _weights(1, n).row(0), _columns("a", n), _columns("b", n)
    i = 2
    paper = sum((w[k] * a[k] + b[k]) for k in range(n - 1)) + w[n - 1] * a[n - 1] + b[i]
    correct = sum(w[k] * a[k] for k in range(n)) + b[i]
    matrix_form = (w * a)[0] + b[i]  # row i of W a + b
    return Slip(
        "Feed forward, the weighted sum for a_i^l",
        "A bias is added inside every term of the sum, so it adds one bias per input neuron "
        "(b_0, b_1, ...) as well as b_i: n+1 biases instead of one.",
        r"$\sigma\left((w_{i,0}a_0 + b_0) + (w_{i,1}a_1 + b_1) + \dots + (w_{i,n}a_n + b_i)\right)$",
        r"$\sigma\left(w_{i,0}a_0 + w_{i,1}a_1 + \dots + w_{i,n}a_n + b_i\right)$",
        same(paper, matrix_form), same(correct, matrix_form),
        "One bias per neuron, added once: z^l = W^l a^(l-1) + b^l, which is also what the "
        "paper's own matrix form and its layer-1 formula say.")


def _output_layer_number(sizes=(784, 32, 16, 10)):
    L = len(sizes) - 1
    return Slip(
        "Feed forward, the formula for the output layer",
        "The output layer is labelled \"layer 1\"; its formula uses L.",
        "Output layer (layer 1)", f"Output layer (layer L; L = {L} for 784-32-16-10)",
        L == 1, len(Network(sizes).W) - 1 == L,  # the output is computed with W[L]
        "Layers are numbered 0 (input) to L (output); the output layer is a^L = sigma(W^L a^(L-1) + b^L).")


def _weight_index_words():
    subscripts, described = set("ik"), set("jk")  # w^l_(i,k) ... "connecting to neuron j"
    return Slip(
        "Architecture, the definition of a weight",
        "The weight is written w^l_(i,k) but described as connecting to neuron j, an index "
        "that is not in its name.",
        r"$w^l_{i,k}$ = weight starting at neuron k in layer l-1, connecting to neuron j in layer l",
        r"$w^l_{j,k}$ = weight from neuron k in layer l-1 to neuron j in layer l",
        described <= subscripts, described <= set("jk"),
        "The course writes w^l_(j,k) = W[l][j, k]: row j (the neuron it feeds), column k.")


def _figure_6():
    x = _columns("x", 3)
    W = _weights(4, 3, "w")
    b = sp.Matrix(4, 1, lambda j, _: sp.Symbol(f"b^1_{j}"))
    right_side = W * x + b  # the paper's own expanded right-hand side, which is correct
    paper_w = W.copy()
    paper_w[3, 1] = W[3, 2]  # the paper's fourth row: w_{3,0}, w_{3,2}, w_{3,2}
    in_product = W[:3, :].copy()
    in_product[2, 2] = W[3, 2]  # the 3x3 matrix in the product, w_{3,2} where w_{2,2} belongs
    bare_b = _columns("b", 4)  # b_0 .. b_3, no layer superscript
    return [
        Slip("Figure 6, the matrix w^1", "The fourth row repeats an index: w_(3,2) twice, "
             "no w_(3,1).", r"$[w_{3,0}\; w_{3,2}\; w_{3,2}]$", r"$[w_{3,0}\; w_{3,1}\; w_{3,2}]$",
             same((paper_w * x + b)[3], right_side[3]), same((W * x + b)[3], right_side[3]),
             "Entry (j, k) of W^l is w^l_(j,k), every index pair exactly once."),
        Slip("Figure 6, the product a^1 = sigma(w^1 x + b^1)", "The weight matrix in the product "
             "is 3x3 (its last row dropped), so w^1 x has 3 rows and cannot be added to the "
             "4-row bias.", r"$3\times 3$ matrix $\cdot$ $3\times 1$ + $4\times 1$",
             r"$4\times 3$ matrix $\cdot$ $3\times 1$ + $4\times 1$",
             _shape_ok(lambda: in_product * x + b), _shape_ok(lambda: W * x + b),
             "W^1 has one row per neuron of layer 1 (4) and one column per input (3)."),
        Slip("Figure 6, the product's third row", "w_(3,2) stands where w_(2,2) belongs.",
             r"$[w_{2,0}\; w_{2,1}\; w_{3,2}]$", r"$[w_{2,0}\; w_{2,1}\; w_{2,2}]$",
             same((in_product * x)[2], (W * x)[2]), True,
             "Row j of W^l holds only weights w^l_(j,k) into neuron j."),
        Slip("Figure 6, the biases", "The bias vector is written b_0..b_3 without the layer "
             "superscript, the result with b^1_0..b^1_3: as printed, two different things.",
             r"$b = [b_0 \dots b_3]^T$, then $b_0^1$", r"$b^1 = [b^1_0 \dots b^1_3]^T$",
             same((W * x + bare_b)[0], right_side[0]), same((W * x + b)[0], right_side[0]),
             "Every weight and bias carries its layer: b[l] in code, b^l on the page."),
    ]


def _cost_divided_by_n(n=10):
    a, y = _columns("a", n), _columns("y", n)
    averaged = sum((a[i] - y[i]) ** 2 for i in range(n)) / n
    summed = sum((a[i] - y[i]) ** 2 for i in range(n))
    derivative = 2 * (a[0] - y[0])  # the paper's dC/da^L = 2 (a^L - y)
    return Slip(
        "How do you teach a neural network: the cost of one example",
        "The cost is averaged over the outputs (/n, summed from i=1) here but summed (no /n, "
        "from i=0) where it is differentiated; the paper's dC/da^L = 2(a^L - y) is the "
        "derivative of the sum only.",
        r"$C_t = \frac{1}{n}\sum_{i=1}^{n}(a_i^L - y_i)^2$",
        r"$C_t = \sum_{i}(a_i^L - y_i)^2$",
        same(sp.diff(averaged, a[0]), derivative), same(sp.diff(summed, a[0]), derivative),
        "The course uses the sum everywhere (nnlesson.network.cost); dividing by n would only "
        "scale every gradient, i.e. the learning rate, by 1/n.")


def _parameter_count():
    ours = Network((784, 32, 16, 10)).n_params
    theirs = Network((784, 16, 16, 10)).n_params
    return Slip(
        "Minimising the cost: the number of parameters",
        f"\"Over 13000 parameters\": 784-16-16-10 (the network of 3Blue1Brown's videos, the "
        f"paper's source [11]) has {theirs:,}; the paper's own 784-32-16-10 has {ours:,}, "
        f"about twice as many.", "over 13000 (about 13,000)", f"{ours:,}",
        abs(ours - 13000) < 0.05 * 13000, ours == sum(n * m + n for m, n in
                                                     zip((784, 32, 16), (32, 16, 10))),
        "The course counts with Network.n_params: 25,818 for the paper's network.")


def _doubled_two():
    a1, s_prime, aL, y = sp.symbols("a^{L-1} sigma' a^L y")
    chain = a1 * s_prime * 2 * (aL - y)  # the three factors, checked in chain_rule()
    return Slip(
        "One neuron per layer: dC_t/dw^L", "The factor 2 appears twice on the right.",
        r"$(a^{L-1})\sigma'(z^L)2(a^L-y) = 2\sigma'(z^L)(a^{L-1})2(a^L-y)$",
        r"$(a^{L-1})\sigma'(z^L)2(a^L-y) = 2\sigma'(z^L)(a^{L-1})(a^L-y)$",
        same(2 * s_prime * a1 * 2 * (aL - y), chain), same(2 * s_prime * a1 * (aL - y), chain),
        "One factor 2, from d/da (a - y)^2 = 2 (a - y).")


def _averages():
    K, k, c = sp.symbols("K k c", positive=True, integer=True)
    paper = sp.summation(c, (k, 0, K)) / K  # the mean of K+1 equal costs c, the paper's way
    correct = sp.summation(c, (k, 1, K)) / K
    return Slip(
        "The full cost, and dC/dw^L and dC/db^L over all examples",
        "Sums from k=0 to K (K+1 terms) are divided by K, so they are not averages: K+1 equal "
        "costs c would 'average' to c(K+1)/K. The same with 1/n sum_{k=0}^{n}, where n also "
        "already meant the number of outputs.",
        r"$C = \frac{1}{K}\sum_{k=0}^{K} C_k$, $\quad\frac{1}{n}\sum_{k=0}^{n}$",
        r"$C = \frac{1}{m}\sum_{k=1}^{m} C_k$ over the m examples of a batch",
        same(paper, c), same(correct, c),
        "The batch cost and gradients are means over the m columns of a batch (Network.backprop "
        "divides delta by m once).")


def _y0_slips():
    net = symbolic_network((2, 2))
    a0, a1, y, W = net.a[0], net.a[1], net.y, net.W[1]
    s_prime = [a1[i] * (1 - a1[i]) for i in range(2)]
    true_w10 = sp.diff(net.C, W[1, 0])
    true_b1 = sp.diff(net.C, net.b[1][1])
    return [
        Slip("Many neurons: the matrix dC_t/dw^L, second row", "y_0 where y_1 belongs, in the "
             "first entry of the second row.", r"$2\sigma'(z_1^L)(a_0^{L-1})(a_1^L - y_0)$",
             r"$2\sigma'(z_1^L)(a_0^{L-1})(a_1^L - y_1)$",
             same(2 * s_prime[1] * a0[0] * (a1[1] - y[0]), true_w10),
             same(2 * s_prime[1] * a0[0] * (a1[1] - y[1]), true_w10),
             "Entry (j, k) of dC/dW^L uses only z_j, a_j, y_j of the output neuron j."),
        Slip("Many neurons: the column sigma'(z^L)", "The column of z's reads z_0, z_0, ..., so "
             "the second output would use sigma'(z_0).",
             r"$\sigma'[z_0^L\; z_0^L\; \dots\; z_i^L]^T$", r"$\sigma'[z_0^L\; z_1^L\; \dots\; z_i^L]^T$",
             same(2 * (a1[1] - y[1]) * s_prime[0], true_b1),
             same(2 * (a1[1] - y[1]) * s_prime[1], true_b1),
             "sigma'(z^L) is applied entry by entry: its entry j is sigma'(z^L_j)."),
        Slip("Many neurons: dC_t/db^L", "The whole vector a^L has y_0 subtracted, where the "
             "column y is meant.", r"$2\sigma'(z^L)(a^L - y_0)$", r"$2\sigma'(z^L)\circ(a^L - y)$",
             same(2 * s_prime[1] * (a1[1] - y[0]), true_b1),
             same(2 * s_prime[1] * (a1[1] - y[1]), true_b1),
             "delta^L = 2 (a^L - y) o sigma'(z^L), and dC/db^L = delta^L."),
    ]


def _entrywise_product():
    column = _columns("u", 2)
    return Slip(
        "Many neurons: the matrix form of dC_t/dw^L",
        "2(a^L - y) sigma'(z^L) is called a matrix product, but both are n x 1 columns, whose "
        "matrix product does not exist; the entry-by-entry product is meant. (The same "
        "formulas also write a^l, the lower-case l, where a^L is meant.)",
        r"$(2(a^l - y)\sigma'(z^L)) \bullet T(a^{L-1})$, 'the matrix product'",
        r"$(2(a^L - y)\circ\sigma'(z^L))\,(a^{L-1})^T$",
        _shape_ok(lambda: column * column), _shape_ok(lambda: column.multiply_elementwise(column)),
        "The course writes o for the entry-by-entry product and keeps @ for matrix products.")


def _recursion():
    """The paper's dC/da^(L-j) for j = 1 on a 2-2-2 network (square, so every version computes)."""
    net = symbolic_network((2, 2, 2))
    L, k = 2, 0
    free = _columns("A", 2)  # a^(L-1) as free symbols, so SymPy can differentiate by it
    z_L = net.W[L] * free + net.b[L]
    C = sum((sigma(z_L[i]) - net.y[i]) ** 2 for i in range(2))
    truth = sp.diff(C, free[k]).subs(dict(zip(free, net.a[1])))
    dC_da_L = [2 * (net.a[L][i] - net.y[i]) for i in range(2)]
    s_prime = {l: [net.a[l][i] * (1 - net.a[l][i]) for i in range(2)] for l in (1, 2)}
    j = 1  # the layer L - j = 1
    paper = sum(net.W[L - j][i, k] * s_prime[L - j][i] for i in range(2)) * sum(dC_da_L)
    sum_of_products_old_layers = sum(net.W[L - j][i, k] * s_prime[L - j][i] * dC_da_L[i]
                                     for i in range(2))
    correct = sum(net.W[L - j + 1][i, k] * s_prime[L - j + 1][i] * dC_da_L[i] for i in range(2))
    return [
        Slip("Back propagation: dC_t/da_k^(L-j), many neurons",
             "A product of two sums where a sum of products is meant; sigma'(z^(L-h)) has an "
             "undefined h; and the layers are one too low: w^(L-j) and z^(L-j) should be "
             "w^(L-j+1) and z^(L-j+1). (Fixing only the sums still gives the wrong number.)",
             r"$\sum_i w_{i,k}^{L-j}\sigma'(z_i^{L-h})\left(\sum_i "
             r"\frac{\partial C_t}{\partial a_i^{L-j+1}}\right)$",
             r"$\sum_i w_{i,k}^{L-j+1}\sigma'(z_i^{L-j+1})\frac{\partial C_t}{\partial a_i^{L-j+1}}$",
             same(paper, truth) or same(sum_of_products_old_layers, truth), same(correct, truth),
             "delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l): the next layer's weights carry "
             "the error back, one neuron's share at a time."),
        Slip("Back propagation: dC_t/da^(L-j), one neuron per layer",
             "The same layer slip in the one-neuron chain: for j = 1 it uses w^(L-1), sigma'(z^(L-1)) "
             "instead of w^L, sigma'(z^L), which the paper's own dC/da^(L-1) uses.",
             r"$w^{L-j}\sigma'(z^{L-j})\frac{\partial C_t}{\partial a^{L-j+1}}$",
             r"$w^{L-j+1}\sigma'(z^{L-j+1})\frac{\partial C_t}{\partial a^{L-j+1}}$",
             _one_neuron_recursion(paper_layers=True), _one_neuron_recursion(paper_layers=False),
             "As above: the weight that carries a^(L-j) forward is w^(L-j+1)."),
    ]


def _one_neuron_recursion(paper_layers):
    a0, w1, b1, w2, b2, y, A = sp.symbols("a^0 w^1 b^1 w^2 b^2 y A")
    z1, z2 = w1 * a0 + b1, w2 * A + b2
    C = (sigma(z2) - y) ** 2
    truth = sp.diff(C, A).subs(A, sigma(z1))
    a1 = sigma(z1)
    a2 = sigma(w2 * a1 + b2)
    dC_da2 = 2 * (a2 - y)
    w, s_prime = (w1, a1 * (1 - a1)) if paper_layers else (w2, a2 * (1 - a2))
    return same(w * s_prime * dC_da2, truth)


def _size_rule():
    def exists(r1, c1, r2, c2):
        return _shape_ok(lambda: sp.zeros(r1, c1) * sp.zeros(r2, c2))

    shapes = list(itertools.product(range(1, 4), repeat=4))
    paper = all((r1 == c2) == exists(r1, c1, r2, c2) for r1, c1, r2, c2 in shapes)
    correct = all((c1 == r2) == exists(r1, c1, r2, c2) for r1, c1, r2, c2 in shapes)
    return Slip(
        "Appendix 2: when a matrix product exists",
        "The rule is stated backwards; the appendix's own 2x3 times 3x2 example cannot tell, "
        "because both rules allow it. Tried on every pair of shapes up to 3x3: the paper's rule "
        "is wrong for some, the correct one right for all.",
        "the rows of the first must equal the columns of the second",
        "the columns of the first must equal the rows of the second",
        paper, correct, "W^l (n_l x n_(l-1)) times a^(l-1) (n_(l-1) x m): the inner sizes match.")


def _worked_product():
    a, b, c, d, e, f, g, h, i, j, k, l = sp.symbols("a b c d e f g h i j k l")
    M1, M2 = sp.Matrix([[a, b, c], [d, e, f]]), sp.Matrix([[g, h], [i, j], [k, l]])
    paper = sp.Matrix([[a * g + b * i + k * c, a * h + b * j + l * c],
                       [g * d + i * e + k * f, d * h + e * j + f * l]])
    return Slip(
        "Appendix 2: the worked product", "Not a slip: kc, lc, gd, ie are written in an unusual "
        "order, but numbers commute, so every entry is right.",
        r"$\begin{bmatrix} ag+bi+kc & ah+bj+lc\\ gd+ie+kf & dh+ej+fl\end{bmatrix}$",
        r"$\begin{bmatrix} ag+bi+ck & ah+bj+cl\\ dg+ei+fk & dh+ej+fl\end{bmatrix}$",
        paper == M1 * M2, paper == M1 * M2, "Nothing to change.")


def _chain_words():
    z = sp.Symbol("z")
    middle = sp.diff(sigma(z), z)  # the formula's middle factor, da/dz = sigma'(z)
    return Slip(
        "One neuron per layer: the chain rule in words",
        "The three factors are described as how w^L changes z^L, how z^L changes z^L, and how "
        "z^L changes C_t; the formula's factors are z by w, a by z, and C by a.",
        "how changes in $z^L$ impact $z^L$, and then finally how changes in $z^L$ impact $C_t$",
        "how changes in $z^L$ impact $a^L$, and then how changes in $a^L$ impact $C_t$",
        same(sp.diff(z, z), middle), same(sigma(z) * (1 - sigma(z)), middle),
        "Lesson 4 names each factor by what it changes and what changes.")


def _results_text():
    table = paper_table(11)
    return [Slip(
        "Tackling the handwritten number problem: the text about Figure 11",
        "The text points at 'batch size: 1, learning rate 0.15', but the tables start at batch "
        "size 5.", "batch size 1", f"batch sizes {table.batch_sizes[0]}..{table.batch_sizes[-1]}",
        1 in table.batch_sizes, 5 in table.batch_sizes,
        "Lessons 6-7 compare with the tables' own numbers (nnlesson.paper).")]


def paper_slips():
    """Every slip the course found in the paper, each with a machine check of both versions."""
    return ([_bias_in_every_term(), _output_layer_number(), _weight_index_words()] + _figure_6()
            + [_cost_divided_by_n(), _averages(), _parameter_count(), _chain_words(), _doubled_two()]
            + _y0_slips() + [_entrywise_product()] + _recursion()
            + [_size_rule(), _worked_product()] + _results_text())


# ---- for the notebooks: the checks as Markdown tables ----

def checks_table(checks):
    """A Markdown table of :class:`Check` rows: the claim, in LaTeX, and SymPy's verdict."""
    rows = [f"| {c.name} | ${c.formula}$ | {'holds' if c.holds else '**fails**'} |" for c in checks]
    return "\n".join(["| | claim | SymPy says |", "|---|---|---|"] + rows)


def slips_table(slips):
    """A Markdown table of :class:`Slip` rows: the paper beside the course, with both verdicts."""
    def verdict(holds):
        return "holds" if holds else "**fails**"
    rows = [f"| {n} | {s.where} | {s.paper} | {verdict(s.paper_holds)} | {s.correct} | "
            f"{verdict(s.correct_holds)} |" for n, s in enumerate(slips, 1)]
    return "\n".join(["| | where | the paper | check | the course | check |",
                      "|---|---|---|---|---|---|"] + rows)


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
