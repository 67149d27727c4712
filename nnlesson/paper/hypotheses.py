"""Why does the paper score lower? Each hypothesis executes ONE thing as the paper printed it.

Our grid with the paper's own N(0, 1) start follows the paper's pattern but sits 12-16 points
higher. Each :class:`Hypothesis` below changes one thing in otherwise correct training (lesson
6's, with the ``classic`` N(0, 1) start) so that it does what the paper's text says, or what its
Java program most likely did. Lesson 8 trains each as a full 780-network grid
(``python -m nnlesson sweep --variant NAME``) and compares it with the paper's tables
(:mod:`.hypothesis_fit`).

A hypothesis is a few switches, each a hook of the stacked trainer (``tools/stack.py``):

  * ``start``: the random start (None: the sweep's ``--init``, N(0, 1) by default);
  * ``pixels``: what a white pixel is worth (1.0, or 255.0 for pixels left in 0..255);
  * ``shuffle``: whether each epoch shuffles the images (:meth:`Hypothesis.batch_order`);
  * the output layer's three uses of delta^L (:meth:`Hypothesis.output_deltas`): for dC/dW^L,
    for dC/db^L and for the error carried back; ``w_factor``, ``bias_y0``, ``sigma_z0``,
    ``cost_over_n`` and ``mean_over`` change them;
  * ``recursion``: how dC/da^(l-1) is computed from layer l (:meth:`Hypothesis.dC_da`).

Every hook works on one network (arrays (n, m)) and on a stack of R networks ((R, n, m)) alike:
neurons are always axis -2 and examples axis -1. Where a slip cannot be executed literally (a
sum over an example that does not exist, a weight matrix of the wrong shape), the hypothesis
takes the nearest executable reading, and its ``reading`` says which. Two grids combine
readings and say so: matrix_slips, and product_of_sums_all (a second reading of one slip).

Worth knowing when reading the results: the paper's own summary of backpropagation ("In
summary: ...") prints the last layer's two gradients correctly and the recursion as a product of
two sums, with dC/da^(L-1) given separately and correctly. Executed as printed (the
recursion's layer index read as the shapes require), that summary is exactly the hypothesis
product_of_sums.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import Network
from ..training import batch_order as shuffled_order

@dataclass(frozen=True)
class Hypothesis:
    """One reading of the paper, executed. The defaults are the course's correct training."""
    name: str
    description: str            # one line
    words: str = ""             # the paper's own words or equation, quoted
    reading: str = ""           # how it is executed, where the words alone cannot be
    start: str | None = None    # "uniform01", "uniform11", or None: the sweep's --init
    pixels: float = 1.0         # a white pixel's value
    shuffle: bool = True
    w_factor: float = 1.0       # dC/dW^L multiplied by this
    bias_y0: bool = False       # dC/db^L uses a^L - y_0
    sigma_z0: bool = False      # row 1 of dC/dW^L uses sigma'(z_0^L)
    cost_over_n: bool = False   # C_t divided by the number of outputs n
    mean_over: str = "m"        # the batch's gradient sum over "m", "m-1", "1" or "n" (outputs)
    recursion: str = "sum of products"  # or "product of sums" (below L-1), "product of sums, all"

    def network(self, sizes, init, seed, dtype):
        """The starting network: ``Network(sizes, init, seed, dtype)``, or this hypothesis's own
        start drawn from the same generator in the same order (W^1, b^1, W^2, ...)."""
        net = Network(sizes, init, seed, dtype)
        if self.start is None:
            return net
        rng = np.random.default_rng(seed)
        for l in range(1, net.L + 1):
            for params in (net.W, net.b):
                u = rng.random(params[l].shape)  # [0, 1), as Java's Math.random()
                params[l] = (u if self.start == "uniform01" else 2.0 * u - 1.0).astype(net.dtype)
        return net

    def batch_order(self, n, batch_size, epochs, seed):
        """The mini-batches of each epoch (``training.batch_order``), or 0..n-1 in order."""
        if self.shuffle:
            return shuffled_order(n, batch_size, epochs, seed)
        return ([np.arange(k, min(k + batch_size, n)) for k in range(0, n, batch_size)]
                for _ in range(epochs))

    def divisor(self, m, n):
        """What the sum of a batch's m per-example gradients is divided by (n: outputs)."""
        return {"m": m, "m-1": max(m - 1, 1), "1": 1, "n": n}[self.mean_over]

    def output_deltas(self, a_L, Y, lr, m):
        """(for dC/dW^L, for dC/db^L, carried back, g): the first three lr times dC_t/dz^L /
        divisor, per example. Correct training uses delta^L = 2 (a^L - y) o sigma'(z^L) for all
        three; the arithmetic is then exactly the stack's before hypotheses existed. g is
        dC/da^L on the same scale where the recursion needs it (else None)."""
        scale = lr * (2.0 / self.divisor(m, a_L.shape[-2]))
        if self.cost_over_n:
            scale = scale / a_L.shape[-2]
        s_prime = a_L * (1.0 - a_L)
        delta = a_L - Y
        delta *= s_prime
        delta *= scale
        d_W = d_b = delta
        if self.w_factor != 1.0:
            d_W = delta * self.w_factor
        if self.sigma_z0:
            d_W = delta.copy()
            d_W[..., 1:2, :] = (a_L[..., 1:2, :] - Y[..., 1:2, :]) * s_prime[..., 0:1, :] * scale
        if self.bias_y0:
            d_b = (a_L - Y[..., :1, :]) * s_prime * scale
        g = (a_L - Y) * scale if self.recursion == "product of sums, all" else None
        return d_W, d_b, delta, g

    def dC_da(self, W, delta, a, g):
        """dC/da^(l-1) from layer l: W^l its weights, delta the error dC/dz^l, a = a^l and
        g = dC/da^l (None where the rule does not need it). Correct: (W^l)^T delta^l, a sum of
        products."""
        W_T = np.swapaxes(W, -1, -2)
        if self.recursion == "sum of products" or g is None:
            return W_T @ delta
        return (W_T @ (a * (1.0 - a))) * g.sum(axis=-2, keepdims=True)


