"""Checkers for the "your turn" cells of lessons 2 to 5, and the machinery they share.

Each checker calls the learner's function on a few chosen inputs (batches of 1, 7 and 40 examples
where batches make sense), compares the result with the package's own answer (``nnlesson.network``),
and prints exactly one kind, specific message: which input, which entry, by how much, and, when
the answer matches a typical mistake, that mistake by name. The learner's function always gets
copies, so the checker can also tell when it changed its inputs in place. A checker never raises:
a learner who meets a traceback from the checker learns about the checker, not about neural
networks. Each returns a :class:`Verdict`, true or false like a bool, so a test can act on it,
which a notebook does not display: the cell shows the one message only.

Lessons 2, 3 and 4 keep their checkers in ``exercises_forward``, ``exercises_cost`` and
``exercises_chain``; they are re-exported here, so ``from nnlesson.lessons.exercises import ...``
finds every checker.
"""
import copy
import inspect
import warnings

import numpy as np

from ..network import one_hot, sigmoid, sigmoid_prime

STUB = ("Not written yet: {why} Replace the ... with your code, end with a `return` line, and "
        "run the cell again.")


class Verdict:
    """A checker's verdict: true or false like a bool, but a notebook shows nothing for it.

    The checker has already printed its one message; a bare True or False as the cell's value
    would print a second line (and ``;`` does not hide it under nbval, which runs cells without
    history, so IPython cannot see the semicolon).
    """

    def __init__(self, ok):
        self.ok = bool(ok)

    def __bool__(self):
        return self.ok

    def __eq__(self, other):
        return self.ok == other if isinstance(other, (bool, Verdict)) else NotImplemented

    def __hash__(self):
        return hash(self.ok)

    def __repr__(self):
        return f"Verdict({self.ok})"

    def _ipython_display_(self):
        """Display nothing: the message above already says it."""


def _inputs():
    """A generator with a fixed seed: every call checks the same inputs, prints the same words."""
    return np.random.default_rng(2023)


def _call(fn, args):
    """fn(*args), with the learner's overflow warnings silenced: the checker reports them itself."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _examples(m):
    return "1 example" if m == 1 else f"a batch of {m} examples"


def _arg_names(fn, count):
    """The learner's own names for its parameters, or "argument 1", "argument 2", ..."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"argument {i + 1}" for i in range(count)]


def _equal(before, after):
    """Whether an argument is unchanged: arrays entry by entry, lists (like W) item by item."""
    if isinstance(before, (list, tuple)):
        return (isinstance(after, (list, tuple)) and len(before) == len(after)
                and all(_equal(x, y) for x, y in zip(before, after)))
    if before is None:
        return after is None
    if np.isscalar(before):
        return np.isscalar(after) and bool(after == before)
    after = np.asarray(after)
    return after.shape == np.shape(before) and np.array_equal(before, after, equal_nan=True)


def _changed(args, copies, names):
    """The name of the first argument the learner's function changed in place, or None."""
    return next((name for name, before, after in zip(names, args, copies)
                 if not _equal(before, after)), None)


def _as_numbers(got):
    try:
        return np.asarray(got, dtype=float), None
    except Exception:  # ragged lists, strings, objects: anything that is not an array of numbers
        if isinstance(got, (list, tuple)):
            return None, (f"returned a {type(got).__name__} of {len(got)} things of different "
                          f"shapes. It should return one NumPy array.")
        return None, (f"returned {type(got).__name__}, not numbers. "
                      f"It should return a NumPy array (or a number).")


def _same(got, want):
    return got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-12,
                                                   equal_nan=True)


def _mistake(got, args, mistakes):
    """The hint of the first typical mistake whose answer equals the learner's, or None."""
    for wrong, hint in mistakes:
        try:
            answer = np.asarray(_call(wrong, copy.deepcopy(args)), dtype=float)
        except Exception:  # a mistake that cannot happen on these inputs
            continue
        if answer.shape == () and got.size == 1:
            answer = answer.reshape(got.shape)
        if _same(got, answer):
            return hint
    return None


