"""The training engine: Network.sgd_step's mini-batch gradient descent, fast, with the same numbers.

``network.py`` is written to be read (lesson 5): every step builds fresh arrays, which is the
clearest way to write the four equations. Training runs those equations tens of thousands of times
on small matrices, where the time goes into everything around the matrix products: allocating
arrays, gathering the batch, one NumPy call per operation. This module runs the same equations
with the speed work kept out of the lesson code:

  * buffers: every array a step needs is allocated once per batch size, and NumPy writes into it
    (``out=``) instead of allocating a new one;
  * the sigmoid is computed in place, and its overflow is silenced rather than clipped: for very
    negative z, e^(-z) overflows to inf and 1 / (1 + inf) = 0 is exactly the limit wanted;
  * the batch cost comes from the output error a^L - y that backpropagation needs anyway;
  * the learning rate multiplies delta^L once: every gradient is linear in delta^L, so all of
    them come out already multiplied by lr and a step is one subtraction per matrix;
  * a mini-batch is gathered into a buffer from training data stored one example per row, so
    each example is one contiguous read, and ``.T`` gives the paper's columns for free;
  * memory layout: every buffer stores one example per row, seen through ``.T`` as the paper's
    columns, and W^l is stored column by column (Fortran order). Then W^1 a^0, the largest
    product, is the layout BLAS computes fastest (about a quarter less time than row order at
    batches of 40 to 100). The values are unchanged; only the order in memory differs.

The arithmetic is the same as ``Network._sgd_step`` up to rounding (tests/test_engine.py).
"""
from __future__ import annotations

import numpy as np

from .checks import check_lr, l2_rate
from .costs import cost


