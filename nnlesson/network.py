"""The paper's feed-forward sigmoid network, in the paper's notation.

Lessons 2 (feedforward), 4 (chain rule) and 5 (backpropagation) derive every line of this file.

Notation, as in the paper:
  * layers are numbered l = 0 (the input x) .. L (the output); superscripts are layers, not powers;
  * ``W[l]`` is the weight matrix of layer l, shape (n_l, n_(l-1)): entry ``W[l][j, k]`` is
    w^l_(j,k), the weight from neuron k of layer l-1 to neuron j of layer l;
  * ``b[l]`` is the bias column of layer l, shape (n_l, 1);
  * z^l = W^l a^(l-1) + b^l  and  a^l = sigma(z^l), with a^0 = x.
  ``W[0]`` and ``b[0]`` are ``None`` so that the indices in code match the indices on the page.

A batch of m examples is a matrix with one example per *column*, shape (n_0, m), exactly as the
paper stacks its input column vectors side by side; then the formulas above hold unchanged.

The cost. For one example the paper writes C_t = sum_i (a^L_i - y_i)^2 / n in one place and
C_t = sum_i (a^L_i - y_i)^2 in another. We use the *sum* (no division by the number of outputs)
everywhere, because it is the cost whose derivative the paper then computes, dC_t/da^L = 2(a^L - y).
The cost of a batch is the mean of C_t over its examples, and so its gradient is the mean of the
per-example gradients (the paper's "every gradient for each training example must be averaged").
Cross-entropy and softmax outputs are choices too (:class:`Network`); the paper's is the default.
"""
from __future__ import annotations

import numpy as np

from .checks import check_cost_output, check_lr, check_seed, check_sizes, l2_rate
from .costs import cost, softmax

INITS = ("scaled", "classic")
PAPER_SIZES = (784, 32, 16, 10)  # the paper's network: 784 pixels, hidden 32 and 16, 10 digits


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^(-z)), without overflow warnings at any z.

    e^(-z) overflows float64 for z < -709 (float32: z < -88). Long before that, sigma(z) is 0 to
    within the precision of the type, so clipping z there changes no value a learner could see,
    and keeps lr = 20 runs free of warnings.
    """
    z = np.asarray(z)
    limit = 80.0 if z.dtype == np.float32 else 700.0
    return 1.0 / (1.0 + np.exp(-np.clip(z, -limit, limit)))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), the paper's Appendix 1."""
    s = sigmoid(z)
    return s * (1.0 - s)


