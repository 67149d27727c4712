"""Lesson 4's "your turn" checkers: sigma', and the chain rule on the one-neuron-per-layer chain.

For the chain z^L = w^L a^(L-1) + b^L, a^L = sigma(z^L), C = (a^L - y)^2:
  dC/dw^L     = a^(L-1) sigma'(z^L) 2 (a^L - y)
  dC/db^L     =       1 sigma'(z^L) 2 (a^L - y)
  dC/da^(L-1) =     w^L sigma'(z^L) 2 (a^L - y)
Each checker passes NumPy arrays of 1, 7 and 40 such chains at once (entry by entry), and builds
its answer with ``nnlesson.network.sigmoid`` and ``sigmoid_prime``. The shared machinery is in
:mod:`nnlesson.lessons.exercises`.
"""
import numpy as np

from ..network import sigmoid, sigmoid_prime
from .exercises import _check, _inputs

NAMES = ("a_prev", "w", "b", "y")


# ---- sigma'(z) = sigma(z) (1 - sigma(z)) ----

def check_sigmoid_prime(fn):
    """fn(z) should return sigma'(z) entry by entry, also at extreme z such as +-800."""
    rng = _inputs()
    zs = [("a 3x4 array of values between -6 and 6", np.linspace(-6, 6, 12).reshape(3, 4)),
          ("[-800, -40, 40, 800]", np.array([-800.0, -40.0, 40.0, 800.0])),
          ("a batch of 40 values between -10 and 10", rng.uniform(-10, 10, size=(1, 40)))]
    cases = [(f"z = {name}", (z,), sigmoid_prime(z)) for name, z in zs]
    overflow = ("At large |z| a formula like exp(-z) / (1 + exp(-z))**2 computes inf / inf. "
                "Write it as sigma(z) * (1 - sigma(z)) (Appendix 1 of the paper), using "
                "nnlesson.sigmoid, which never overflows.")
    mistakes = [
        (lambda z: sigmoid(z),
         "That is sigma(z) itself; its derivative is sigma(z) (1 - sigma(z))."),
        (lambda z: sigmoid(z) * (1 + sigmoid(z)),
         "Check the sign: sigma'(z) = sigma(z) (1 - sigma(z))."),
        (lambda z: z * (1 - z),
         "You wrote z (1 - z): the formula is in terms of sigma(z), sigma(z) (1 - sigma(z))."),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, overflow),
    ]
    on_error = ("Use NumPy, which works on whole arrays (np.exp, not math.exp); better still, "
                "sigma(z) * (1 - sigma(z)) with nnlesson.sigmoid, which never overflows.")
    return _check("your sigmoid_prime", fn, cases, mistakes, on_error,
                  "sigma'(z) = sigma(z) (1 - sigma(z)).",
                  where=lambda args, index: f"the entry for z = {args[0][index]:g}",
                  names=("z",))


# ---- the chain rule on the one-neuron chain ----

def _chains():
    """(label, (a_prev, w, b, y)) for 1, 7 and 40 chains at once."""
    rng = _inputs()
    return [(f"{m} chain{'s' if m > 1 else ''} at once (arrays of shape ({m},))",
             (rng.uniform(0.05, 0.95, m), rng.normal(0, 2, m), rng.normal(0, 1, m),
              rng.uniform(0, 1, m))) for m in (1, 7, 40)]


def _factors(a_prev, w, b, y):
    """sigma'(z^L) and dC/da^L = 2 (a^L - y), the two factors every derivative here shares."""
    z = w * a_prev + b
    return sigmoid_prime(z), 2 * (sigmoid(z) - y)


def _with(first, prime="z", two=1, sign=1):
    """first link * sigma' * dC/da, with one typical mistake switched on (the wrong answers)."""
    def wrong(a_prev, w, b, y):
        z = w * a_prev + b
        s = {"z": sigmoid_prime(z), "a": sigmoid_prime(sigmoid(z)), "none": 1}[prime]
        return first(a_prev, w, b) * s * two * sign * 2 * (sigmoid(z) - y)
    return wrong


LINKS = {"dC/dw^L": lambda a_prev, w, b: a_prev, "dC/db^L": lambda a_prev, w, b: np.ones_like(w),
         "dC/da^(L-1)": lambda a_prev, w, b: w}
WHY = {"dC/dw^L": "dz/dw = a^(L-1)", "dC/db^L": "dz/db = 1", "dC/da^(L-1)": "dz/da^(L-1) = w^L"}


def _check_chain(target, fn):
    first = LINKS[target]
    cases = [(label, args, first(*args[:3]) * np.prod(_factors(*args), axis=0))
             for label, args in _chains()]
    mistakes = [(_with(first, prime="none"),
                 "The factor sigma'(z^L) is missing (da/dz): multiply by sigmoid_prime(z)."),
                (_with(first, prime="a"),
                 "You took sigma' of a^L = sigma(z^L), applying the sigmoid twice: it is "
                 "sigma'(z^L), with z = w * a_prev + b."),
                (_with(first, two=2),
                 "The factor 2 appears twice (the paper's slip): 2 (a^L - y) holds it once."),
                (_with(first, sign=-1), "Check the sign: dC/da^L = 2 (a^L - y), not 2 (y - a^L).")]
    mistakes += [(_with(LINKS[other]),
                  f"That is {other}: the first link of {target} is {WHY[target]}.")
                 for other in LINKS if other != target]
    on_error = ("a_prev, w, b and y are NumPy arrays: use *, sigmoid and sigmoid_prime, which work "
                "entry by entry (np.exp, not math.exp).")
    return _check(f"your {target}", fn, cases, mistakes, on_error,
                  f"{target} = ({WHY[target].split(' = ')[1]}) * sigma'(z) * 2 (a - y), "
                  f"z = w * a_prev + b, a = sigma(z).", names=NAMES)


def check_dC_dw(fn):
    """fn(a_prev, w, b, y) should return dC/dw^L = a^(L-1) sigma'(z^L) 2 (a^L - y)."""
    return _check_chain("dC/dw^L", fn)


def check_dC_db(fn):
    """fn(a_prev, w, b, y) should return dC/db^L = sigma'(z^L) 2 (a^L - y)."""
    return _check_chain("dC/db^L", fn)


def check_dC_da_prev(fn):
    """fn(a_prev, w, b, y) should return dC/da^(L-1) = w^L sigma'(z^L) 2 (a^L - y)."""
    return _check_chain("dC/da^(L-1)", fn)
