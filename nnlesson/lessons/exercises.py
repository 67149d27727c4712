"""Checkers for the "your turn" cells of lessons 2 to 5.

Each checker calls the learner's function on a few chosen inputs, compares the result with the
course's own answer (built from ``nnlesson.network``), and prints one kind, specific message:
which input, which entry, by how much, and a hint aimed at the usual mistake. A checker never
raises: a learner who meets a traceback from the checker learns about the checker, not about
neural networks. Each returns True or False, so a notebook or a test can act on the verdict.
"""
import warnings

import numpy as np

from ..network import one_hot, sigmoid, sigmoid_prime


def _inputs():
    """A generator with a fixed seed: every call checks the same inputs and prints the same words."""
    return np.random.default_rng(2023)


def _call(fn, args):
    """fn(*args), with the learner's overflow warnings silenced: the checker reports them itself."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _examples(m):
    return "1 example" if m == 1 else f"a batch of {m} examples"


def _check(name, fn, cases, mistakes, on_error, formula, where=None):
    """Run fn on each case (label, args, expected); print one message; return the verdict.

    ``mistakes`` lists (wrong_function, hint): when fn's answer matches a wrong function's answer,
    the learner sees that hint; otherwise the ``formula`` to compare with. ``on_error`` is the
    hint for a function that raises.
    """
    if not callable(fn):
        print(f"Not yet: {name} should be a function, but it is {type(fn).__name__}. "
              f"Pass the function itself, without calling it: check(my_function).")
        return False
    for label, args, expected in cases:
        try:
            got = _call(fn, args)
        except Exception as error:  # any error at all is the learner's to see, kindly
            print(f"Not yet: your function raised {type(error).__name__} ({error}) on {label}. "
                  f"{on_error}")
            return False
        if got is None or got is Ellipsis:
            print(f"Not yet: your function returned {got} on {label}. "
                  + ("Replace the ... with your formula." if got is Ellipsis
                     else "Did you forget the `return` line?"))
            return False
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            print(f"Not yet: your function returned {type(got).__name__} on {label}, "
                  f"not numbers. It should return a NumPy array (or a number).")
            return False
        if expected.shape == () and got.size == 1:
            got = got.reshape(())
        if got.shape != expected.shape:
            if expected.shape == ():
                hint = "The cost of one example is a single number: add the terms up with np.sum."
            elif got.shape == expected.shape[::-1]:
                hint = "That is the transpose of the right shape."
            else:
                hint = "Compare with the formula: " + formula
            print(f"Not yet: on {label}, your answer has shape {got.shape}, "
                  f"but it should have shape {expected.shape}. {hint}")
            return False
        wrong = ~np.isclose(got, expected, rtol=1e-6, atol=1e-12)
        if wrong.any():
            index = tuple(int(i) for i in np.argwhere(wrong)[0])
            at = where(args, index) if where else (f"entry {index}" if index else "the value")
            hint = next((hint for mistake, hint in mistakes
                         if np.allclose(got, _call(mistake, args), rtol=1e-6, atol=1e-12,
                                        equal_nan=True)), None)
            if hint is None and not np.isfinite(got[index]):
                hint = "It is not a finite number: something overflowed or divided 0 by 0."
            off = (f" (off by {got[index] - expected[index]:.3g})" if np.isfinite(got[index])
                   else "")
            print(f"Not yet: on {label}, {at} is {got[index]:.6g} but should be "
                  f"{expected[index]:.6g}{off}. {hint or 'Compare with the formula: ' + formula}")
            return False
    print(f"Well done: {name} is right on all {len(cases)} test inputs.")
    return True


# ---- lesson 2: one layer feeding forward ----

def check_feedforward_layer(fn):
    """fn(W, a_prev, b) should return a = sigma(W a_prev + b), for one column or a batch."""
    rng, cases = _inputs(), []
    for n, n_prev, m in [(3, 3, 1), (4, 2, 1), (2, 5, 4)]:  # square first: W.T then gives numbers
        W, a_prev, b = rng.normal(size=(n, n_prev)), rng.uniform(size=(n_prev, m)), rng.normal(size=(n, 1))
        cases.append((f"a layer of {n} neurons fed by {n_prev}, with {_examples(m)}",
                      (W, a_prev, b), sigmoid(W @ a_prev + b)))
    mistakes = [
        (lambda W, a, b: sigmoid(W.T @ a + b),
         "It looks like W is transposed: W has shape (n_l, n_(l-1)), row j holds the weights "
         "into neuron j, so z = W @ a_prev + b."),
        (lambda W, a, b: sigmoid(W @ a),
         "It looks like the bias is missing: z = W @ a_prev + b, then a = sigma(z)."),
        (lambda W, a, b: W @ a + b,
         "That is z, not a yet: pass it through the sigmoid, a = sigma(z)."),
    ]
    on_error = ("Check the shapes: W is (n_l, n_(l-1)) and a_prev is (n_(l-1), m), so the matrix "
                "product is W @ a_prev (not W.T @ a_prev, not a_prev @ W, and @ rather than *).")
    return _check("your feedforward layer", fn, cases, mistakes, on_error,
                  "a = sigma(W @ a_prev + b).")


# ---- lesson 3: the cost of one example ----

def check_cost(fn):
    """fn(a, y) should return C = sum_i (a_i - y_i)^2 for ONE example: a single number."""
    rng, cases = _inputs(), []
    for n, shape in [(10, (10, 1)), (3, (3, 1)), (4, (4,))]:
        a, y = rng.uniform(size=shape), one_hot(rng.integers(n, size=1), n).reshape(shape)
        cases.append((f"an example with {n} outputs (a and y of shape {shape})",
                      (a, y), np.array(np.sum((a - y) ** 2))))
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
    ]
    on_error = "The cost is np.sum((a - y)**2): a and y have the same shape, one entry per output."
    return _check("your cost", fn, cases, mistakes, on_error, "C = sum_i (a_i - y_i)^2.")


# ---- lesson 4: the derivative of the sigmoid ----

def check_sigmoid_prime(fn):
    """fn(z) should return sigma'(z) entry by entry, also at extreme z such as +-800."""
    z_moderate = np.linspace(-6, 6, 12).reshape(3, 4)
    z_extreme = np.array([-800.0, -40.0, 40.0, 800.0])
    cases = [(f"z = {name}", (z,), sigmoid_prime(z))
             for name, z in [("a 3x4 array of values between -6 and 6", z_moderate),
                             ("[-800, -40, 40, 800]", z_extreme)]]
    overflow = ("At large |z| a formula like exp(-z) / (1 + exp(-z))**2 computes inf / inf. "
                "Write it as sigma(z) * (1 - sigma(z)) (Appendix 1 of the paper), using "
                "nnlesson.sigmoid, which never overflows.")
    mistakes = [
        (lambda z: sigmoid(z), "That is sigma(z) itself; its derivative is sigma(z) (1 - sigma(z))."),
        (lambda z: sigmoid(z) * (1 + sigmoid(z)), "Check the sign: sigma'(z) = sigma(z) (1 - sigma(z))."),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, overflow),
    ]
    on_error = ("Use NumPy, which works on whole arrays (np.exp, not math.exp); better still, "
                "sigma(z) * (1 - sigma(z)) with nnlesson.sigmoid, which never overflows.")
    return _check("your sigmoid_prime", fn, cases, mistakes, on_error,
                  "sigma'(z) = sigma(z) (1 - sigma(z)).",
                  where=lambda args, index: f"the entry for z = {args[0][index]:g}")


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
    """fn(W_next, delta_next, a_l) should return delta^l = (W^(l+1))^T delta^(l+1) o a^l (1 - a^l)."""
    rng, cases = _inputs(), []
    for n_next, n, m in [(4, 4, 1), (2, 3, 1), (3, 5, 4)]:  # square first: a missing .T gives numbers
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