HYPOTHESES = {h.name: h for h in [
    Hypothesis("ours", "the course's correct training, N(0, 1) start (the baseline)", ""),
    Hypothesis("factor_2_twice", "dC/dW^L with the factor 2 twice, as in the one-neuron formula",
        "dC_t/dw^L = (a^(L-1)) sigma'(z^L) 2(a^L - y) = 2 sigma'(z^L) (a^(L-1)) 2(a^L - y)",
        "The right-hand side is executed for the last layer's weights only: dC/dW^L is twice the "
        "correct one. dC/db^L (printed with one 2) and the error carried back are correct.",
        w_factor=2.0),
    Hypothesis("y0_in_bias", "dC/db^L with y_0 for every output, as in the matrix summary",
        "dC_t/db^L = 2 sigma'(z^L)(a^L - y_0)",
        "Every output neuron j subtracts y_0, the expected value of digit 0, instead of y_j; "
        "dC/dW^L and the error carried back are correct.", bias_y0=True),
    Hypothesis("sigma_z0", "row 1 of dC/dW^L uses sigma'(z_0^L), as the printed column does",
        "2 [a_0 - y_0; a_1 - y_1; ...; a_i - y_i] sigma'[z_0^L; z_0^L; ...; z_i^L] . T(a^(L-1))",
        "Only the second entry of the column is a slip (z_0 where z_1 belongs), so only row 1 of "
        "dC/dW^L changes; dC/db^L and the error carried back are correct.", sigma_z0=True),
    Hypothesis("k_plus_1_over_k", "the batch's gradient sum divided by K = m - 1, not by its m terms",
        "dC/dw^L = 1/n sum_{k=0}^{n} dC_k/dw^L;  C = sum_{k=0}^{K} C_k / K",
        "K + 1 terms, k = 0..K, over K. A batch has m examples, not m + 1, so the nearest "
        "executable reading is K = m - 1: the sum of the m gradients over m - 1 (the mean times "
        "m/(m-1); a batch of one is divided by 1).", mean_over="m-1"),
    Hypothesis("cost_over_n", "the cost of one example divided by its n = 10 outputs",
        "C_t(a^L, y) = sum_{i=1}^{n} (a_i^L - y_i)^2 / n",
        "Every gradient is that of the cost over n = 10, so a tenth of the correct one (the "
        "paper's own dC/da^L = 2(a^L - y) is the derivative of the sum).", cost_over_n=True),
    Hypothesis("product_of_sums", "the recursion dC/da^(L-j) as a product of two sums",
        "dC_t/da_k^(L-j) = sum_i w_(i,k)^(L-j) sigma'(z_i^(L-h)) (sum_i dC_t/da_i^(L-j+1))",
        "Its layers are one too low (W^(L-j) has the wrong shape for a_k^(L-j) in a 784-32-16-10 "
        "network), so they are read as L-j+1, h as j - 1: dC/da_k^(l-1) = (sum_i w^l_(i,k) "
        "sigma'(z^l_i)) (sum_i dC/da^l_i). It starts at dC/da^(L-2): the paper gives dC/da^(L-1) "
        "separately, correctly, as the recursion's base case.", recursion="product of sums"),
    Hypothesis("product_of_sums_all", "the recursion as a product of two sums at every layer, L-1 too",
        "dC_t/da_k^(L-j) = sum_i w_(i,k)^(L-j) sigma'(z_i^(L-h)) (sum_i dC_t/da_i^(L-j+1))",
        "As product_of_sums, but the general formula is used for j = 1 as well, with dC/da^L = "
        "2(a^L - y), instead of the paper's separate (correct) dC/da^(L-1).",
        recursion="product of sums, all"),
    Hypothesis("matrix_slips", "the many-neuron section's formulas all as printed (a combination)",
        "dC_t/db^L = 2 sigma'(z^L)(a^L - y_0);  sigma'[z_0^L; z_0^L; ...];  dC_t/da_k^(L-j) = "
        "sum_i w_(i,k)^(L-j) sigma'(z_i^(L-h)) (sum_i dC_t/da_i^(L-j+1))",
        "y0_in_bias, sigma_z0 and product_of_sums at once, each read as above: what a program "
        "typed from the matrix formulas line by line would do.",
        bias_y0=True, sigma_z0=True, recursion="product of sums"),
    Hypothesis("uniform01", "every weight and bias drawn from U(0, 1), as Java's Math.random() gives",
        "\"To start this process all the weights and biases are set randomly.\"",
        "The paper does not say how; Math.random() is Java's plainest random number: [0, 1).",
        start="uniform01"),
    Hypothesis("uniform11", "every weight and bias drawn from U(-1, 1)",
        "\"To start this process all the weights and biases are set randomly.\"",
        "2 Math.random() - 1: the plainest start centred on 0.", start="uniform11"),
    Hypothesis("pixels_255", "pixels left as 0..255 instead of scaled to 0..1",
        "\"the value of the pixel would be equal to the activation of the first layer's neurons\"",
        "MNIST stores pixels as bytes 0..255 and the paper never says it divides them by 255 "
        "(though the same paragraph says an activation ranges from 0 to 1). Here 255 times our "
        "[0, 1] values: the integers, to float32 rounding.", pixels=255.0),
    Hypothesis("no_shuffle", "the images in the file's order every epoch, never shuffled",
        "\"a subgroup of the training examples is selected and the gradient for it, is "
        "calculated\"",
        "The paper never mentions shuffling; batches are cut from images 0..59,999 in order.",
        shuffle=False),
    Hypothesis("batch_sum", "the batch's gradients summed, not averaged",
        "\"This final subgroup gradient matrix is then scaled by the learning rate and "
        "subtracted\"",
        "Read as the sum of the batch's per-example gradients (a step m times the mean's). The "
        "paper's own \"every gradient for each training example must be averaged\" argues "
        "against it; it is tested because a program easily forgets to divide.", mean_over="1"),
    Hypothesis("sum_over_n", "the batch's gradient sum divided by n = 10, the number of outputs",
        "dC/dw^L = 1/n sum_{k=0}^{n} dC_k/dw^L  (n, a few lines earlier, is the number of outputs)",
        "n is read as the n the paper had just defined, the number of output neurons, so the sum "
        "of the m examples' gradients is divided by 10 whatever the batch size: steps m/10 times "
        "the mean's (half at batch 5, ten times at batch 100).", mean_over="n"),
]}
OURS = HYPOTHESES["ours"]


def hypothesis(name):
    """The hypothesis called ``name``, or a one-line ValueError listing the names."""
    if name not in HYPOTHESES:
        raise ValueError(f"--variant must be one of {', '.join(HYPOTHESES)}, got {name!r}")
    return HYPOTHESES[name]


def start_of(name, init):
    """The start a sweep of hypothesis ``name`` uses, given ``--init``: the hypothesis's own,
    or ``init``. A hypothesis that draws its own start refuses any init but the default."""
    h = hypothesis(name)
    if h.start is None:
        return init
    if init != "classic":
        raise ValueError(f"--variant {name} draws its own start ({h.start}); leave out --init")
    return h.start
