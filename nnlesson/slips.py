"""Reading the paper with a machine: each slip beside the correct formula (appendix A2).

:func:`paper_slips` lists every slip the course found in the paper, each as a :class:`Slip`:
where it is, the paper's version and the course's, a machine check of *both* (SymPy, or plain
arithmetic where that is the whole question), and what the course does instead. A notebook shows
them with :func:`slips_table`; ``tests/test_derivations.py`` asserts every verdict.
"""
from __future__ import annotations

import itertools
from typing import NamedTuple

import sympy as sp

from .derivations import same, sigma, symbolic_network
from .network import Network
from .paper import paper_table


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


def slips_table(slips):
    """A Markdown table of :class:`Slip` rows: the paper beside the course, with both verdicts."""
    def verdict(holds):
        return "holds" if holds else "**fails**"
    rows = [f"| {n} | {s.where} | {s.paper} | {verdict(s.paper_holds)} | {s.correct} | "
            f"{verdict(s.correct_holds)} |" for n, s in enumerate(slips, 1)]
    return "\n".join(["| | where | the paper | check | the course | check |",
                      "|---|---|---|---|---|---|"] + rows)
