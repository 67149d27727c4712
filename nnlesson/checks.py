"""What the course accepts from a learner, a widget or the command line, each rule with its sentence.

Every check comes in one of two forms, for two kinds of caller:
  * ``*_problem(value)`` returns the sentence that says what is wrong, or None. A widget shows it
    as its message (a slider dragged to a bad value must never end in a traceback);
  * ``check_*(value)`` raises ``ValueError`` with that sentence, and otherwise returns the value
    in a clean form. ``Network``, ``train``, the dashboard's ``Trainer`` and the command line use
    these, so one mistake gets the same sentence wherever it is made.

Why ``is_whole`` and ``is_number`` exist at all: Python counts ``True`` as the integer 1, so
``isinstance(True, int)`` holds. A learner who passes True as a layer size or a learning rate has
made a mistake, not asked for 1.
"""
from __future__ import annotations

import numbers

import numpy as np


def is_whole(n):
    """An int or a numpy integer, but not a bool."""
    return isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_))


def is_number(x):
    """A real number (int, float or their numpy kinds), but not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _raise(problem, value):
    if problem:
        raise ValueError(problem)
    return value


# ---- plain numbers, as the lessons' sliders give them ----

def number_problem(name, value):
    """Why ``value`` cannot be used as the number ``name`` (a slider of lessons 2-5), or None."""
    if not is_number(value):
        return f"{name} must be a number, got {value!r}."
    if not np.isfinite(value):
        return f"{name} = {value}: it must be a finite number."
    return None


# ---- the network's shape (lessons 1 and 2) ----

def sizes_problem(sizes):
    """Why ``sizes`` cannot describe a network, as a sentence; None if it can."""
    try:
        if isinstance(sizes, str):
            raise TypeError
        sizes = list(sizes)
    except TypeError:
        return f"The layer sizes must be a list of whole numbers, like (784, 32, 16, 10); got {sizes!r}."
    if len(sizes) < 2:
        return (f"A network needs at least two layers, an input and an output, to have any weights; "
                f"got {len(sizes)} layer{'s' * (len(sizes) != 1)}.")
    for l, n in enumerate(sizes):
        if not is_whole(n):
            return f"Layer {l} has size {n!r}: a layer holds a positive whole number of neurons."
        if n <= 0:
            return (f"Layer {l} has {n} neurons: a layer needs a positive whole number of neurons, "
                    f"or nothing can flow through it.")
    return None


def check_sizes(sizes):
    """``sizes`` as a tuple of ints, or a ValueError saying which layer is wrong."""
    return tuple(int(n) for n in _raise(sizes_problem(sizes), sizes))


# ---- training settings (lessons 3 and 6, the command line) ----

def lr_problem(lr):
    """A learning rate must be a positive, finite number: a step of size 0 or less never learns."""
    if not is_number(lr) or not np.isfinite(lr) or lr <= 0:
        return f"learning rate must be a positive number, got {lr!r}"
    return None


def check_lr(lr):
    return float(_raise(lr_problem(lr), lr))


def l2_problem(l2):
    """lambda, L2 regularisation's strength (lesson 8): a finite number from 0 up, 0 for none.
    A negative lambda would reward large weights, the opposite of what the penalty is for."""
    if not is_number(l2) or not np.isfinite(l2) or l2 < 0:
        return (f"l2 (the regularisation parameter lambda) must be a number of at least 0, "
                f"0 for none, got {l2!r}")
    return None


def check_l2(l2):
    return float(_raise(l2_problem(l2), l2))


def lr_decay_problem(k):
    """k of the schedule lr / (1 + e / k): None (a constant rate) or a positive, finite number
    of epochs, after which the rate is half what it was at the start."""
    if k is not None and (not is_number(k) or not np.isfinite(k) or k <= 0):
        return (f"lr decay (the epochs k after which the learning rate lr / (1 + epoch / k) "
                f"has halved) must be a positive number, or None for a constant rate, got {k!r}")
    return None


def check_lr_decay(k):
    _raise(lr_decay_problem(k), k)
    return None if k is None else float(k)


def l2_rate(l2, n):
    """lambda / n, checked: with L2 regularisation, dC/dW^l gains the term (lambda / n) W^l.

    n is the number of training examples (Nielsen's convention: the penalty is
    (lambda / 2n) sum w^2, so lambda means the same whatever the size of the training set).
    n is needed only when lambda is not 0.
    """
    l2 = check_l2(l2)
    if l2 == 0:
        return 0.0
    if not is_whole(n) or n < 1:
        raise ValueError(f"with l2 = {l2:g}, n (the number of training examples, the n of the "
                         f"penalty lambda / 2n sum w^2) must be a whole number of at least 1, "
                         f"got {n!r}")
    return l2 / n


def check_seed(seed):
    """A seed is a whole number from 0 up (numpy's generators refuse negative ones), or None."""
    if seed is not None and (not is_whole(seed) or seed < 0):
        raise ValueError(f"seed must be a whole number of at least 0, got {seed!r}")
    return seed if seed is None else int(seed)


def check_epochs(epochs):
    if not is_whole(epochs) or epochs < 1:
        raise ValueError(f"epochs must be a whole number of at least 1, got {epochs!r}")
    return int(epochs)


def check_batch_size(batch_size, n):
    """At least one example per batch, and no more than the ``n`` there are to train on."""
    if not is_whole(batch_size) or batch_size < 1:
        raise ValueError(f"batch size must be a whole number of at least 1, got {batch_size!r}")
    if batch_size > n:
        raise ValueError(f"batch size {batch_size} is larger than the {n} training examples")
    return int(batch_size)


# ---- the cost and the output layer (issue #12) ----

COSTS = ("quadratic", "cross-entropy")
OUTPUTS = ("sigmoid", "softmax")


def cost_output_problem(cost, output):
    """Why a network cannot train with this cost and output layer, as a sentence; None if it can."""
    if cost not in COSTS:
        return f"cost must be one of {', '.join(COSTS)}, got {cost!r}"
    if output not in OUTPUTS:
        return f"output must be one of {', '.join(OUTPUTS)}, got {output!r}"
    if (cost, output) == ("quadratic", "softmax"):
        # Each softmax output depends on every z^L_j, so its delta^L needs the full Jacobian of
        # softmax; the course derives delta^L only where it is one entry-by-entry line.
        return ("the quadratic cost with softmax outputs is not supported (its delta^L needs the "
                "softmax Jacobian, which the course does not derive): use cost cross-entropy with "
                "softmax, or sigmoid outputs")
    return None


def check_cost_output(cost, output):
    """(cost, output) if the network can train with them, else a ValueError with the sentence."""
    return _raise(cost_output_problem(cost, output), (cost, output))
