"""The exercise checkers accept the right answer and name the usual mistakes, never raising."""
import math

import numpy as np
import pytest

from nnlesson import sigmoid, sigmoid_prime
from nnlesson.lessons.exercises import (check_cost, check_delta_L, check_delta_recursion,
                                check_feedforward_layer, check_sigmoid_prime)


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def crash(*args):
    raise RuntimeError("learner's bug")


CORRECT = [
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a + b)),
    (check_feedforward_layer, lambda W, a, b: naive_sigmoid(np.dot(W, a) + b)),
    (check_cost, lambda a, y: np.sum((a - y) ** 2)),
    (check_cost, lambda a, y: ((a - y).T @ (a - y))),  # a (1, 1) array is one number too
    (check_sigmoid_prime, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    (check_delta_L, lambda a, y: 2 * (a - y) * a * (1 - a)),
    (check_delta_recursion, lambda W, d, a: (W.T @ d) * a * (1 - a)),
]

WRONG = [
    # (checker, learner's function, words the message must contain)
    (check_feedforward_layer, lambda W, a, b: sigmoid(W.T @ a + b), "W is transposed"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a), "bias is missing"),
    (check_feedforward_layer, lambda W, a, b: W @ a + b, "That is z, not a"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a + b).T, "transpose of the right shape"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W * a.T + b), "should have shape (3, 1)"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a - b), "Compare with the formula"),
    (check_cost, lambda a, y: np.mean((a - y) ** 2), "divided by the number of outputs"),
    (check_cost, lambda a, y: np.sum((a - y) ** 2) / len(a), "this course uses the sum"),
    (check_cost, lambda a, y: np.sum((a - y) ** 2) / 2, "no 1/2"),
    (check_cost, lambda a, y: np.sum(a - y), "Square each difference"),
    (check_cost, lambda a, y: (a - y) ** 2, "single number"),
    (check_sigmoid_prime, lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, "inf / inf"),
    (check_sigmoid_prime, lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2, "np.exp, not math.exp"),
    (check_sigmoid_prime, sigmoid, "That is sigma(z) itself"),
    (check_sigmoid_prime, lambda z: sigmoid(z) * (1 + sigmoid(z)), "Check the sign"),
    (check_delta_L, lambda a, y: (a - y) * a * (1 - a), "factor 2 is missing"),
    (check_delta_L, lambda a, y: 2 * (a - y) * sigmoid_prime(a), "apply the sigmoid a second time"),
    (check_delta_L, lambda a, y: 2 * (y - a) * a * (1 - a), "a^L - y, not y - a^L"),
    (check_delta_L, lambda a, y: 2 * (a - y), "multiply entry by entry"),
    (check_delta_recursion, lambda W, d, a: (W @ d) * a * (1 - a), "needs its transpose"),
    (check_delta_recursion, lambda W, d, a: W.T @ d, "sigma'(z^l) = a^l (1 - a^l)"),
    (check_delta_recursion, lambda W, d, a: (W.T @ d) * sigmoid_prime(a), "a second time"),
]

CHECKERS = [check_feedforward_layer, check_cost, check_sigmoid_prime, check_delta_L,
            check_delta_recursion]


@pytest.mark.parametrize("checker, fn", CORRECT)
def test_accepts_the_right_function(checker, fn, capsys):
    assert checker(fn) is True
    assert capsys.readouterr().out.startswith("Well done")


@pytest.mark.parametrize("checker, fn, words", WRONG)
def test_names_the_mistake(checker, fn, words, capsys):
    assert checker(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet") and words in out, out


def test_says_which_entry_and_by_how_much(capsys):
    check_delta_L(lambda a, y: (a - y) * a * (1 - a))
    out = capsys.readouterr().out
    assert "entry (0, 0) is" in out and "but should be" in out and "off by" in out


def test_points_at_the_extreme_z(capsys):
    check_sigmoid_prime(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert "the entry for z = -800" in capsys.readouterr().out


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("fn, words", [
    (lambda *args: None, "returned None"),
    (lambda *args: ..., "Replace the ... with your formula"),
    (crash, "raised RuntimeError (learner's bug)"),
    (lambda *args: "seven", "not numbers"),
    (lambda *args: np.full((7, 7), 0.5), "shape (7, 7)"),
    (42, "should be a function"),
])
def test_never_raises_on_broken_functions(checker, fn, words, capsys):
    assert checker(fn) is False
    assert words in capsys.readouterr().out


def test_same_message_every_time(capsys):
    for _ in range(2):
        check_delta_recursion(lambda W, d, a: (W.T @ d) + 1)
    first, second = capsys.readouterr().out.splitlines()
    assert first == second
