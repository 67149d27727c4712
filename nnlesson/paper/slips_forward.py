"""The paper's slips from its architecture to its cost function (appendix A2).

Each function returns the :class:`~nnlesson.paper.slips.Slip` objects of one passage, in the paper's
order; :mod:`nnlesson.paper.slips` explains what a check is and lists them all.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..lessons.architecture import count_parameters
from ..derivations import same
from ..lessons.gradcheck import AGREE, gradient_check
from ..network import PAPER_SIZES, Network, sigmoid
from ..costs import cost
from .slips import READING, Check, Slip, columns, numeric, weights


def _works(n_layers):
    """Whether a network of n_layers layers builds, has a right gradient, and learns a batch."""
    sizes = (4,) + (5,) * (n_layers - 2) + (3,) if n_layers >= 2 else (4,)
    try:
        net = Network(sizes, init="classic", seed=0)
    except ValueError:
        return False
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(size=(4, 6)), np.eye(3)[:, rng.integers(3, size=6)]
    before = cost(net.feedforward(X), Y)
    right = gradient_check(net, X, Y) < AGREE
    for _ in range(50):
        net.sgd_step(X, Y, lr=1.0)
    return right and cost(net.feedforward(X), Y) < before


def _architecture():
    return [
        Slip("Architecture: at least three layers",
             "\"All Neural networks require at least three layers\". A network with no hidden "
             "layer (input and output only) builds, backpropagation gives it the right gradient, "
             "and gradient descent lowers its cost; with one layer there are no weights at all.",
             "a network needs at least 3 layers", "a network needs at least 2 layers",
             "Lesson 1: hidden layers make a network powerful, not a network; nnlesson.Network "
             "accepts 784-10.", "arithmetic",
             Check(lambda least: not _works(least - 1), lambda: 3, lambda: 2)),
        Slip("Architecture: the definition of a weight",
             "The weight is written w^l_(i,k) but described as connecting to neuron j, an index "
             "that is not in its name.",
             r"$w^l_{i,k}$ = weight starting at neuron k in layer l-1, connecting to neuron j in "
             r"layer l", r"$w^l_{j,k}$ = weight from neuron k in layer l-1 to neuron j in layer l",
             "The course writes w^l_(j,k) = W[l][j, k]: row j (the neuron it feeds), column k.",
             READING),
    ]


def _weighted_sum():
    n, i = 3, 2  # neurons a_0 .. a_2 in the layer before; the paper's last term carries b_i
    w, a, b = weights(1, n).row(0), columns("a", n), columns("b", n)
    W2 = weights(2, n)
    return [
        Slip("Feed forward, the weighted sum: a bias in every term",
             "A bias is added inside every term of the sum, so it adds one bias per input neuron "
             "(b_0, b_1, ...) as well as b_i.",
             r"$\sigma\left((w_{i,0}a_0 + b_0) + (w_{i,1}a_1 + b_1) + \dots + (w_{i,n}a_n + b_i)"
             r"\right)$", r"$\sigma\left(w_{i,0}a_0 + w_{i,1}a_1 + \dots + w_{i,n}a_n + b_i\right)$",
             "One bias per neuron, added once: z^l = W^l a^(l-1) + b^l, which is also what the "
             "paper's own matrix form and its layer-1 formula say.", "SymPy",
             Check(lambda z: same(z, (w * a)[0] + b[i]),
                   lambda: sum((w[k] * a[k] + b[k] for k in range(n - 1)), sp.S(0))
                   + w[n - 1] * a[n - 1] + b[i],
                   lambda: sum(w[k] * a[k] for k in range(n)) + b[i], numeric)),
        Slip("Feed forward, the weighted sum: indices 0..n for n neurons",
             "\"Where n is the last or total neurons in the previous layer\": counted 0..n, a "
             "layer of n neurons has n+1 terms, one neuron too many. The same happens where n "
             "(or i, k) is \"the total number of neurons\" and a sum or a matrix still runs 0..n "
             "(the dC/dw^(L-j) matrix, the dC/da_k recursion and its last layer).",
             r"$w_{i,0}a_0 + \dots + w_{i,n}a_n$, n the total number of neurons",
             r"$\sum_{k=0}^{n_{l-1}-1} w^l_{i,k}a^{l-1}_k$, $n_{l-1}$ neurons numbered 0 to "
             r"$n_{l-1}-1$", "Neurons are numbered 0..n_l - 1, as in NumPy: range(n) has n "
             "numbers.", "SymPy",
             Check(lambda z: same(z, (W2 * a)[0] + b[0]),
                   lambda: sum(W2[0, k] * a[k] for k in range(n + 1)) + b[0],
                   lambda: sum(W2[0, k] * a[k] for k in range(n)) + b[0], numeric)),
    ]


def _output_layer():
    net, x = Network(PAPER_SIZES, seed=0), np.full((784, 1), 0.5)

    def is_the_output(l):
        layers = net.activations(x)
        return layers[l].shape == layers[-1].shape and bool(np.allclose(layers[l], layers[-1]))

    return [Slip(
        "Feed forward, the formula for the output layer",
        "The output layer's formula is headed \"Output layer (layer 1)\", right after the formula "
        "headed \"First hidden layer (layer 1)\"; the formula itself uses L. In the paper's "
        "784-32-16-10 network layer 1 has 32 neurons, the output 10.",
        "Output layer (layer 1)", f"Output layer (layer L; L = {net.L} for 784-32-16-10)",
        "Layers are numbered 0 (input) to L (output); the output layer is a^L = sigma(W^L a^(L-1) "
        "+ b^L).", "arithmetic", Check(is_the_output, lambda: 1, lambda: net.L))]


def _dot_product():
    return Slip(
        "Feed forward: the matrix form called a dot product",
        "A matter of words: the paper says \"the dot product can be taken between the weight "
        "matrix and the input matrix\". W^l a^(l-1) is a matrix product; each of its entries is "
        "the dot product of a row of W^l with a^(l-1). (NumPy's np.dot says the same.)",
        r"the dot product $w^l \cdot a^{l-1}$", r"the matrix product $W^l a^{l-1}$",
        "Appendix A1 names the two and writes @ for the matrix product.", READING)


def _normalizing():
    return Slip(
        "Feed forward: the sigmoid called normalizing",
        "A matter of words: the sigmoid squashes each z into (0, 1) on its own; it does not "
        "normalize a layer (its activations need not add up to 1), nor make each neuron "
        "proportional to every other one, as the paper puts it.",
        "\"the sigmoid normalization function\"", "the sigmoid squashes each $z^l_j$ into (0, 1)",
        "Lesson 2 calls it squashing.", READING)


def _figure_6():
    x, W = columns("x", 3), weights(4, 3)
    b = sp.Matrix(4, 1, lambda j, _: sp.Symbol(f"b^1_{j}"))
    # the paper's expanded right-hand side, row by row as printed: this part is correct
    right_side = sp.Matrix([sum(x[k] * W[j, k] for k in range(3)) + b[j] for j in range(4)])
    paper_w = W.copy()
    paper_w[3, 1] = W[3, 2]  # the paper's fourth row: w_{3,0}, w_{3,2}, w_{3,2}
    in_product = W[:3, :].copy()
    in_product[2, 2] = W[3, 2]  # the 3x3 matrix in the product, w_{3,2} where w_{2,2} belongs

    def equals_right_side(z):
        return z.shape == right_side.shape and all(same(p, q) for p, q in zip(z, right_side))

    return [
        Slip("Figure 6, the matrix w^1", "The fourth row repeats an index: w_(3,2) twice, "
             "no w_(3,1).", r"$[w_{3,0}\; w_{3,2}\; w_{3,2}]$", r"$[w_{3,0}\; w_{3,1}\; w_{3,2}]$",
             "Entry (j, k) of W^l is w^l_(j,k), every index pair exactly once.", "SymPy",
             Check(lambda M: equals_right_side(M * x + b), lambda: paper_w, lambda: W,
                   lambda M: numeric(M * x + b))),
        Slip("Figure 6, the product a^1 = sigma(w^1 x + b^1)", "The weight matrix in the product "
             "is 3x3 (its last row dropped), so w^1 x has 3 rows and cannot be added to the "
             "4-row bias.", r"$3\times 3$ matrix $\cdot$ $3\times 1$ + $4\times 1$",
             r"$4\times 3$ matrix $\cdot$ $3\times 1$ + $4\times 1$",
             "W^1 has one row per neuron of layer 1 (4) and one column per input (3).", "SymPy",
             Check(equals_right_side, lambda: in_product * x + b, lambda: W * x + b, numeric)),
        Slip("Figure 6, the product's third row", "w_(3,2) stands where w_(2,2) belongs.",
             r"$[w_{2,0}\; w_{2,1}\; w_{3,2}]$", r"$[w_{2,0}\; w_{2,1}\; w_{2,2}]$",
             "Row j of W^l holds only weights w^l_(j,k) into neuron j.", "SymPy",
             Check(lambda row: same((row * x)[0] + b[2], right_side[2]),
                   lambda: in_product.row(2), lambda: W.row(2), lambda row: numeric(row * x))),
        Slip("Figure 6, the biases", "The bias vector is written b_0..b_3 without the layer "
             "superscript, the result with b^1_0..b^1_3: two names for one column.",
             r"$b = [b_0 \dots b_3]^T$, then $b_0^1$", r"$b^1 = [b^1_0 \dots b^1_3]^T$",
             "Every weight and bias carries its layer: b[l] in code, b^l on the page.", READING),
    ]


def _fired():
    rng = np.random.default_rng(0)
    s, b = rng.normal(scale=4, size=1000), rng.normal(scale=4, size=1000)  # weighted sums, biases
    return [Slip(
        "Why it works: a neuron fires when its activation is > 0.5",
        "Checked and right: sigma(s + b) > 0.5 exactly when the weighted sum s exceeds -b, so "
        "the bias is the threshold, as the paper says.",
        "fired when $a > 0.5$; the bias is the threshold",
        r"$\sigma(s + b) > \frac12 \iff s > -b$", "Nothing to change.", "arithmetic",
        Check(lambda t: bool(np.array_equal(sigmoid(s + b) > t, s > -b)), lambda: 0.5,
              lambda: 0.5, control=lambda: 0.6), right=True)]


def _cost():
    n = 10
    a, y = columns("a", n), columns("y", n)
    K, k = sp.symbols("K k", positive=True, integer=True)
    c = sp.Symbol("c", positive=True)  # the cost of every example
    return [
        Slip("How do you teach a neural network: the cost of one example",
             "The cost is averaged over the outputs (/n, summed from i=1) here but summed (no /n, "
             "from i=0) where it is differentiated; the paper's dC/da^L = 2(a^L - y) is the "
             "derivative of the sum only.",
             r"$C_t = \frac{1}{n}\sum_{i=1}^{n}(a_i^L - y_i)^2$", r"$C_t = \sum_{i}(a_i^L - y_i)^2$",
             "The course uses the sum everywhere (nnlesson.network.cost); dividing by n would only "
             "scale every gradient, i.e. the learning rate, by 1/n.", "SymPy",
             Check(lambda C: same(sp.diff(C, a[0]), 2 * (a[0] - y[0])),
                   lambda: sum((a[i] - y[i]) ** 2 for i in range(n)) / n,
                   lambda: sum((a[i] - y[i]) ** 2 for i in range(n)), numeric)),
        Slip("The full cost, and dC/dw^L and dC/db^L over all examples",
             "Sums from k=0 to K (K+1 terms) are divided by K, so they are not averages: K+1 equal "
             "costs c would 'average' to c(K+1)/K. The same with 1/n sum_{k=0}^{n} over n "
             "examples, where n also already meant the number of outputs.",
             r"$C = \frac{1}{K}\sum_{k=0}^{K} C_k$, $\quad\frac{1}{n}\sum_{k=0}^{n}$",
             r"$C = \frac{1}{m}\sum_{k=1}^{m} C_k$ over the m examples of a batch",
             "The batch cost and gradients are means over the m columns of a batch (Network.backprop "
             "divides delta by m once).", "SymPy",
             Check(lambda mean: same(mean, c), lambda: sp.summation(c, (k, 0, K)) / K,
                   lambda: sp.summation(c, (k, 1, K)) / K, numeric)),
    ]


def _parameter_count():
    ours = Network(PAPER_SIZES)
    theirs = Network((784, 16, 16, 10)).n_params
    return [Slip(
        "Minimising the cost: the number of parameters",
        f"A typical digit network \"could take in over 13000 parameters\". Read literally this "
        f"is true of the paper's own 784-32-16-10 ({ours.n_params:,} is over 13,000); the check "
        f"tests the reading \"about 13,000\", which is an interpretation: that is the count of "
        f"784-16-16-10 ({theirs:,}), the network of 3Blue1Brown's videos, the paper's source "
        f"[11], about half the paper's own.",
        "over 13000, read as about 13,000", f"{ours.n_params:,} for the paper's 784-32-16-10",
        "The course counts with Network.n_params and says which network it counts.", "arithmetic",
        Check(lambda count: abs(count - ours.n_params) <= 0.05 * ours.n_params, lambda: 13000,
              lambda: count_parameters(PAPER_SIZES)))]


def forward_slips():
    """The slips from the paper's architecture section to its cost function, in its order."""
    return (_architecture() + [_normalizing()] + _weighted_sum() + _output_layer()
            + [_dot_product()] + _figure_6() + _fired() + _cost() + _parameter_count())

