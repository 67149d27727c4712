"""The paper's slips from its chain rule to its appendices (appendix A2).

Each function returns the :class:`~nnlesson.paper.slips.Slip` objects of one passage, in the paper's
order; :mod:`nnlesson.paper.slips` explains what a check is and lists them all.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from ..derivations import deltas, same, sigma, symbolic_network
from .tables import BEST_ONE_EPOCH, identical_rows, paper_accuracy, paper_table
from .slips import READING, CannotCompute, Check, Slip, columns, numeric, weights


def _all_same(left, right):
    return left.shape == right.shape and all(same(p, q) for p, q in zip(left, right))


def _one_neuron():
    a1, w, b, y, Z, A = sp.symbols("a^{L-1} w^L b^L y z^L a^L")
    s_prime = sigma(Z) * (1 - sigma(Z))
    printed = (a1, s_prime, 2 * (A - y))  # the formula's factors dz/dw, da/dz, dC/da
    z = w * a1 + b
    sp_z = sigma(z) * (1 - sigma(z))
    dC_dw = sp.diff((sigma(z) - y) ** 2, w)
    return [
        Slip("One neuron per layer: the chain rule in words",
             "The three factors are described as how w^L changes z^L, how z^L changes z^L, and "
             "how z^L changes C_t; the formula's factors are z by w, a by z, and C by a. (The "
             "product of the factors the words name is still dC_t/dw^L.)",
             "how changes in $z^L$ impact $z^L$, and then finally how changes in $z^L$ impact $C_t$",
             "how changes in $z^L$ impact $a^L$, and then how changes in $a^L$ impact $C_t$",
             "Lesson 4 names each factor by what it changes and what changes.", "SymPy",
             Check(lambda f: all(same(p, q) for p, q in zip(f, printed)),
                   lambda: (sp.diff(w * a1 + b, w), sp.diff(Z, Z), sp.diff((sigma(Z) - y) ** 2, Z)),
                   lambda: (sp.diff(w * a1 + b, w), sp.diff(sigma(Z), Z), sp.diff((A - y) ** 2, A)),
                   lambda f: numeric(sp.Mul(*f).subs(A, sigma(Z))))),
        Slip("One neuron per layer: dC_t/dw^L, the factor 2 twice",
             "The right-hand side has the factor 2 twice.",
             r"$(a^{L-1})\sigma'(z^L)2(a^L-y) = 2\sigma'(z^L)(a^{L-1})2(a^L-y)$",
             r"$(a^{L-1})\sigma'(z^L)2(a^L-y) = 2\sigma'(z^L)(a^{L-1})(a^L-y)$",
             "One factor 2, from d/da (a - y)^2 = 2 (a - y).", "SymPy",
             Check(lambda v: same(v, dC_dw), lambda: 2 * sp_z * a1 * 2 * (sigma(z) - y),
                   lambda: 2 * sp_z * a1 * (sigma(z) - y), numeric)),
    ]


def _one_neuron_recursion():
    a0, w1, b1, w2, b2, y, A = sp.symbols("a^0 w^1 b^1 w^2 b^2 y A")
    z1 = w1 * a0 + b1
    truth = sp.diff((sigma(w2 * A + b2) - y) ** 2, A).subs(A, sigma(z1))
    a1 = sigma(z1)
    a2 = sigma(w2 * a1 + b2)
    dC_da2 = 2 * (a2 - y)
    return Slip(
        "Back propagation, one neuron per layer: dC_t/da^(L-j)",
        "The layers are one too low: for j = 1 it uses w^(L-1), sigma'(z^(L-1)) instead of w^L, "
        "sigma'(z^L), which the paper's own dC/da^(L-1) uses.",
        r"$w^{L-j}\sigma'(z^{L-j})\frac{\partial C_t}{\partial a^{L-j+1}}$",
        r"$w^{L-j+1}\sigma'(z^{L-j+1})\frac{\partial C_t}{\partial a^{L-j+1}}$",
        "The weight that carries a^(L-j) forward is w^(L-j+1).", "SymPy",
        Check(lambda v: same(v, truth), lambda: w1 * a1 * (1 - a1) * dC_da2,
              lambda: w2 * a2 * (1 - a2) * dC_da2, numeric))


def _last_layer():
    net = symbolic_network((2, 2))
    a0, a1, y = net.a[0], net.a[1], net.y
    s_prime = a1.applyfunc(lambda s: s * (1 - s))
    true_w = sp.Matrix(2, 2, lambda j, k: sp.diff(net.C, net.W[1][j, k]))
    true_b = sp.Matrix(2, 1, lambda j, _: sp.diff(net.C, net.b[1][j]))
    error = 2 * (a1 - y)

    def printed_matrix(y_10):  # the paper's dC/dw^L entry by entry, entry (1, 0) using y_10
        return sp.Matrix(2, 2, lambda j, k: 2 * s_prime[j] * a0[k]
                         * (a1[j] - (y_10 if (j, k) == (1, 0) else y[j])))

    z0_twice = sp.Matrix([s_prime[0], s_prime[0]])
    delta = deltas(net)[1]
    return [
        Slip("Many neurons: a^l where a^L is meant",
             "The matrix formulas write (a^l - y), and z^L with a^{l-1}_1, with a lower-case l: "
             "the letter the paper uses for any layer. Only a^L, the output, can be compared "
             "with y.", r"$(a^l - y)$", r"$(a^L - y)$",
             "The course writes L for the last layer and l for any layer.", READING),
        Slip("Many neurons: the matrix dC_t/dw^L, second row", "y_0 where y_1 belongs, in the "
             "first entry of the second row.", r"$2\sigma'(z_1^L)(a_0^{L-1})(a_1^L - y_0)$",
             r"$2\sigma'(z_1^L)(a_0^{L-1})(a_1^L - y_1)$",
             "Entry (j, k) of dC/dW^L uses only z_j, a_j, y_j of the output neuron j.", "SymPy",
             Check(lambda M: _all_same(M, true_w), lambda: printed_matrix(y[0]),
                   lambda: printed_matrix(y[1]), numeric)),
        Slip("Many neurons: a matrix product of two columns",
             "2(a^L - y) sigma'(z^L) is called a matrix product (\"the matrices z^L, (a^l - y)\", "
             "z^L where sigma'(z^L) is meant), but both are n x 1 columns, whose matrix product "
             "does not exist; the entry-by-entry product is meant.",
             r"$(2(a^l - y)\sigma'(z^L)) \bullet T(a^{L-1})$, 'the matrix product'",
             r"$(2(a^L - y)\circ\sigma'(z^L))\,(a^{L-1})^T$",
             "The course writes o for the entry-by-entry product and keeps @ for matrix products.",
             "SymPy", Check(lambda v: _all_same(v, true_b), lambda: error * s_prime,
                            lambda: error.multiply_elementwise(s_prime), numeric)),
        Slip("Many neurons: the column sigma'(z^L)", "The column of z's reads z_0, z_0, ..., so "
             "the second output would use sigma'(z_0).",
             r"$\sigma'[z_0^L\; z_0^L\; \dots\; z_i^L]^T$",
             r"$\sigma'[z_0^L\; z_1^L\; \dots\; z_i^L]^T$",
             "sigma'(z^L) is applied entry by entry: its entry j is sigma'(z^L_j).", "SymPy",
             Check(lambda M: _all_same(M, true_w),
                   lambda: error.multiply_elementwise(z0_twice) * a0.T,
                   lambda: error.multiply_elementwise(s_prime) * a0.T, numeric)),
        Slip("Many neurons: dC_t/db^L", "The whole vector a^L has y_0 subtracted, where the "
             "column y is meant.", r"$2\sigma'(z^L)(a^L - y_0)$", r"$2\sigma'(z^L)\circ(a^L - y)$",
             "delta^L = 2 (a^L - y) o sigma'(z^L), and dC/db^L = delta^L.", "SymPy",
             Check(lambda v: _all_same(v, true_b),
                   lambda: (2 * (a1 - sp.Matrix([y[0], y[0]]))).multiply_elementwise(s_prime),
                   lambda: error.multiply_elementwise(s_prime), numeric)),
    ], Slip(
        "In summary: the last layer's two gradient formulas",
        "Checked and right, read with a^L for a^l and the first product entry by entry: the "
        "summary's dC_t/dw^L and dC_t/db^L are the course's delta^L (a^(L-1))^T and delta^L.",
        r"$(2(a^l - y)\sigma'(z^L)) \bullet T(a^{L-1})$, $\;2\sigma'(z^L)(a^l - y)$",
        r"$\delta^L (a^{L-1})^T$, $\;\delta^L$ with $\delta^L = 2(a^L - y)\circ\sigma'(z^L)$",
        "Nothing to change but the notation.", "SymPy",
        Check(lambda v: _all_same(v[0], true_w) and _all_same(v[1], true_b),
              lambda: (error.multiply_elementwise(s_prime) * a0.T,
                       2 * s_prime.multiply_elementwise(a1 - y)),
              lambda: (delta * a0.T, delta), lambda v: numeric(list(v[0]) + list(v[1])),
              control=lambda: (2 * delta * a0.T, 2 * delta)), right=True)


def _recursion():
    """The paper's dC/da_k^(L-j) for j = 1 on a 2-2-2 network (square, so every version computes)."""
    net = symbolic_network((2, 2, 2))
    L, k, j = 2, 0, 1
    free = columns("A", 2)  # a^(L-1) as free symbols, so SymPy can differentiate by it
    z_L = net.W[L] * free + net.b[L]
    C = sum((sigma(z_L[i]) - net.y[i]) ** 2 for i in range(2))
    truth = sp.diff(C, free[k]).subs(dict(zip(free, net.a[1])))
    dC_da_L = [2 * (net.a[L][i] - net.y[i]) for i in range(2)]
    s_prime = {l: [net.a[l][i] * (1 - net.a[l][i]) for i in range(2)] for l in (1, 2)}

    def terms(l):  # w^l_(i,k) sigma'(z^l_i) for each neuron i
        return [net.W[l][i, k] * s_prime[l][i] for i in range(2)]

    def judge(v):
        return same(v, truth)

    def right():
        return sum(t * d for t, d in zip(terms(L - j + 1), dC_da_L))

    paper_sum = r"$\sum_i w_{i,k}^{L-j}\sigma'(z_i^{L-h})\left(\sum_i \frac{\partial C_t}" \
                r"{\partial a_i^{L-j+1}}\right)$"
    course_sum = r"$\sum_i w_{i,k}^{L-j+1}\sigma'(z_i^{L-j+1})\frac{\partial C_t}" \
                 r"{\partial a_i^{L-j+1}}$"
    course = ("delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l): the next layer's weights carry "
              "the error back, one neuron's share at a time.")
    return [
        Slip("Back propagation: the recursion dC_t/da_k^(L-j), as printed",
             "The recursion, in the text and again in the final summary, is a product of two "
             "sums where a sum of products is meant (reading the undefined h as j).",
             paper_sum, course_sum, course, "SymPy",
             Check(judge, lambda: sum(terms(L - j)) * sum(dC_da_L), right, numeric)),
        Slip("Back propagation: the recursion's layers, with its sums repaired",
             "Repairing the sums is not enough: the layers are one too low, w^(L-j) and "
             "sigma'(z^(L-j)) where w^(L-j+1) and sigma'(z^(L-j+1)) belong (the paper's own "
             "dC/da_k^(L-1) uses w^L and z^L).",
             r"$\sum_i w_{i,k}^{L-j}\sigma'(z_i^{L-j})\frac{\partial C_t}{\partial a_i^{L-j+1}}$",
             course_sum, course, "SymPy",
             Check(judge, lambda: sum(t * d for t, d in zip(terms(L - j), dC_da_L)), right,
                   numeric)),
        Slip("Back propagation: sigma'(z^(L-h))",
             "h is defined nowhere in the paper; the recursion (both times) writes z^(L-h) where "
             "it means a layer counted from L.", r"$\sigma'(z_i^{L-h})$", r"$\sigma'(z_i^{L-j+1})$",
             "Every index on the page is defined before it is used.", READING),
    ]