def _judge(name, fn, cases, mistakes, on_error, formula, where, names):
    """The one message for fn, and the verdict (see :func:`_check`)."""
    if not callable(fn):
        return (f"Not yet: {name} should be a function, but it is {type(fn).__name__}. "
                f"Pass the function itself, without calling it: check(my_function)."), False
    for label, args, expected in cases:
        expected, arg_copies = np.asarray(expected, dtype=float), copy.deepcopy(args)
        try:
            got = _call(fn, arg_copies)
        except NotImplementedError:
            return STUB.format(why="it still raises NotImplementedError."), False
        except (Exception, SystemExit) as error:  # any error at all is the learner's to see, kindly
            return (f"Not yet: your function raised {type(error).__name__} ({error}) on {label}. "
                    f"{on_error}"), False
        if got is None or got is Ellipsis:
            why = ("your function still returns `...`." if got is Ellipsis
                   else "your function returned None (is its `return` line missing?).")
            return STUB.format(why=why), False
        changed = _changed(args, arg_copies, names or _arg_names(fn, len(args)))
        if changed:
            return (f"Not yet: on {label}, it changed its input {changed} in place. Build new "
                    f"arrays instead (a = a - x, not a -= x; no a[...] = ...): the caller still "
                    f"needs {changed}."), False
        got, problem = _as_numbers(got)
        if problem:
            return f"Not yet: on {label}, your function {problem}", False
        if expected.shape == () and got.size == 1:
            got = got.reshape(())
        if _same(got, expected):
            continue
        hint = _mistake(got, args, mistakes)
        if got.shape != expected.shape:
            if hint is None and expected.shape == ():
                hint = "The answer is a single number: add the terms up with np.sum."
            elif hint is None and got.shape == expected.shape[::-1]:
                hint = "That is the transpose of the right shape."
            return (f"Not yet: on {label}, your answer has shape {got.shape}, but it should "
                    f"have shape {expected.shape}. {hint or 'Compare with the formula: ' + formula}"
                    ), False
        index = tuple(int(i) for i in np.argwhere(~np.isclose(got, expected, rtol=1e-6,
                                                               atol=1e-12, equal_nan=True))[0])
        at = where(args, index) if where else (f"entry {index}" if index else "the value")
        if hint is None and not np.isfinite(got[index]):
            hint = "It is not a finite number: something overflowed or divided 0 by 0."
        off = f" (off by {got[index] - expected[index]:.3g})" if np.isfinite(got[index]) else ""
        return (f"Not yet: on {label}, {at} is {got[index]:.6g} but should be "
                f"{expected[index]:.6g}{off}. {hint or 'Compare with the formula: ' + formula}"
                ), False
    return f"Well done: {name} is right on all {len(cases)} test inputs.", True


def _check(name, fn, cases, mistakes, on_error, formula, where=None, names=None):
    """Run fn on each case (label, args, expected); print one message; return the verdict.

    ``mistakes`` lists (wrong_function, hint): when fn's answer matches a wrong function's answer,
    the learner sees that hint; otherwise the ``formula`` to compare with. ``on_error`` is the
    hint for a function that raises. ``names`` are the arguments' names in messages such as "it
    changed its input X in place" (by default the learner's own parameter names). A stub, whose
    body is ``...``, ``return ...`` or ``raise NotImplementedError``, is "not written yet".
    """
    try:
        message, verdict = _judge(name, fn, cases, mistakes, on_error, formula, where, names)
    except Exception as error:  # the last guard: a checker never raises, whatever fn returned
        message, verdict = (f"Not yet: the checker could not read your function's answer "
                            f"({type(error).__name__}). Return a NumPy array of numbers."), False
    print(message)
    return verdict


# ---- lesson 5: the error delta of the output layer and of the layers before it ----

