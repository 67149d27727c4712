"""Lesson 5's "your turn" checkers: delta^L, the recursion, a layer's gradients, all of backprop.

The course keeps the batch's 1/m where ``Network.backprop`` keeps it, in delta^L:
  delta^L = 2 (a^L - y) o sigma'(z^L) / m          (m examples, one per column)
  delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l)
  dC/dW^l = delta^l (a^(l-1))^T,   dC/db^l = delta^l summed over its columns (a row sum)
so the matrix product and the row sum add the m examples' gradients, and the 1/m in delta makes
the sums means. The expected answers come from ``nnlesson.network``; the shared machinery is in
:mod:`nnlesson.lessons.exercises`.
"""
import numpy as np

from ..network import Network, sigmoid, sigmoid_prime
from ..costs import one_hot
from .exercises import _as_numbers, _check, _examples, _inputs

NO_M = ("There is no division by the batch size: the batch cost is the MEAN of the m examples' "
        "costs, so delta^L carries a 1/m (m = a_L.shape[1], the number of columns).")
TWICE_M = ("You divided by m again: the 1/m is already inside delta (delta^L carries it, and the "
           "recursion passes it on), so the sums here are already means.")


def pair(first, second):
    """A split (see ``exercises._numbers``) for an answer made of two arrays, named."""
    def split(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return None, f"should return two arrays, {first} and {second}: `return dW, db`."
        parts = []
        for name, value in zip((first, second), got):
            array, problem = _as_numbers(value) if value is not None else (None, "is None")
            if problem:
                return None, f"returned a {name} that is not an array: it {problem}"
            parts.append((name, array))
        return parts, None
    return split


def layer_lists(w, b):
    """A split for an answer (W-like list, b-like list), each with None at index 0."""
    def split(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return None, f"should return two lists, `return {w}, {b}`."
        parts = []
        for name, items in zip((w, b), got):
            if not isinstance(items, (list, tuple)) or not items or items[0] is not None:
                return None, (f"should return {name} as a list with {name}[0] = None, as W "
                              f"is given, so that {name}[l] belongs to layer l (layers count "
                              f"from 1).")
            for l, value in enumerate(items[1:], start=1):
                array, problem = _as_numbers(value) if value is not None else (None, "is None")
                if problem:
                    return None, f"returned a {name}[{l}] that is not an array: it {problem}"
                parts.append((f"{name}[{l}]", array))
        return parts, None
    return split


# ---- delta^L = 2 (a^L - y) o sigma'(z^L) / m ----

def check_delta_L(fn):
    """fn(a_L, y, z_L) should return delta^L = 2 (a^L - y) o sigma'(z^L) / m for m columns."""
    rng, cases = _inputs(), []
    for n, m in [(10, 1), (3, 7), (10, 40)]:
        z_L, y = rng.normal(0, 2, (n, m)), one_hot(rng.integers(n, size=m), n)
        a_L = sigmoid(z_L)
        cases.append((f"{_examples(m)} with {n} outputs", (a_L, y, z_L),
                      2 * (a_L - y) * sigmoid_prime(z_L) / m))
    mistakes = [
        (lambda a, y, z: 2 * (a - y) * sigmoid_prime(z), NO_M),
        (lambda a, y, z: np.mean(2 * (a - y) * sigmoid_prime(z), axis=1, keepdims=True),
         "You took the mean over the examples: delta^L keeps one column per example (the "
         "gradients add the columns up later). Divide by m instead of averaging."),
        (lambda a, y, z: 2 * (a - y) / a.shape[1],
         "The factor sigma'(z^L) is missing: delta^L = dC/da^L o sigma'(z^L)."),
        (lambda a, y, z: 2 * (a - y) * sigmoid_prime(a) / a.shape[1],
         "You took sigma' of a^L, applying the sigmoid twice: use sigmoid_prime(z_L)."),
        (lambda a, y, z: (a - y) * sigmoid_prime(z) / a.shape[1],
         "The factor 2 is missing: dC/da^L = 2 (a^L - y), from differentiating (a - y)^2."),
        (lambda a, y, z: 2 * (y - a) * sigmoid_prime(z) / a.shape[1],
         "Check the sign: it is a^L - y, not y - a^L."),
        (lambda a, y, z: 2 * (a - y) * sigmoid_prime(z) / a.shape[0],
         "You divided by a_L.shape[0], the number of outputs; m is a_L.shape[1], the number of "
         "examples (one per column)."),
    ]
    on_error = ("Every product here is entry by entry (*), not a matrix product (@): "
                "2 * (a_L - y) * sigmoid_prime(z_L) / m, with m = a_L.shape[1].")
    return _check("your delta_L", fn, cases, mistakes, on_error,
                  "delta^L = 2 (a^L - y) o sigma'(z^L) / m, o meaning entry by entry.",
                  names=("a_L", "y", "z_L"))


# ---- delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l) ----

def check_delta_prev(fn):
    """fn(W_next, delta_next, z) should return delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l)."""
    rng, cases = _inputs(), []
    for n_next, n, m in [(4, 4, 1), (2, 3, 7), (3, 5, 40)]:  # square first: no .T gives numbers
        W_next, delta_next = rng.normal(size=(n_next, n)), rng.normal(size=(n_next, m)) / m
        z = rng.normal(0, 2, (n, m))
        cases.append((f"W^(l+1) of shape {(n_next, n)} and {_examples(m)}",
                      (W_next, delta_next, z), (W_next.T @ delta_next) * sigmoid_prime(z)))
    mistakes = [
        (lambda W, d, z: (W @ d) * sigmoid_prime(z),
         "W^(l+1) needs its transpose, W_next.T: it maps layer l to layer l+1, and delta travels "
         "the other way."),
        (lambda W, d, z: W.T @ d,
         "The factor sigma'(z^l) is missing: multiply entry by entry by sigmoid_prime(z) after "
         "the matrix product."),
        (lambda W, d, z: (W.T @ d) * sigmoid_prime(sigmoid(z)),
         "You took sigma' of sigma(z), applying the sigmoid twice: use sigmoid_prime(z)."),
        (lambda W, d, z: (W.T @ d) * z * (1 - z),
         "You wrote z (1 - z): sigma'(z) = sigma(z) (1 - sigma(z)), that is sigmoid_prime(z)."),
        (lambda W, d, z: (W.T @ d) * sigmoid_prime(z) / z.shape[1], TWICE_M),
    ]
    on_error = ("Check the shapes: W_next is (n_(l+1), n_l) and delta_next is (n_(l+1), m), so "
                "the product that gives (n_l, m) is W_next.T @ delta_next.")
    return _check("your delta_prev", fn, cases, mistakes, on_error,
                  "delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l).",
                  names=("W_next", "delta_next", "z"))


# ---- dC/dW^l = delta^l (a^(l-1))^T and dC/db^l = the row sums of delta^l ----

def _grads(delta, a_prev, dW=lambda d, a: d @ a.T, db=lambda d: d.sum(axis=1, keepdims=True)):
    """The two gradients of one layer, with one typical mistake switched on (wrong answers)."""
    return dW(delta, a_prev), db(delta)


def check_gradients(fn):
    """fn(delta, a_prev) should return (dC/dW^l, dC/db^l) = (delta a_prev^T, delta's row sums)."""
    rng, cases = _inputs(), []
    for n, n_prev, m in [(4, 4, 1), (3, 5, 7), (10, 6, 40)]:
        delta, a_prev = rng.normal(size=(n, m)) / m, rng.uniform(size=(n_prev, m))
        cases.append((f"a layer of {n} neurons fed by {n_prev}, {_examples(m)}", (delta, a_prev),
                      (delta @ a_prev.T, delta.sum(axis=1, keepdims=True))))
    mistakes = [
        (lambda d, a: _grads(d, a, db=lambda d: d),
         "dC/db^l is delta's ROW SUM: delta has one column per example, and the bias gradient "
         "adds them up, delta.sum(axis=1, keepdims=True), a column like b^l."),
        (lambda d, a: _grads(d, a, db=lambda d: d.mean(axis=1, keepdims=True)), TWICE_M),
        (lambda d, a: _grads(d, a, dW=lambda d, a: d @ a.T / d.shape[1]), TWICE_M),
        (lambda d, a: _grads(d, a, dW=lambda d, a: a @ d.T),
         "Your dC/dW^l is transposed: it has the shape of W^l, (n_l, n_(l-1)), so it is "
         "delta @ a_prev.T."),
        (lambda d, a: _grads(d, a, db=lambda d: d.sum(axis=1)),
         "dC/db^l must be a column of shape (n_l, 1), like b^l: sum with keepdims=True (a flat "
         "(n_l,) array would broadcast b - lr * db into an (n_l, n_l) matrix)."),
        (lambda d, a: _grads(d, a, db=lambda d: d.sum(axis=0, keepdims=True)),
         "You summed delta over its rows, the neurons (axis=0); the bias gradient sums over the "
         "examples, the columns: axis=1."),
    ]
    on_error = ("delta is (n_l, m) and a_prev is (n_(l-1), m): delta @ a_prev.T is (n_l, n_(l-1)); "
                "delta.sum(axis=1, keepdims=True) is (n_l, 1).")
    return _check("your gradients", fn, cases, mistakes, on_error,
                  "dC/dW^l = delta @ a_prev.T, dC/db^l = delta.sum(axis=1, "
                  "keepdims=True).", names=("delta", "a_prev"),
                  split=pair("dC/dW^l", "dC/db^l"))


# ---- the whole backward pass ----

def _backprop(W, b, X, Y, step=lambda W, l: W[l].T, prime=True, m=None, row_sum=True, below=1):
    """Network.backprop written out, with one typical mistake switched on (the wrong answers)."""
    a, L = [X], len(W) - 1
    for l in range(1, L + 1):
        a.append(sigmoid(W[l] @ a[-1] + b[l]))
    nabla_W, nabla_b = [None] * (L + 1), [None] * (L + 1)
    delta = 2 * (a[L] - Y) * a[L] * (1 - a[L]) / (X.shape[1] if m is None else m)
    for l in range(L, 0, -1):
        nabla_W[l] = delta @ a[l - below].T
        nabla_b[l] = delta.sum(axis=1, keepdims=True) if row_sum else delta
        if l > 1:
            delta = step(W, l) @ delta * (a[l - 1] * (1 - a[l - 1]) if prime else 1)
    return nabla_W, nabla_b


def check_backprop(fn):
    """fn(W, b, X, Y) should return (nabla_W, nabla_b), the lists Network.backprop(X, Y) gives."""
    rng, cases = _inputs(), []
    for sizes, m in [((4, 4, 4, 4), 1), ((5, 3, 4, 2), 7), ((6, 4, 5, 3), 40)]:
        net = Network(sizes, seed=int(rng.integers(1000)), init="classic")
        X, Y = rng.uniform(size=(sizes[0], m)), one_hot(rng.integers(sizes[-1], size=m), sizes[-1])
        cases.append((f"a {'-'.join(map(str, sizes))} network and {_examples(m)}",
                      (net.W, net.b, X, Y), net.backprop(X, Y)))
    mistakes = [
        (lambda W, b, X, Y: _backprop(W, b, X, Y, step=lambda W, l: W[l]),
         "W^(l+1) needs its transpose in the recursion: delta^l = W[l+1].T @ delta^(l+1) ..."),
        (lambda W, b, X, Y: _backprop(W, b, X, Y, prime=False),
         "The factor sigma'(z^l) is missing in the recursion: ... o a^l (1 - a^l)."),
        (lambda W, b, X, Y: _backprop(W, b, X, Y, m=1), NO_M),
        (lambda W, b, X, Y: _backprop(W, b, X, Y, row_sum=False),
         "dC/db^l is delta's ROW SUM, delta.sum(axis=1, keepdims=True): one column, like b^l."),
        (lambda W, b, X, Y: _backprop(W, b, X, Y, below=0),
         "A layer index is off by one: dC/dW^l = delta^l (a^(l-1))^T uses the activation of the "
         "layer BEFORE, a[l - 1], with a[0] = X."),
        (lambda W, b, X, Y: _backprop(W, b, X, Y, step=lambda W, l: W[l - 1].T),
         "A layer index is off by one: going from delta^l back to delta^(l-1) uses W[l], the "
         "weights between layers l-1 and l."),
    ]
    on_error = ("Feed forward keeping every a^l in a list (a[0] = X); then delta = delta_L(...), "
                "and for l = L, ..., 1: the gradients of layer l, then delta = delta_prev(W[l], "
                "delta, z^(l-1)). W[0] and b[0] are None, and so are nabla_W[0], nabla_b[0].")
    return _check("your backprop", fn, cases, mistakes, on_error,
                  "Network.backprop: the four equations of this lesson.",
                  names=("W", "b", "X", "Y"), split=layer_lists("nabla_W", "nabla_b"))