LARGEST = (15, 0.9, 84.08)  # the course's reading of the tables: (batch size, lr, accuracy %)
GAP = 7.44                  # points between the two lr 1.0 columns, on average (lesson 7)


def _results():
    table = paper_table()
    best = BEST_ONE_EPOCH
    larger = sorted(((a, b, lr) for row, b in zip(table.accuracy, table.batch_sizes)
                     for a, lr in zip(row, table.lrs) if a > best.accuracy), reverse=True)
    listed = " and ".join(f"{a:.2f} % at ({b}, {lr:g})" for a, b, lr in larger)
    return [
        Slip("Results: 'batch size: 1, learning rate 0.15'",
             "The text points at 'batch size: 1, learning rate 0.15', but the tables start at "
             "batch size 5.", "batch size 1", "batch size 5, the smallest in the tables",
             "Lessons 6-7 compare with the tables' own numbers (nnlesson.paper).",
             "the paper's tables", Check(lambda size: size in paper_table(11).batch_sizes,
                                         lambda: 1, lambda: 5)),
        Slip("Results: the best result",
             f"The text's best result, {best.accuracy:.2f} % at batch size {best.batch_size} and "
             f"learning rate {best.lr:g}, is not the largest number in its tables: {listed} are "
             f"larger.", f"the best: {best.accuracy:.2f} % at ({best.batch_size}, {best.lr:g})",
             "the largest: {2:.2f} % at ({0}, {1:g})".format(*LARGEST),
             "Lesson 7 compares whole tables, not single cells.", "the paper's tables",
             Check(lambda c: paper_accuracy(c[0], c[1]) == c[2] == np.max(table.accuracy),
                   lambda: (best.batch_size, best.lr, best.accuracy), lambda: LARGEST)),
    ]