class Engine:
    """Mini-batch SGD for one network on one training set ``X``, ``Y`` (one example per column).

    The data are copied once into one-example-per-row arrays of the network's dtype (free when
    they already are, as :func:`~nnlesson.data.load_mnist` stores them). Each ``net.W[l]`` is
    replaced once by the same matrix in Fortran order; from then on ``W[l]`` and ``b[l]`` are
    updated in place, so anything holding ``net`` sees every step.
    """

    def __init__(self, net, X, Y):
        X, Y = np.asarray(X), np.asarray(Y)
        if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != net.sizes[0] or Y.shape[0] != net.sizes[-1]:
            raise ValueError(f"X must have shape ({net.sizes[0]}, n) and Y ({net.sizes[-1]}, n), "
                             f"one example per column; got {X.shape} and {Y.shape}")
        if X.shape[1] != Y.shape[1]:
            raise ValueError(f"X has {X.shape[1]} examples but Y has {Y.shape[1]}")
        self.rows = np.ascontiguousarray(X.T, dtype=net.dtype)
        self.Y_rows = np.ascontiguousarray(Y.T, dtype=net.dtype)
        for name, values in (("X", self.rows), ("Y", self.Y_rows)):
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{name} contains NaN or infinite values")
        if net.output == "softmax" and not np.allclose(self.Y_rows.sum(axis=1), 1.0):
            raise ValueError("with softmax outputs each column of Y must add up to 1 (a one-hot "
                             "label): delta^L = a^L - y holds only then")
        self.net, self._buffers = net, {}
        for l in range(1, net.L + 1):  # once; same values (see the module docstring)
            net.W[l] = np.asfortranarray(net.W[l])

    def run_epoch(self, batches, lr, on_batch=None, l2=0.0):
        """One step of gradient descent per batch of ``batches`` (index arrays), in that order.

        Returns the list of batch costs, each measured before its step (as ``sgd_step``).
        ``on_batch(k, loss)`` is called after batch k (1-based); if it returns True the epoch
        stops there, and the list holds the costs of the batches taken. ``l2`` is lambda of L2
        regularisation (``sgd_step``'s), with n the number of training examples given.
        """
        lr, decay = check_lr(lr), l2_rate(l2, len(self.rows))
        batches = self._check_batches(batches)
        losses = []
        for k, idx in enumerate(batches, start=1):
            losses.append(self.step(idx, lr, decay))
            if on_batch is not None and on_batch(k, losses[-1]):
                break
        return losses

    def step(self, idx, lr, decay=0.0):
        """One gradient-descent step on the examples ``idx``; returns the batch cost before it.
        ``decay`` is lambda / n of L2 regularisation (0: none)."""
        buf = self._buffers.get(len(idx)) or self._make_buffers(len(idx))
        # Indices are checked once per epoch (_check_batches), so "wrap" never wraps; it spares
        # NumPy the checking copy that the default mode makes.
        self.rows.take(idx, axis=0, out=buf["x"], mode="wrap")
        self.Y_rows.take(idx, axis=0, out=buf["y"], mode="wrap")
        # e^(-z) = inf gives sigma = 0, as it should. Nothing else in a step can overflow short of
        # weights near 1e38 (float32), so no warning that matters is silenced.
        with np.errstate(over="ignore"):
            a = self._feedforward(buf)
            return self._backpropagate(buf, a, lr, decay)

    def _feedforward(self, buf):
        """a^l = sigma(W^l a^(l-1) + b^l) for l = 1..L, each written into its buffer."""
        net, a = self.net, [buf["x"].T]  # a^0: the batch's rows, seen as columns
        for l in range(1, net.L + 1):
            z = buf["a"][l]
            np.matmul(net.W[l], a[l - 1], out=z)
            z += net.b[l]
            a.append(softmax_(z) if l == net.L and net.output == "softmax" else sigmoid_(z))
        return a

    def _backpropagate(self, buf, a, lr, decay):
        """Lesson 5's four equations, then the step; returns the batch cost.

        delta^L = 2 (a^L - y) o sigma'(z^L) / m,   delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l),
        dC/dW^l = delta^l (a^(l-1))^T,              dC/db^l = delta^l summed over the batch,
        with sigma'(z^l) = a^l (1 - a^l); for cross-entropy delta^L = (a^L - y) / m (network.py).
        Here delta^L also carries the factor lr, so the products below are the steps
        lr dC/dW^l and lr dC/db^l themselves. L2's extra term, lr (lambda / n) W^l, is taken as
        the weight decay W^l <- (1 - lr lambda / n) W^l, one multiplication in place.
        """
        net, L, m = self.net, self.net.L, a[0].shape[1]
        delta = buf["delta"][L]
        np.subtract(a[L], buf["y"].T, out=delta)             # a^L - y
        if net.cost_name == "cross-entropy":
            loss = cost(a[L], buf["y"].T, net.cost_name, net.output)
            delta *= lr / m
        else:
            loss = float(np.vdot(delta, delta)) / m           # cost(): sum of squares / m
            times_sigma_prime(delta, a[L], buf["s"][L])
            delta *= 2.0 * lr / m
        for l in range(L, 0, -1):
            np.matmul(delta, a[l - 1].T, out=buf["step_W"][l])
            np.matmul(delta, buf["ones"], out=buf["step_b"][l])  # the sum over the batch
            if l > 1:  # delta^(l-1) needs W^l as it was before this step
                below = buf["delta"][l - 1]
                np.matmul(net.W[l].T, delta, out=below)
                delta = times_sigma_prime(below, a[l - 1], buf["s"][l - 1])
            if decay:
                net.W[l] *= 1.0 - lr * decay
            net.W[l] -= buf["step_W"][l]
            net.b[l] -= buf["step_b"][l]
        return loss

    def _make_buffers(self, m):
        """Every array one step on m examples needs, by layer (index 0 unused, as in W[0])."""
        net, dt = self.net, self.net.dtype
        per_layer = [None] + [np.empty((m, n), dt).T for n in net.sizes[1:]]  # (n, m) columns
        buf = {
            "x": np.empty((m, net.sizes[0]), dt),
            "y": np.empty((m, net.sizes[-1]), dt),
            "ones": np.ones((m, 1), dt),
            "a": per_layer,
            "delta": [None] + [np.empty_like(x) for x in per_layer[1:]],
            "s": [None] + [np.empty_like(x) for x in per_layer[1:]],
            "step_W": [None] + [np.empty_like(w) for w in net.W[1:]],
            "step_b": [None] + [np.empty_like(b) for b in net.b[1:]],
        }
        self._buffers[m] = buf
        return buf

    def _check_batches(self, batches):
        """A list of non-empty integer index arrays, each index a training example."""
        batches = [np.asarray(idx) for idx in batches]
        if not batches or any(idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu"
                              for idx in batches):
            raise ValueError("batches must be a list of non-empty 1-D arrays of example indices, "
                             "as training.batch_order makes them")
        every, n = np.concatenate(batches), len(self.rows)
        if every.min() < 0 or every.max() >= n:
            raise ValueError(f"batch indices must lie in 0..{n - 1} (there are {n} examples), "
                             f"got {every.min()}..{every.max()}")
        return batches


def sigmoid_(z):
    """sigma(z) = 1 / (1 + e^(-z)), overwriting z; returns z."""
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def softmax_(z):
    """softmax down each column of z, overwriting z; returns z. z - max(z) keeps e^z <= 1."""
    z -= z.max(axis=0)
    np.exp(z, out=z)
    z /= z.sum(axis=0)
    return z


def times_sigma_prime(delta, a, scratch):
    """delta o sigma'(z) = delta o a (1 - a), overwriting delta; returns delta."""
    np.subtract(1.0, a, out=scratch)
    scratch *= a
    delta *= scratch
    return delta


def run_epoch(net, X, Y, batches, lr, on_batch=None, l2=0.0):
    """One epoch of :class:`Engine` (see there): for a single epoch; reuse an Engine for more."""
    return Engine(net, X, Y).run_epoch(batches, lr, on_batch, l2)
