"""Many networks trained at once, in stacks: how lesson 7 trains the paper's 780 networks.

The paper trains 800 networks (20 batch sizes x 40 learning rates, one epoch each). Trained one at
a time, a network of this size spends much of its time in Python going round the loop for small
matrix products, not in arithmetic. So the networks that share a batch size and a seed are
trained *together*, in stacks of R networks:

  * they see the same mini-batches in the same order (``training.batch_order``, as ``train``
    does), and they all start from the same ``Network(sizes, init, seed)``;
  * each weight matrix becomes a stack: ``W[l]`` has shape (R, n_l, n_(l-1)) and ``W[l][r]`` is
    network r's W^l; likewise ``b[l]`` has shape (R, n_l, 1) and a^l has shape (R, n_l, m);
  * the learning rate is a stack too, shape (R, 1, 1), so ``W[l] -= lr * nabla_W[l]`` moves each
    network with its own rate.

The formulas are lesson 5's, unchanged; ``@`` on stacks multiplies matrix r by matrix r. One
thing is better than that: the input x is the *same* for all R networks, so W^1 x for all of
them is a single product of the R matrices W^1 stacked on top of each other, (R n_1, n_0) @
(n_0, m), and so is nabla_W^1 = delta^1 x^T. That is where nearly all the arithmetic is (n_0 =
784), and one call on a big product runs nearer full speed than R calls on small ones.

A stack should not be too large either: every step reads and writes all of its W^1, and that is
fast only while they fit in the processor's cache (``sweep.STACK_BYTES``, ``sweep.stacks``).

Every network in a stack does the same arithmetic as ``Network._sgd_step`` on its own, so a run
trained here is the run ``train`` would give (``tests/test_sweep.py`` checks it). Only the order
in which a matrix product adds up its terms may differ, in the last bits, and it differs from
one BLAS library to another; at learning rates above about 8 training is chaotic and those last
bits can grow into a different result.

A stack can also train one of lesson 8's hypotheses about the paper (``paper.hypotheses``): its
start, pixel scale and batch order are chosen in :func:`train_stack` and the sweep, and its
output-layer deltas and backward recursion are hooks of :meth:`Stack.sgd_step`. The default,
``OURS``, is the correct training above, with exactly the same arithmetic.

Like ``train``, a stack trains with one BLAS thread (``training.one_blas_thread``): on a busy
2-core machine a second thread mostly waits for a core (the full grid took 264 s with two
threads, 88 s with one).
"""
from __future__ import annotations

import numpy as np

from ..checks import check_lr
from ..engine import sigmoid_
from ..paper.hypotheses import OURS
from ..training import MiniBatches, one_blas_thread


def _times(M, A):
    """M @ A for a stack M (R, p, q). If A is ONE matrix (q, m) shared by all R networks, that
    is a single product (R p, q) @ (q, m) rather than R small ones."""
    if A.ndim == 3:
        return M @ A
    R, p, q = M.shape
    return (M.reshape(R * p, q) @ A).reshape(R, p, A.shape[1])


def _T(a):
    """The transpose of every matrix in a stack (or of one matrix)."""
    return np.swapaxes(a, -1, -2)