def _appendices():
    a, b, c, d, e, f, g, h, i, j, k, l = sp.symbols("a b c d e f g h i j k l")
    M1, M2 = sp.Matrix([[a, b, c], [d, e, f]]), sp.Matrix([[g, h], [i, j], [k, l]])
    W, x = weights(4, 3), columns("x", 3)

    def exists(r1, c1, r2, c2):
        try:
            sp.zeros(r1, c1) * sp.zeros(r2, c2)
            return True
        except sp.ShapeError:
            return False

    def follows(rule):  # a program that multiplies W^1 x (4x3 times 3x1) only if the rule allows
        if not rule(4, 3, 3, 1):
            raise CannotCompute("the rule forbids W^1 x")
        return numeric(W * x)

    shapes = list(itertools.product(range(1, 4), repeat=4))
    return [
        Slip("Appendix 1: the order of the steps",
             "The line that says what is differentiated, d/dx (1 + e^-x)^-1, is printed after the "
             "line that has already differentiated it; both lines are true.",
             r"$-1(1 + e^{-x})^{-2}(-e^{-x})$, then $\frac{d}{dx}(1 + e^{-x})^{-1}$",
             r"$\frac{d}{dx}(1 + e^{-x})^{-1}$, then $-1(1 + e^{-x})^{-2}(-e^{-x})$",
             "Lesson 4 checks every line with SymPy and says which to read first.", READING),
        Slip("Appendix 2: when a matrix product exists",
             "The rule is stated backwards; the appendix's own 2x3 times 3x2 example cannot tell, "
             "because both rules allow it. Tried on every pair of shapes up to 3x3: the paper's "
             "rule is wrong for some, the correct one right for all.",
             "the rows of the first must equal the columns of the second",
             "the columns of the first must equal the rows of the second",
             "W^l (n_l x n_(l-1)) times a^(l-1) (n_(l-1) x m): the inner sizes match.", "SymPy",
             Check(lambda rule: all(rule(*s) == exists(*s) for s in shapes),
                   lambda: lambda r1, c1, r2, c2: r1 == c2,
                   lambda: lambda r1, c1, r2, c2: c1 == r2, follows)),
        Slip("Appendix 2: the worked product", "Checked and right: kc, lc, gd, ie are written in "
             "an unusual order, but numbers commute, so every entry is right.",
             r"$\begin{bmatrix} ag+bi+kc & ah+bj+lc\\ gd+ie+kf & dh+ej+fl\end{bmatrix}$",
             r"$\begin{bmatrix} ag+bi+ck & ah+bj+cl\\ dg+ei+fk & dh+ej+fl\end{bmatrix}$",
             "Nothing to change.", "SymPy",
             Check(lambda M: _all_same(M, M1 * M2),
                   lambda: sp.Matrix([[a * g + b * i + k * c, a * h + b * j + l * c],
                                      [g * d + i * e + k * f, d * h + e * j + f * l]]),
                   lambda: sp.Matrix([[a * g + b * i + c * k, a * h + b * j + c * l],
                                      [d * g + e * i + f * k, d * h + e * j + f * l]]),
                   numeric, control=lambda: M2 * M1), right=True),
    ]