def check_delta_L(fn):
    """fn(a_L, y) should return delta^L = 2 (a^L - y) o a^L (1 - a^L), entry by entry."""
    rng, cases = _inputs(), []
    for n, m in [(10, 1), (3, 1), (4, 5)]:
        a_L, y = rng.uniform(0.01, 0.99, (n, m)), one_hot(rng.integers(n, size=m), n)
        cases.append((f"a^L and y of shape {(n, m)}", (a_L, y), 2 * (a_L - y) * a_L * (1 - a_L)))
    mistakes = [
        (lambda a, y: (a - y) * a * (1 - a),
         "The factor 2 is missing: dC/da^L = 2 (a^L - y), from differentiating (a - y)^2."),
        (lambda a, y: 2 * (y - a) * a * (1 - a), "Check the sign: it is a^L - y, not y - a^L."),
        (lambda a, y: 2 * (a - y) * sigmoid_prime(a),
         "You are given a^L, which is already sigma(z^L), so sigma'(z^L) = a^L (1 - a^L). "
         "sigmoid_prime(a_L) would apply the sigmoid a second time."),
        (lambda a, y: 2 * (a - y),
         "That is dC/da^L only; multiply entry by entry by da/dz = sigma'(z^L) = a^L (1 - a^L)."),
    ]
    on_error = ("Every product here is entry by entry (*), not a matrix product (@): "
                "delta^L = 2 * (a_L - y) * a_L * (1 - a_L).")
    return _check("your delta^L", fn, cases, mistakes, on_error,
                  "delta^L = 2 (a^L - y) o a^L (1 - a^L), o meaning entry by entry.")


def check_delta_recursion(fn):
    """fn(W_next, delta_next, a_l) should return delta^l = (W^(l+1))^T delta^(l+1) o sigma'(z^l)."""
    rng, cases = _inputs(), []
    for n_next, n, m in [(4, 4, 1), (2, 3, 1), (3, 5, 4)]:  # square first: no .T gives numbers
        W_next, delta_next, a_l = (rng.normal(size=(n_next, n)), rng.normal(size=(n_next, m)),
                                   rng.uniform(0.01, 0.99, (n, m)))
        cases.append((f"W^(l+1) of shape {(n_next, n)} and {_examples(m)}",
                      (W_next, delta_next, a_l), (W_next.T @ delta_next) * a_l * (1 - a_l)))
    mistakes = [
        (lambda W, d, a: (W @ d) * a * (1 - a),
         "W^(l+1) needs its transpose, W_next.T: it maps layer l to layer l+1, and delta travels "
         "the other way."),
        (lambda W, d, a: W.T @ d,
         "Multiply entry by entry by sigma'(z^l) = a^l (1 - a^l) after the matrix product."),
        (lambda W, d, a: (W.T @ d) * sigmoid_prime(a),
         "You are given a^l, which is already sigma(z^l), so sigma'(z^l) = a_l * (1 - a_l); "
         "sigmoid_prime(a_l) would apply the sigmoid a second time."),
    ]
    on_error = ("Check the shapes: W_next is (n_(l+1), n_l) and delta_next is (n_(l+1), m), so "
                "the product that gives (n_l, m) is W_next.T @ delta_next.")
    return _check("your delta^l", fn, cases, mistakes, on_error,
                  "delta^l = (W^(l+1))^T delta^(l+1) o a^l (1 - a^l), o meaning entry by entry.")


# Lessons 2-4 live in their own modules (imported last: they import the machinery above).
from .exercises_forward import (check_feedforward, check_feedforward_layer,  # noqa: E402
                                check_weighted_sum)
from .exercises_cost import check_batch_cost, check_cost, check_one_hot, check_step  # noqa: E402
from .exercises_chain import (check_dC_da_prev, check_dC_db, check_dC_dw,  # noqa: E402
                              check_sigmoid_prime)