class Network:
    """A fully connected sigmoid network ``sizes = (n_0, n_1, ..., n_L)``.

    ``init`` chooses the random starting point, from a generator seeded with ``seed``:
      * ``"classic"``: every weight and bias drawn from N(0, 1), as in most textbooks and the paper;
      * ``"scaled"``: weights from N(0, 1/n_(l-1)), biases from N(0, 1). A neuron with 784 inputs
        then starts with z of spread about 1 instead of about 10, so it is not saturated
        (sigma' near 0) before it has learned anything: lesson 6 shows the difference.

    ``cost`` ("quadratic", "cross-entropy") and ``output`` ("sigmoid", "softmax": layer L's
    function) choose what is minimised (:func:`cost`). Quadratic with softmax is refused: its
    delta^L needs the softmax Jacobian, which the course does not derive.
    """

    def __init__(self, sizes=PAPER_SIZES, init="scaled", seed=0, dtype=np.float64,
                 cost="quadratic", output="sigmoid"):
        sizes = check_sizes(sizes)
        seed = check_seed(seed)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.cost_name, self.output = check_cost_output(cost, output)
        self.sizes, self.init, self.seed = sizes, init, seed
        self.L = len(sizes) - 1
        rng = np.random.default_rng(seed)
        self.W, self.b = [None], [None]
        for n_prev, n in zip(sizes[:-1], sizes[1:]):
            spread = 1.0 if init == "classic" else 1.0 / np.sqrt(n_prev)
            self.W.append((rng.standard_normal((n, n_prev)) * spread).astype(self.dtype))
            self.b.append(rng.standard_normal((n, 1)).astype(self.dtype))

    def __repr__(self):
        shape = "-".join(map(str, self.sizes))
        choice = "" if self.cost_name == "quadratic" else \
            f", cost={self.cost_name!r}, output={self.output!r}"  # quadratic means sigmoid
        return (f"Network({shape}, init={self.init!r}, seed={self.seed}, "
                f"dtype={self.dtype.name}{choice})")

    @property
    def n_params(self):
        """How many weights and biases the network has (784-32-16-10: 25,818)."""
        return sum(self.W[l].size + self.b[l].size for l in range(1, self.L + 1))

    # ---- input checks: a learner's wrong shape gets a sentence, not a broadcasting surprise ----

    def as_batch(self, X, name="X", rows=None):
        """``X`` as a batch for this network, shape (n_0, m) in its dtype, or a ValueError that says
        what is wrong with its shape or values (``rows``: the size expected, n_0 by default)."""
        rows = self.sizes[0] if rows is None else rows
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:  # one example given as a flat vector: make it a column
            X = X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[0] != rows:
            raise ValueError(
                f"{name} must have shape ({rows}, m), one example per column, got {X.shape}"
                + (" (did you mean its transpose?)" if X.ndim == 2 and X.shape[1] == rows else ""))
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{name} contains NaN or infinite values")
        return X

    def _check_pair(self, X, Y):
        X = self.as_batch(X)
        Y = self.as_batch(Y, "Y", rows=self.sizes[-1])
        if X.shape[1] != Y.shape[1]:
            raise ValueError(f"X has {X.shape[1]} examples but Y has {Y.shape[1]}")
        if self.output == "softmax" and not np.allclose(Y.sum(axis=0), 1.0):
            raise ValueError("with softmax outputs each column of Y must add up to 1 (a one-hot "
                             "label): delta^L = a^L - y holds only then")
        return X, Y

    # ---- the mathematics ----

    def feedforward(self, X):
        """a^L for a batch X of shape (n_0, m): apply a^l = sigma(W^l a^(l-1) + b^l) for l = 1..L
        (with softmax outputs, a^L = softmax(z^L) instead)."""
        return self.activations(X)[-1]

    def activations(self, X):
        """The list [a^0, a^1, ..., a^L], each of shape (n_l, m). a^0 is X itself."""
        return self._activations(self.as_batch(X))

    def _activations(self, a):
        a_list = [a]
        for l in range(1, self.L + 1):
            z = self.W[l] @ a + self.b[l]
            a = softmax(z) if l == self.L and self.output == "softmax" else sigmoid(z)
            a_list.append(a)
        return a_list

    def backprop(self, X, Y, l2=0.0, n=None):
        """The gradient of the batch cost: lists ``nabla_W``, ``nabla_b`` with dC/dW^l, dC/db^l.

        Index 0 of each list is None, like ``W[0]``. The four equations of lesson 5:
          delta^L   = 2 (a^L - y) o sigma'(z^L)     (cross-entropy: a^L - y, sigma' cancels)
          delta^l   = (W^(l+1))^T delta^(l+1) o sigma'(z^l)
          dC/dW^l   = delta^l (a^(l-1))^T
          dC/db^l   = delta^l, summed over the batch's columns (one column per example)
        where o is the entry-by-entry product and sigma'(z^l) = a^l (1 - a^l). With m examples as
        columns, the product delta^l (a^(l-1))^T already sums over the batch; dividing delta^L by
        m once makes every gradient the batch mean.

        With L2 regularisation (lesson 8: ``l2`` = lambda > 0, ``n`` training examples) the cost
        gains (lambda / 2n) sum w^2 over every weight, and dC/dW^l gains (lambda / n) W^l.
        """
        decay = l2_rate(l2, n)
        X, Y = self._check_pair(X, Y)
        nabla_W, nabla_b, _ = self._backprop(X, Y)
        return [None] + [nabla_W[l] + decay * self.W[l] for l in range(1, self.L + 1)], nabla_b

    def _backprop(self, X, Y):
        a = self._activations(X)
        L, m = self.L, X.shape[1]
        nabla_W, nabla_b = [None] * (L + 1), [None] * (L + 1)
        delta = self._output_delta(a[L], Y) / m
        for l in range(L, 0, -1):
            nabla_W[l] = delta @ a[l - 1].T
            nabla_b[l] = delta.sum(axis=1, keepdims=True)
            if l > 1:
                delta = (self.W[l].T @ delta) * a[l - 1] * (1.0 - a[l - 1])
        return nabla_W, nabla_b, a[L]

    def _output_delta(self, a_L, Y):
        """dC_t/dz^L for one example per column: the one equation the cost choice changes."""
        if self.cost_name == "cross-entropy":
            return a_L - Y  # sigma' (or softmax's Jacobian) cancels: nnlesson/derivations/costs.py
        return 2.0 * (a_L - Y) * a_L * (1.0 - a_L)

    def cost(self, X, Y, l2=0.0, n=None):
        """The batch cost of this network's outputs for (X, Y), with its own cost and output;
        with ``l2`` = lambda > 0, plus the penalty (lambda / 2n) sum w^2 (:meth:`backprop`)."""
        decay = l2_rate(l2, n)
        X, Y = self._check_pair(X, Y)
        penalty = decay / 2 * sum(np.sum(self.W[l] ** 2) for l in range(1, self.L + 1))
        return cost(self._activations(X)[-1], Y, self.cost_name, self.output) + penalty

    def sgd_step(self, X, Y, lr, l2=0.0, n=None):
        """One step of gradient descent on the batch (X, Y): W^l -= lr dC/dW^l, b^l -= lr dC/db^l.

        With L2 (``l2`` = lambda, ``n`` training examples) the weights' step has one more term:
        W^l -= lr (dC_0/dW^l + (lambda / n) W^l), that is W^l <- (1 - lr lambda / n) W^l - lr
        dC_0/dW^l: each step first shrinks every weight a little ("weight decay").
        Returns the batch cost C_0 *before* the step (it comes free with the forward pass),
        without the penalty, so that runs with and without L2 report costs on the same scale.
        """
        check_lr(lr)
        decay = l2_rate(l2, n)
        X, Y = self._check_pair(X, Y)
        return self._sgd_step(X, Y, lr, decay)

    def _sgd_step(self, X, Y, lr, decay=0.0):
        nabla_W, nabla_b, a_L = self._backprop(X, Y)
        for l in range(1, self.L + 1):
            self.W[l] -= lr * (nabla_W[l] + decay * self.W[l])  # decay = lambda / n, 0 without L2
            self.b[l] -= lr * nabla_b[l]
        return cost(a_L, Y, self.cost_name, self.output)

    def predict(self, X):
        """The digit the network chooses for each column of X: the index of the largest a^L_i."""
        return np.argmax(self.feedforward(X), axis=0)

    def copy(self):
        """An independent copy (same sizes, weights and biases)."""
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.W = [None] + [w.copy() for w in self.W[1:]]
        other.b = [None] + [b.copy() for b in self.b[1:]]
        return other