def _tables():
    table = paper_table()
    gap = np.abs(table.accuracy[:, table.figures == 11][:, -1]
                 - table.accuracy[:, table.figures == 12][:, 0]).mean()
    found = {(r.figure, r.lrs, r.batch_sizes) for r in identical_rows()}
    return [
        Slip("Appendix 4: identical rows",
             f"The rows for batch sizes 5 and 10 agree digit for digit in {len(found)} of the four "
             f"printed blocks: two separate runs cannot do that, so one row is a copy (or the same "
             f"batch size ran twice).", "every printed row is its own run",
             "rows 5 and 10 are copies in Figure 11 (both blocks) and in Figure 12 (rates 11-20)",
             "Lesson 7 trains both batch sizes and does not trust either row.",
             "the paper's tables", Check(lambda claim: claim == found, lambda: set(),
                                         lambda: {(11, (0.05, 0.5), (5, 10)),
                                                  (11, (0.55, 1.0), (5, 10)),
                                                  (12, (11.0, 20.0), (5, 10))})),
        Slip("Appendix 4: learning rate 1.0 in both tables",
             f"Figure 11 ends and Figure 12 starts at learning rate 1.00, the same setting, with "
             f"different numbers ({paper_accuracy(5, 1.0, 11):.2f} % and "
             f"{paper_accuracy(5, 1.0, 12):.2f} % at batch size 5; {gap:.2f} points apart on "
             f"average), and no word on why.", "one setting, one accuracy (a gap of 0 points)",
             f"two runs of one setting, {GAP:.2f} points apart on average",
             "Lesson 7 reads the gap as the paper's run-to-run noise.", "the paper's tables",
             Check(lambda points: points == round(float(gap), 2), lambda: 0.0, lambda: GAP)),
    ]


def backprop_slips():
    """The slips from the paper's chain rule to its appendices, in its order."""
    last_layer, summary = _last_layer()
    return (_one_neuron() + [_one_neuron_recursion()] + last_layer + _recursion() + [summary]
            + _results() + _appendices() + _tables())