class Stack:
    """R networks of the same sizes, trained side by side: ``W[l][r]`` is network r's W^l.

    ``rule`` is the hypothesis they train under (``paper.hypotheses``; ``OURS``: correct)."""

    def __init__(self, nets, rule=OURS):
        nets = list(nets)
        if not nets or len({(net.sizes, net.dtype) for net in nets}) != 1:
            raise ValueError("a stack needs at least one network, all of the same sizes and dtype")
        self.sizes, self.L, self.dtype, self.R = nets[0].sizes, nets[0].L, nets[0].dtype, len(nets)
        self._first = nets[0]  # what network(r) copies its sizes, init and seed labels from
        self.rule = rule
        self.W = [None] + [np.stack([net.W[l] for net in nets]) for l in range(1, self.L + 1)]
        self.b = [None] + [np.stack([net.b[l] for net in nets]) for l in range(1, self.L + 1)]

    def network(self, r):
        """Network r of the stack, as an ordinary (independent) ``Network``."""
        net = self._first.copy()
        net.W = [None] + [w[r].copy() for w in self.W[1:]]
        net.b = [None] + [b[r].copy() for b in self.b[1:]]
        return net

    def activations(self, X):
        """[a^0, a^1, ..., a^L] for all R networks: a^0 = X (n_0, m), then stacks (R, n_l, m)."""
        a = [X]
        with np.errstate(over="ignore"):  # e^(-z) = inf for very negative z gives sigma = 0
            for l in range(1, self.L + 1):
                z = _times(self.W[l], a[-1])
                z += self.b[l]
                a.append(sigmoid_(z))
        return a

    def sgd_step(self, X, Y, lr):
        """One gradient-descent step of every network on the same batch (X, Y), lr of shape (R,1,1).

        Lesson 5's four equations, on stacks, computed in place where an array is not needed
        again. delta^L carries the factor lr (every gradient is linear in it), so the products
        below are already the steps lr dC/dW^l and lr dC/db^l. The step of layer l is taken as
        soon as it is known: delta^(l-1) needs only the old W^l, computed just before.
        """
        a, L = self.activations(X), self.L
        # what dC/dW^L, dC/db^L and the error carried back use: delta^L all three, when correct
        # g: dC/da^l (times lr), kept only for a rule whose recursion needs it
        d_W, d_b, delta, g = self.rule.output_deltas(a[L], Y, lr, X.shape[1])
        for l in range(L, 0, -1):
            step_W = _times(d_W, _T(a[l - 1]))
            step_b = d_b.sum(axis=2, keepdims=True)
            if l > 1:
                g = self.rule.dC_da(self.W[l], delta, a[l], g)
                below = g * (a[l - 1] * (1.0 - a[l - 1]))
            self.W[l] -= step_W
            self.b[l] -= step_b
            if l > 1:
                d_W = d_b = delta = below

    def accuracy(self, X, y, chunk=2500):
        """Test accuracy of each network in %, shape (R,). The test set goes through in chunks so
        that a^1 for all R networks never needs much memory; each chunk's pixels are scaled as
        the rule trains them (255 times for pixels left in 0..255)."""
        right, pixels = np.zeros(self.R), self.rule.pixels
        for k in range(0, X.shape[1], chunk):
            x = np.asarray(X[:, k:k + chunk], dtype=self.dtype)
            a_L = self.activations(x if pixels == 1.0 else x * self.dtype.type(pixels))[-1]
            right += np.sum(np.argmax(a_L, axis=1) == y[k:k + chunk], axis=1)
        return 100.0 * (right / len(y))  # as evaluate: 100 x the fraction right


def train_stack(stack, data, epochs=1, batch_size=40, lrs=(4.0,), seed=0, callback=None):
    """Train every network of ``stack`` with its own learning rate ``lrs[r]``, like ``train``.

    Returns the test accuracies in %, shape (epochs, R): row e is after epoch e + 1.
    ``callback(fraction)`` is called after every mini-batch with the fraction done, 0 to 1.
    The stack's rule chooses the batch order and the pixel scale (``paper.hypotheses``).
    """
    with one_blas_thread():  # as train, and for the same reason
        lr = np.array([check_lr(x) for x in lrs], dtype=stack.dtype).reshape(-1, 1, 1)
        if len(lr) != stack.R:
            raise ValueError(f"{len(lr)} learning rates for a stack of {stack.R} networks")
        batches = MiniBatches(data.X_train, data.y_train, stack.sizes[-1], stack.dtype,
                              batch_size, epochs, seed)  # as train: the same batches
        rule = stack.rule
        if rule.pixels != 1.0:  # a new array: the rows may be the data's own memory
            batches.rows = batches.rows * stack.dtype.type(rule.pixels)
        accuracy = []
        for epoch, order in enumerate(rule.batch_order(len(batches.rows), batches.batch_size,
                                                       epochs, seed)):
            for k, idx in enumerate(order):
                stack.sgd_step(*batches.gather(idx), lr)
                if callback is not None:
                    callback((epoch + (k + 1) / len(order)) / epochs)
            accuracy.append(stack.accuracy(data.X_test, data.y_test))
        return np.array(accuracy)
