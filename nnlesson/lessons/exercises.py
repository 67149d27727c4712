"""Checkers for the "your turn" cells of lessons 2 to 6, and the machinery they share.

Each checker calls the learner's function on a few chosen inputs (batches of 1, 7 and 40 examples
where batches make sense), compares the result with the package's own answer (``nnlesson.network``),
and prints exactly one kind, specific message: which input, which entry, by how much, and, when
the answer matches a typical mistake, that mistake by name. The learner's function always gets
copies, so the checker can also tell when it changed its inputs in place. A checker never raises:
a learner who meets a traceback from the checker learns about the checker, not about neural
networks. Each returns a :class:`Verdict`, true or false like a bool, so a test can act on it,
which a notebook does not display: the cell shows the one message only.

Lessons 2 to 6 keep their checkers in ``exercises_forward``, ``exercises_cost``,
``exercises_chain``, ``exercises_backprop`` and ``exercises_training``; they are re-exported
here, so ``from nnlesson.lessons.exercises import ...`` finds every checker.
"""
import copy
import importlib
import inspect
import warnings

import numpy as np

# Two lines, so that no printed line is wider than a notebook's 95 characters.
STUB = ("Not written yet: {why}\nReplace the ... with your code, end with a `return` line, and "
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
    if isinstance(before, np.random.Generator):  # drawing from a generator is its purpose
        return True
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


def _numbers(got, split):
    """The answer as a list of (part, array), or (None, a problem sentence).

    A plain answer is one part named None; ``split`` (for answers made of several arrays, such
    as the lists W, b) names each part, or says what is wrong with the answer's structure.
    """
    if split is not None:
        return split(got)
    array, problem = _as_numbers(got)
    return (None, problem) if problem else ([(None, array)], None)


def _same_parts(got, answer):
    """Whether two lists of (part, array) hold the same parts with the same numbers."""
    if len(got) != len(answer) or any(g[0] != a[0] for g, a in zip(got, answer)):
        return False
    for (_, g), (_, a) in zip(got, answer):
        if a.shape == () and g.size == 1:
            a = a.reshape(g.shape)
        if not _same(g, a):
            return False
    return True


def _mistake(got, args, mistakes, split):
    """The hint of the first typical mistake whose answer equals the learner's, or None."""
    for wrong, hint in mistakes:
        try:
            answer, problem = _numbers(_call(wrong, copy.deepcopy(args)), split)
        except Exception:  # a mistake that cannot happen on these inputs
            continue
        if not problem and _same_parts(got, answer):
            return hint
    return None


def _compare(label, part, got, expected, args, hint, formula, where):
    """The message for one part of the answer that differs from the expected one, or None."""
    if expected.shape == () and got.size == 1:
        got = got.reshape(())
    if _same(got, expected):
        return None
    hint, what = hint(), "your answer" if part is None else f"your {part}"
    if got.shape != expected.shape:
        if hint is None and expected.shape == ():
            hint = "The answer is a single number: add the terms up with np.sum."
        elif hint is None and got.shape == expected.shape[::-1]:
            hint = "That is the transpose of the right shape."
        return (f"Not yet: on {label}, {what} has shape {got.shape}, but it should have shape "
                f"{expected.shape}. {hint or 'Compare with the formula: ' + formula}")
    index = tuple(int(i) for i in np.argwhere(~np.isclose(got, expected, rtol=1e-6,
                                                           atol=1e-12, equal_nan=True))[0])
    at = where(args, index) if where else (f"entry {index}" if index else "the value")
    at = at if part is None else f"{part}, {at},"
    if hint is None and not np.isfinite(got[index]):
        hint = "It is not a finite number: something overflowed or divided 0 by 0."
    off = f" (off by {got[index] - expected[index]:.3g})" if np.isfinite(got[index]) else ""
    return (f"Not yet: on {label}, {at} is {got[index]:.6g} but should be "
            f"{expected[index]:.6g}{off}. {hint or 'Compare with the formula: ' + formula}")


def _judge(name, fn, cases, mistakes, on_error, formula, where, names, split):
    """The one message for fn, and the verdict (see :func:`_check`)."""
    if not callable(fn):
        return (f"Not yet: {name} should be a function, but it is {type(fn).__name__}. "
                f"Pass the function itself, without calling it: check(my_function)."), False
    for label, args, expected in cases:
        arg_copies = copy.deepcopy(args)
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
        got, problem = _numbers(got, split)
        if problem:
            return f"Not yet: on {label}, your function {problem}", False
        expected = _numbers(expected, split)[0]
        if [p for p, _ in got] != [p for p, _ in expected]:
            return (f"Not yet: on {label}, your answer has the parts {[p for p, _ in got]}, "
                    f"but it should have {[p for p, _ in expected]}."), False
        hint = lambda: _mistake(got, args, mistakes, split)  # noqa: E731 (only when needed)
        for (part, g), (_, e) in zip(got, expected):
            message = _compare(label, part, g, np.asarray(e, dtype=float), args, hint, formula,
                               where)
            if message:
                return message, False
    return f"Well done: {name} is right on all {len(cases)} test inputs.", True


def _check(name, fn, cases, mistakes, on_error, formula, where=None, names=None, split=None):
    """Run fn on each case (label, args, expected); print one message; return the verdict.

    ``mistakes`` lists (wrong_function, hint): when fn's answer matches a wrong function's answer,
    the learner sees that hint; otherwise the ``formula`` to compare with. ``on_error`` is the
    hint for a function that raises. ``names`` are the arguments' names in messages such as "it
    changed its input X in place" (by default the learner's own parameter names). ``split``
    turns an answer made of several arrays into named parts (see :func:`_numbers`). A stub, whose
    body is ``...``, ``return ...`` or ``raise NotImplementedError``, is "not written yet".
    """
    try:
        message, verdict = _judge(name, fn, cases, mistakes, on_error, formula, where, names,
                                  split)
    except Exception as error:  # the last guard: a checker never raises, whatever fn returned
        message, verdict = (f"Not yet: the checker could not read your function's answer "
                            f"({type(error).__name__}). Return a NumPy array of numbers."), False
    print(message)
    return Verdict(verdict)


# Lessons 2-6 keep their checkers in their own modules, which import the machinery above. They are
# found here on first use (PEP 562), not imported at the end of this file: that import was circular
# when a lesson's module was imported first (it imported this file, which imported it, half made).
_HOMES = {"forward": ("check_weighted_sum", "check_feedforward_layer", "check_feedforward"),
          "cost": ("check_one_hot", "check_cost", "check_batch_cost", "check_step"),
          "chain": ("check_sigmoid_prime", "check_dC_dw", "check_dC_db", "check_dC_da_prev"),
          "backprop": ("check_delta_L", "check_delta_prev", "check_gradients", "check_backprop"),
          "training": ("check_sgd_step", "check_train_epoch")}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".exercises_{_HOME[name]}", __package__), name)


def __dir__():
    return sorted(list(globals()) + list(_HOME))
