"""Lesson 2's "your turn" checkers: one neuron's weighted sum, one layer, the whole network.

The expected answers come from ``nnlesson.network`` (``Network.feedforward``, ``sigmoid``); the
shared machinery (``_check``) is in :mod:`nnlesson.lessons.exercises`.
"""
import numpy as np

from ..network import Network, sigmoid
from .exercises import _check, _examples, _inputs

TRANSPOSED = ("It looks like W is transposed: W^l has shape (n_l, n_(l-1)), row j holds the "
              "weights into neuron j, so z = W @ a_prev + b.")
NO_BIAS = "It looks like the bias is missing: z = W @ a_prev + b, then a = sigma(z)."


# ---- one neuron: z^l_j = sum_k w^l_(j,k) a^(l-1)_k + b^l_j ----

def check_weighted_sum(fn):
    """fn(W, a_prev, b, j) should return z_j = sum_k W[j, k] a_prev[k, 0] + b[j, 0], one number."""
    rng, cases = _inputs(), []
    for n, n_prev, j in [(4, 4, 1), (3, 5, 2), (6, 2, 0)]:  # square first: W[:, j] gives a number
        W, b = rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
        a_prev = rng.uniform(size=(n_prev, 1))
        cases.append((f"neuron j = {j} of a layer of {n} neurons fed by {n_prev}",
                      (W, a_prev, b, j), (W @ a_prev + b)[j, 0]))
    mistakes = [
        (lambda W, a, b, j: np.sum(W[:, j] * a[:, 0]) + b[j, 0],
         "You used column j of W, the weights OUT of neuron j of the layer before. The weights "
         "INTO neuron j are row j: W[j, k] is w_(j,k)."),
        (lambda W, a, b, j: np.sum(W[j] * a[:, 0]),
         "The bias is missing: add b[j, 0] once, after the sum."),
        (lambda W, a, b, j: np.sum(W[j] * a[:, 0] + b[j, 0]),
         "You added the bias once per term, n_(l-1) times: add it once, after the sum."),
        (lambda W, a, b, j: sigmoid(np.sum(W[j] * a[:, 0]) + b[j, 0]),
         "That is a_j = sigma(z_j): this exercise asks for z_j, before the sigmoid."),
    ]
    on_error = ("Row j of W is W[j] (or W[j, :]); a_prev is a column, so a_prev[:, 0] is its "
                "entries as a flat array. Then z_j = np.sum(W[j] * a_prev[:, 0]) + b[j, 0].")
    return _check("your weighted sum", fn, cases, mistakes, on_error,
                  "z_j = sum_k W[j, k] a_prev[k] + b[j].", names=("W", "a_prev", "b", "j"))


# ---- one layer: a = sigma(W a_prev + b) ----

def check_feedforward_layer(fn):
    """fn(W, a_prev, b) should return a = sigma(W a_prev + b), for one column or a batch."""
    rng, cases = _inputs(), []
    for n, n_prev, m in [(3, 3, 1), (4, 2, 7), (2, 5, 40)]:  # square first: W.T then gives numbers
        W, b = rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
        a_prev = rng.uniform(size=(n_prev, m))
        cases.append((f"a layer of {n} neurons fed by {n_prev}, with {_examples(m)}",
                      (W, a_prev, b), sigmoid(W @ a_prev + b)))
    mistakes = [
        (lambda W, a, b: sigmoid(W.T @ a + b), TRANSPOSED),
        (lambda W, a, b: sigmoid(W @ a), NO_BIAS),
        (lambda W, a, b: W @ a + b,
         "That is z, not a yet: pass it through the sigmoid, a = sigma(z)."),
    ]
    on_error = ("Check the shapes: W is (n_l, n_(l-1)) and a_prev is (n_(l-1), m), so the matrix "
                "product is W @ a_prev (not W.T @ a_prev, not a_prev @ W, and @ rather than *).")
    return _check("your feedforward layer", fn, cases, mistakes, on_error,
                  "a = sigma(W @ a_prev + b).", names=("W", "a_prev", "b"))


# ---- the whole network: a^0 = X, a^l = sigma(W^l a^(l-1) + b^l) for l = 1..L ----

def _forward(W, b, X, layers, weight=lambda w: w, bias=True, last_sigma=True):
    """A feed-forward with one typical mistake switched on (the checker's wrong answers)."""
    a = X
    for l in layers:
        z = weight(W[l]) @ a + (b[l] if bias else 0)
        a = sigmoid(z) if (last_sigma or l < len(W) - 1) else z
    return a


def check_feedforward(fn):
    """fn(W, b, X) should return a^L = Network.feedforward(X) for W, b lists with W[0] = None."""
    rng, cases = _inputs(), []
    for sizes, m in [((4, 4, 4, 4), 1), ((5, 3, 4, 2), 7), ((6, 4, 4, 3), 40)]:
        net = Network(sizes, seed=int(rng.integers(1000)), init="classic")
        X = rng.uniform(size=(sizes[0], m))
        cases.append((f"a {'-'.join(map(str, sizes))} network and {_examples(m)}",
                      (net.W, net.b, X), net.feedforward(X)))
    every = lambda W: range(1, len(W))  # noqa: E731 (l = 1, ..., L)
    mistakes = [
        (lambda W, b, X: _forward(W, b, X, every(W), weight=np.transpose), TRANSPOSED),
        (lambda W, b, X: _forward(W, b, X, every(W), bias=False),
         "A bias is missing: every layer adds its own b[l], z^l = W[l] @ a + b[l]."),
        (lambda W, b, X: _forward(W, b, X, range(1, len(W) - 1)),
         "A layer index is off by one: you stopped at layer L-1. The layers are l = 1, ..., L "
         "with L = len(W) - 1, so loop over range(1, len(W))."),
        (lambda W, b, X: _forward(W, b, X, every(W), last_sigma=False),
         "The output layer needs its sigmoid too: a^L = sigma(z^L)."),
        (lambda W, b, X: _forward(W, b, X, range(1, 2)),
         "You computed layer 1 only: feed its output a^1 into layer 2, and so on up to layer L."),
        (lambda W, b, X: [X] + [_forward(W, b, X, range(1, l + 1)) for l in every(W)],
         "You returned the list of all activations [a^0, ..., a^L]; this exercise asks for "
         "a^L only, the last of them."),
    ]
    on_error = ("W[0] and b[0] are None (layers are numbered from 1), so start the loop at l = 1; "
                "W[l] has shape (n_l, n_(l-1)), so each layer computes sigmoid(W[l] @ a + b[l]).")
    return _check("your feedforward", fn, cases, mistakes, on_error,
                  "a = X, then a = sigmoid(W[l] @ a + b[l]) for l = 1, ..., L; return a.",
                  names=("W", "b", "X"))
