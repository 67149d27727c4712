"""Lesson 3's "your turn" checkers: the expected outputs, the cost, one step downhill.

The expected answers come from the package (``nnlesson.network.one_hot`` and ``cost``, and
``descent.gradient_descent`` for the step); the shared machinery is in
:mod:`nnlesson.lessons.exercises`.
"""
import numpy as np

from ..costs import cost, one_hot
from .descent import K, gradient_descent, quadratic_gradient
from .exercises import _check, _examples, _inputs


# ---- the expected outputs of a batch: one one-hot column per label ----

def check_one_hot(fn):
    """fn(y, n) should return the (n, m) matrix whose column t is 1 in row y[t], 0 elsewhere."""
    rng, cases = _inputs(), []
    for n, m in [(10, 1), (10, 7), (3, 40)]:
        y = rng.integers(n - 1, size=m)  # below n - 1, so a label shifted by one still fits
        cases.append((f"{_examples(m)} with labels below {n}", (y, n), one_hot(y, n)))
    mistakes = [
        (lambda y, n: one_hot(y, n).T,
         "Your matrix is transposed: one example per COLUMN, so Y has shape (n, m)."),
        (lambda y, n: one_hot(np.asarray(y) + 1, n),
         "A label is off by one: the digit d goes in row d, and rows count from 0."),
        (lambda y, n: 1 - one_hot(y, n), "The 0s and 1s are swapped: 1 at the label, 0 elsewhere."),
    ]
    on_error = ("Start from Y = np.zeros((n, len(y))), then set Y[y[t], t] = 1 for each example t "
                "(or all at once: Y[y, np.arange(len(y))] = 1).")
    return _check("your one_hot", fn, cases, mistakes, on_error,
                  "Y[i, t] = 1 if i == y[t] else 0, Y of shape (n, m).", names=("y", "n"))


# ---- the cost of one example: C_t = sum_i (a_i - y_i)^2 ----

def check_cost(fn):
    """fn(a, y) should return C = sum_i (a_i - y_i)^2 for ONE example: a single number."""
    rng, cases = _inputs(), []
    for n, shape in [(10, (10, 1)), (3, (3, 1)), (4, (4,))]:
        a, y = rng.uniform(size=shape), one_hot(rng.integers(n, size=1), n).reshape(shape)
        cases.append((f"an example with {n} outputs (a and y of shape {shape})",
                      (a, y), np.array(cost(a.reshape(n, 1), y.reshape(n, 1)))))
    mistakes = [
        (lambda a, y: np.mean((a - y) ** 2),
         "You divided by the number of outputs n. The paper writes /n in one place and a plain "
         "sum in another; this course uses the sum, because its derivative is exactly the "
         "paper's dC/da = 2(a - y). Dividing by n would only shrink every gradient by n."),
        (lambda a, y: np.sum((a - y) ** 2) / 2,
         "You halved the cost. Some books use 1/2 so that the 2 cancels when differentiating; "
         "this course follows the paper, C = sum_i (a_i - y_i)^2, with no 1/2."),
        (lambda a, y: np.sqrt(np.sum((a - y) ** 2)),
         "That is the length of a - y; the cost is its square, without the square root."),
        (lambda a, y: np.sum(a - y),
         "Square each difference before adding: otherwise errors of opposite sign cancel."),
        (lambda a, y: np.sum(np.abs(a - y)),
         "Square each difference, (a_i - y_i)**2, rather than taking its absolute value."),
        (lambda a, y: (a - y) ** 2,
         "Those are the squared differences, one per output: the cost is a single number, "
         "their sum (np.sum)."),
    ]
    on_error = "The cost is np.sum((a - y)**2): a and y have the same shape, one entry per output."
    return _check("your cost of one example", fn, cases, mistakes, on_error,
                  "C = sum_i (a_i - y_i)^2.",
                  names=("a", "y"))


# ---- the cost of a batch: the mean over the examples (columns) of C_t ----

def check_batch_cost(fn):
    """fn(A, Y) should return nnlesson.cost(A, Y): the column mean of sum_i (A_it - Y_it)^2."""
    rng, cases = _inputs(), []
    for n, m in [(10, 7), (10, 1), (3, 40)]:  # 7 first: with m = 1, /m and /(n m) are /1 and /n
        A, Y = rng.uniform(size=(n, m)), one_hot(rng.integers(n, size=m), n)
        cases.append((f"{_examples(m)} with {n} outputs", (A, Y), np.array(cost(A, Y))))
    mistakes = [
        (lambda A, Y: np.mean((A - Y) ** 2),
         "You took the mean over every entry, so you also divided by the number of outputs n. "
         "Sum over the outputs (the rows), then take the mean over the examples (the columns)."),
        (lambda A, Y: np.sum((A - Y) ** 2),
         "There is no division by the batch size: that is the sum of the m costs, and the batch "
         "cost is their mean. Divide by m = A.shape[1]."),
        (lambda A, Y: np.sum((A - Y) ** 2) / A.shape[0],
         "You divided by A.shape[0], the number of outputs; the number of examples m is "
         "A.shape[1] (one example per column)."),
        (lambda A, Y: np.sum((A - Y) ** 2, axis=0),
         "Those are the m costs C_t, one per example: the batch cost is one number, their mean."),
    ]
    on_error = ("A and Y have shape (n, m), one example per column: "
                "np.sum((A - Y)**2) / A.shape[1] "
                "is the mean over the m examples of each example's sum.")
    return _check("your batch cost", fn, cases, mistakes, on_error,
                  "C = (1/m) sum_t sum_i (A[i, t] - Y[i, t])^2.", names=("A", "Y"))


# ---- one step of gradient descent on the lesson's bowl ----

def check_step(fn):
    """fn(v, grad, eta) should return v - eta * grad, a new array (the step downhill)."""
    rng, cases = _inputs(), []
    for eta in [0.1, 0.35, 1.2]:
        v = rng.uniform(-2, 2, size=2)
        grad = quadratic_gradient(v, K)
        expected = gradient_descent(lambda w: quadratic_gradient(w, K), v, eta, steps=1)[1]
        cases.append((f"v = {np.round(v, 3)} on the bowl, eta = {eta}", (v, grad, eta), expected))
    mistakes = [
        (lambda v, g, eta: v + eta * g,
         "Your step goes uphill: the gradient points where C grows fastest, so step against it, "
         "v - eta * grad."),
        (lambda v, g, eta: v - g, "The learning rate eta is missing: the step is eta * grad."),
        (lambda v, g, eta: -eta * g,
         "That is the step itself, -eta * grad; the new point is v plus the step."),
    ]
    on_error = ("v and grad are NumPy arrays of the same shape and eta a number: "
                "return v - eta * grad.")
    return _check("your step", fn, cases, mistakes, on_error, "v_new = v - eta * grad.",
                  names=("v", "grad", "eta"))
