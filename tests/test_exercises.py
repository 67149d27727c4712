"""The exercise checkers accept the right answer and name the usual mistakes, never raising."""
import copy
import math
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlesson import cost, one_hot, sigmoid, sigmoid_prime
from nnlesson.lessons.exercises import (check_backprop, check_batch_cost, check_cost,
                                        check_dC_da_prev, check_dC_db, check_dC_dw, check_delta_L,
                                        check_delta_prev, check_feedforward,
                                        check_feedforward_layer, check_gradients, check_one_hot,
                                        check_sgd_step, check_sigmoid_prime, check_step,
                                        check_train_epoch, check_weighted_sum)
from nnlesson.lessons.exercises_training import capstone


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def crash(*args):
    raise RuntimeError("learner's bug")


def feedforward(W, b, X):
    a = X
    for l in range(1, len(W)):
        a = sigmoid(W[l] @ a + b[l])
    return a


def feedforward_layers(W, b, X, layers, transpose=False, bias=True):
    a = X
    for l in layers:
        a = sigmoid((W[l].T if transpose else W[l]) @ a + (b[l] if bias else 0))
    return a


def feedforward_in_place(W, b, X):
    X *= 1.0 + 0 * X.sum()   # harmless so far...
    X[0] = 0.0               # ...but this overwrites the caller's first row
    return feedforward(W, b, X)


def weights_in_place(W, b, X):
    for l in range(1, len(W)):
        W[l] = W[l] * 1.0    # rebinding an item of the caller's list W changes nothing in value
    W.append(None)           # appending to it does
    return feedforward(W[:-1], b, X)


def backprop(W, b, X, Y, transpose=True, prime=True, m=None, row_sum=True, below=1, back=0):
    """Backpropagation as a learner writes it, with one mistake switchable (see WRONG)."""
    a, L = [X], len(W) - 1
    for l in range(1, L + 1):
        a.append(sigmoid(W[l] @ a[l - 1] + b[l]))
    delta = 2 * (a[L] - Y) * a[L] * (1 - a[L]) / (m or X.shape[1])
    nabla_W, nabla_b = [None] * (L + 1), [None] * (L + 1)
    for l in range(L, 0, -1):
        nabla_W[l] = delta @ a[l - below].T
        nabla_b[l] = np.sum(delta, axis=1, keepdims=True) if row_sum else delta
        if l > 1:
            W_l = W[l + back].T if transpose else W[l + back]
            delta = (W_l @ delta) * (a[l - 1] * (1 - a[l - 1]) if prime else 1)
    return nabla_W, nabla_b


def sgd_step(W, b, X, Y, lr, first=1, last=0, in_place=False):
    nabla_W, nabla_b = backprop(W, b, X, Y)
    W_new, b_new = (W, b) if in_place else (list(W), list(b))
    for l in range(first, len(W) + last):
        if in_place:
            W[l] -= lr * nabla_W[l]
            b[l] -= lr * nabla_b[l]
        else:
            W_new[l], b_new[l] = W[l] - lr * nabla_W[l], b[l] - lr * nabla_b[l]
    return W_new, b_new


def train_epoch(W, b, data, batch_size, lr, rng, last=1):
    X, Y = data
    n = X.shape[1]
    order = np.arange(n) if rng is None else rng.permutation(n)
    for k in range(0, n - (0 if last else n % batch_size), batch_size):
        idx = order[k:k + batch_size]
        W, b = sgd_step(W, b, X[:, idx], Y[:, idx], lr)
    return W, b


def shuffle_data_in_place(W, b, data, batch_size, lr, rng):
    X, Y = data
    order = rng.permutation(X.shape[1])
    X[:] = X[:, order]      # the caller's X, shuffled
    return train_epoch(W, b, data, batch_size, lr, rng)


def step_in_place(v, grad, eta):
    v -= eta * grad
    return v


def chain(first):
    def dC(a_prev, w, b, y, prime=sigmoid_prime, two=1, sign=1):
        z = w * a_prev + b
        return first(a_prev, w) * prime(z) * two * sign * 2 * (sigmoid(z) - y)
    return dC


dw, db, da = chain(lambda a, w: a), chain(lambda a, w: 1.0), chain(lambda a, w: w)

CORRECT = [
    (check_weighted_sum, lambda W, a, b, j: W[j] @ a[:, 0] + b[j, 0]),
    (check_weighted_sum,
     lambda W, a, b, j: sum(W[j, k] * a[k, 0] for k in range(len(a))) + b[j, 0]),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a + b)),
    (check_feedforward_layer, lambda W, a, b: naive_sigmoid(np.dot(W, a) + b)),
    (check_feedforward, feedforward),
    (check_one_hot, one_hot),
    (check_cost, lambda a, y: np.sum((a - y) ** 2)),
    (check_cost, lambda a, y: ((a - y).T @ (a - y))),  # a (1, 1) array is one number too
    (check_batch_cost, cost),
    (check_batch_cost, lambda A, Y: np.mean(np.sum((A - Y) ** 2, axis=0))),
    (check_step, lambda v, g, eta: v - eta * g),
    (check_sigmoid_prime, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    (check_dC_dw, dw), (check_dC_db, db), (check_dC_da_prev, da),
    (check_delta_L, lambda a, y, z: 2 * (a - y) * sigmoid_prime(z) / a.shape[1]),
    (check_delta_L, lambda a, y, z: 2 * (a - y) * a * (1 - a) / y.shape[1]),
    (check_delta_prev, lambda W, d, z: (W.T @ d) * sigmoid_prime(z)),
    (check_gradients, lambda d, a: (d @ a.T, d.sum(axis=1, keepdims=True))),
    (check_gradients, lambda d, a: [d @ a.T, d @ np.ones((d.shape[1], 1))]),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y)),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, lr)),
    (check_train_epoch, lambda W, b, data, m, lr, rng: train_epoch(W, b, data, m, lr, rng)),
]

WRONG = [
    # (checker, learner's function, words the message must contain)
    (check_weighted_sum, lambda W, a, b, j: W[:, j] @ a[:, 0] + b[j, 0], "column j of W"),
    (check_weighted_sum, lambda W, a, b, j: W[j] @ a[:, 0], "bias is missing"),
    (check_weighted_sum, lambda W, a, b, j: np.sum(W[j] * a[:, 0] + b[j, 0]), "once per term"),
    (check_weighted_sum, lambda W, a, b, j: sigmoid(W[j] @ a[:, 0] + b[j, 0]),
     "before the sigmoid"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W.T @ a + b), "W is transposed"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a), "bias is missing"),
    (check_feedforward_layer, lambda W, a, b: W @ a + b, "That is z, not a"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a + b).T, "transpose of the right shape"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W * a.T + b), "should have shape (3, 1)"),
    (check_feedforward_layer, lambda W, a, b: sigmoid(W @ a - b), "Compare with the formula"),
    (check_feedforward,
     lambda W, b, X: feedforward_layers(W, b, X, range(1, len(W)), transpose=True),
     "W is transposed"),
    (check_feedforward, lambda W, b, X: feedforward_layers(W, b, X, range(1, len(W)), bias=False),
     "A bias is missing"),
    (check_feedforward, lambda W, b, X: feedforward_layers(W, b, X, range(1, len(W) - 1)),
     "off by one"),
    (check_feedforward, lambda W, b, X: feedforward_layers(W, b, X, range(1, 2)), "layer 1 only"),
    (check_feedforward,
     lambda W, b, X: W[-1] @ feedforward_layers(W, b, X, range(1, len(W) - 1)) + b[-1],
     "output layer needs its sigmoid"),
    (check_feedforward,
     lambda W, b, X: [X] + [feedforward_layers(W, b, X, range(1, l + 1)) for l in range(1, len(W))],
     "list of all activations"),
    (check_feedforward, feedforward_in_place, "it changed its input X in place"),
    (check_feedforward, weights_in_place, "it changed its input W in place"),
    (check_one_hot, lambda y, n: one_hot(y, n).T, "transposed"),
    (check_one_hot, lambda y, n: one_hot(np.asarray(y) + 1, n), "off by one"),
    (check_one_hot, lambda y, n: 1 - one_hot(y, n), "swapped"),
    (check_cost, lambda a, y: np.mean((a - y) ** 2), "divided by the number of outputs"),
    (check_cost, lambda a, y: np.sum((a - y) ** 2) / len(a), "this course uses the sum"),
    (check_cost, lambda a, y: np.sum((a - y) ** 2) / 2, "no 1/2"),
    (check_cost, lambda a, y: np.sum(a - y), "Square each difference"),
    (check_cost, lambda a, y: (a - y) ** 2, "single number"),
    (check_cost, lambda a, y: np.sqrt(np.sum((a - y) ** 2)), "without the square root"),
    (check_cost, lambda a, y: np.sum(np.abs(a - y)), "rather than taking its absolute value"),
    (check_batch_cost, lambda A, Y: np.sum((A - Y) ** 2), "no division by the batch size"),
    (check_batch_cost, lambda A, Y: np.mean((A - Y) ** 2), "mean over every entry"),
    (check_batch_cost, lambda A, Y: np.sum((A - Y) ** 2) / len(A), "A.shape[0]"),
    (check_batch_cost, lambda A, Y: np.sum((A - Y) ** 2, axis=0), "one per example"),
    (check_step, lambda v, g, eta: v + eta * g, "uphill"),
    (check_step, lambda v, g, eta: v - g, "learning rate eta is missing"),
    (check_step, lambda v, g, eta: -eta * g, "the step itself"),
    (check_step, step_in_place, "it changed its input v in place"),
    (check_sigmoid_prime, lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, "inf / inf"),
    (check_sigmoid_prime, lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2, "np.exp, not math.exp"),
    (check_sigmoid_prime, sigmoid, "That is sigma(z) itself"),
    (check_sigmoid_prime, lambda z: sigmoid(z) * (1 + sigmoid(z)), "Check the sign"),
    (check_sigmoid_prime, lambda z: z * (1 - z), "You wrote z (1 - z)"),
    (check_dC_dw, lambda *args: dw(*args, prime=lambda z: 1), "sigma'(z^L) is missing"),
    (check_dC_dw, lambda *args: dw(*args, prime=lambda z: sigmoid_prime(sigmoid(z))),
     "applying the sigmoid twice"),
    (check_dC_dw, lambda *args: dw(*args, two=2), "factor 2 appears twice"),
    (check_dC_dw, lambda *args: dw(*args, sign=-1), "Check the sign"),
    (check_dC_dw, db, "That is dC/db^L"),
    (check_dC_db, lambda *args: db(*args, prime=lambda z: 1), "sigma'(z^L) is missing"),
    (check_dC_db, lambda *args: db(*args, prime=lambda z: sigmoid_prime(sigmoid(z))), "twice"),
    (check_dC_db, lambda *args: db(*args, two=2), "factor 2 appears twice"),
    (check_dC_db, lambda *args: db(*args, sign=-1), "Check the sign"),
    (check_dC_db, da, "That is dC/da^(L-1)"),
    (check_dC_db, dw, "That is dC/dw^L"),
    (check_dC_da_prev, lambda *args: da(*args, prime=lambda z: 1), "sigma'(z^L) is missing"),
    (check_dC_da_prev, dw, "That is dC/dw^L"),
    (check_dC_da_prev, db, "That is dC/db^L"),
    (check_dC_da_prev, lambda *args: da(*args, prime=lambda z: sigmoid_prime(sigmoid(z))), "twice"),
    (check_dC_da_prev, lambda *args: da(*args, two=2), "factor 2 appears twice"),
    (check_dC_da_prev, lambda *args: da(*args, sign=-1), "Check the sign"),
    (check_dC_dw, da, "That is dC/da^(L-1)"),
    (check_delta_L, lambda a, y, z: 2 * (a - y) * sigmoid_prime(z), "no division by the batch"),
    (check_delta_L, lambda a, y, z: np.mean(2 * (a - y) * sigmoid_prime(z), axis=1, keepdims=True),
     "mean over the examples"),
    (check_delta_L, lambda a, y, z: 2 * (a - y) / len(a[0]), "sigma'(z^L) is missing"),
    (check_delta_L, lambda a, y, z: 2 * (a - y) * sigmoid_prime(a) / len(a[0]), "sigmoid twice"),
    (check_delta_L, lambda a, y, z: (a - y) * sigmoid_prime(z) / len(a[0]), "factor 2 is missing"),
    (check_delta_L, lambda a, y, z: 2 * (y - a) * sigmoid_prime(z) / len(a[0]), "not y - a^L"),
    (check_delta_L, lambda a, y, z: 2 * (a - y) * sigmoid_prime(z) / len(a), "a_L.shape[0]"),
    (check_delta_prev, lambda W, d, z: (W @ d) * sigmoid_prime(z), "needs its transpose"),
    (check_delta_prev, lambda W, d, z: W.T @ d, "sigma'(z^l) is missing"),
    (check_delta_prev, lambda W, d, z: (W.T @ d) * sigmoid_prime(sigmoid(z)), "sigmoid twice"),
    (check_delta_prev, lambda W, d, z: (W.T @ d) * z * (1 - z), "You wrote z (1 - z)"),
    (check_delta_prev, lambda W, d, z: (W.T @ d) * sigmoid_prime(z) / z.shape[1], "m again"),
    (check_gradients, lambda d, a: (d @ a.T, d), "ROW SUM"),
    (check_gradients, lambda d, a: (d @ a.T, d.mean(axis=1, keepdims=True)), "m again"),
    (check_gradients, lambda d, a: (d @ a.T / d.shape[1], d.sum(axis=1, keepdims=True)), "m again"),
    (check_gradients, lambda d, a: (a @ d.T, d.sum(axis=1, keepdims=True)), "transposed"),
    (check_gradients, lambda d, a: (d @ a.T, d.sum(axis=1)), "keepdims=True"),
    (check_gradients, lambda d, a: (d @ a.T, d.sum(axis=0, keepdims=True)), "axis=1"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, transpose=False), "transpose"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, prime=False), "sigma'(z^l) is"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, m=1), "no division by the batch"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, row_sum=False), "ROW SUM"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, below=0), "a[l - 1]"),
    (check_backprop, lambda W, b, X, Y: backprop(W, b, X, Y, back=-1), "uses W[l], the weights"),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, -lr), "uphill"),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, 1.0), "learning rate is missing"),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, lr, first=1, last=-1),
     "the last layer did not move"),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, lr, first=2), "layer 1 did not"),
    (check_sgd_step, lambda W, b, X, Y, lr: (sgd_step(W, b, X, Y, lr)[0], b), "biases did not"),
    (check_sgd_step, lambda W, b, X, Y, lr: sgd_step(W, b, X, Y, lr, in_place=True),
     "it changed its input W in place"),
    (check_train_epoch, lambda W, b, data, m, lr, rng: train_epoch(W, b, data, m, lr, rng, last=0),
     "last, shorter batch is missing"),
    (check_train_epoch, lambda W, b, data, m, lr, rng:
     train_epoch(W, b, data, m, lr, np.random.default_rng(0)), "shuffling once"),
    (check_train_epoch, lambda W, b, data, m, lr, rng:
     train_epoch(W, b, data, m, lr, copy.deepcopy(rng)), "shuffling once"),
    (check_train_epoch, lambda W, b, data, m, lr, rng: train_epoch(W, b, data, m, lr, None),
     "stored order"),
    (check_train_epoch, shuffle_data_in_place, "it changed its input data in place"),
]

SINGLE = [check_weighted_sum, check_feedforward_layer, check_feedforward, check_one_hot,
          check_cost, check_batch_cost, check_step, check_sigmoid_prime, check_dC_dw,
          check_dC_db, check_dC_da_prev, check_delta_L, check_delta_prev]
SPLIT = [check_gradients, check_backprop, check_sgd_step, check_train_epoch]
CHECKERS = SINGLE + SPLIT


def one_line(capsys):
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out


def stub_dots(*args):
    ...


def stub_return_dots(*args):
    return ...


def stub_raises(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker, fn", CORRECT)
def test_accepts_the_right_function(checker, fn, capsys):
    assert checker(fn) == True  # noqa: E712 (a Verdict, not the bool True)
    assert one_line(capsys).startswith("Well done")


@pytest.mark.parametrize("checker, fn, words", WRONG)
def test_names_the_mistake(checker, fn, words, capsys):
    assert checker(fn) == False  # noqa: E712
    out = one_line(capsys)
    assert out.startswith("Not yet") and words in out, out


def test_every_checker_has_a_right_and_two_named_wrong_functions():
    for checker in CHECKERS:
        assert any(c is checker for c, _ in CORRECT)
        assert sum(c is checker for c, _, _ in WRONG) >= 2, checker.__name__


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("stub, words", [(stub_dots, "returned None"),
                                         (stub_return_dots, "still returns `...`"),
                                         (stub_raises, "still raises NotImplementedError")])
def test_a_stub_is_not_written_yet(checker, stub, words, capsys):
    assert checker(stub) == False  # noqa: E712
    out = capsys.readouterr().out
    assert out.startswith("Not written yet") and words in out
    # what it says fits a notebook's 95 characters (it was one line of 133 before)
    assert out.count("\n") == 2 and max(map(len, out.splitlines())) <= 95, out


def test_says_which_entry_and_by_how_much(capsys):
    check_delta_L(lambda a, y, z: (a - y) * a * (1 - a))
    out = capsys.readouterr().out
    assert "entry (0, 0) is" in out and "but should be" in out and "off by" in out


def test_points_at_the_extreme_z(capsys):
    check_sigmoid_prime(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert "the entry for z = -800" in capsys.readouterr().out


def test_batches_of_1_7_and_40(capsys):
    seen = []
    check_feedforward(lambda W, b, X: seen.append(X.shape[1]) or feedforward(W, b, X))
    assert seen == [1, 7, 40]
    capsys.readouterr()


def test_a_mistake_that_only_shows_on_a_batch_is_found_there(capsys):
    # with m = 1 the sum IS the mean: the checker must go on to the batch of 7 to see it
    check_batch_cost(lambda A, Y: np.sum((A - Y) ** 2))
    assert "a batch of 7 examples" in capsys.readouterr().out


class Weird:
    def __array__(self, *args, **kwargs):
        raise KeyError("no numbers here")


@pytest.mark.parametrize("checker", SINGLE)
@pytest.mark.parametrize("fn, words", [
    (crash, "raised RuntimeError (learner's bug)"),
    (lambda *args: "seven", "not numbers"),
    (lambda *args: [np.ones(2), np.ones(3)], "list of 2 things"),
    (lambda *args: Weird(), "not numbers"),
    (lambda *args: np.full((7, 7), 0.5), "shape (7, 7)"),
    (42, "should be a function"),
])
def test_never_raises_on_broken_functions(checker, fn, words, capsys):
    assert checker(fn) == False  # noqa: E712
    assert words in one_line(capsys)


@pytest.mark.parametrize("checker", SPLIT)
@pytest.mark.parametrize("fn, words", [
    (crash, "raised RuntimeError (learner's bug)"),
    (lambda *args: "seven", "should return two"),
    (lambda *args: (np.ones(2), "seven"), "should"),
    (lambda *args: (Weird(), Weird()), "should"),
    (42, "should be a function"),
])
def test_never_raises_when_the_answer_has_parts(checker, fn, words, capsys):
    assert checker(fn) == False  # noqa: E712
    assert words in one_line(capsys)


@pytest.mark.parametrize("checker, fn, words", [
    (check_backprop, lambda W, b, X, Y: [x[1:] for x in backprop(W, b, X, Y)], "= None"),
    (check_sgd_step, lambda W, b, X, Y, lr: [x[:-1] for x in sgd_step(W, b, X, Y, lr)], "parts"),
    (check_gradients, lambda d, a: (d @ a.T, None), "not an array"),
])
def test_names_a_list_without_its_none_or_a_layer(checker, fn, words, capsys):
    assert checker(fn) == False  # noqa: E712
    assert words in one_line(capsys)


def test_the_epoch_checker_calls_twice_with_one_generator_and_uses_batch_order(capsys):
    calls = []

    def spy(W, b, data, batch_size, lr, rng):
        calls.append((data[0].shape[1], batch_size, id(rng)))
        return train_epoch(W, b, data, batch_size, lr, rng)
    assert check_train_epoch(spy) == True  # noqa: E712
    capsys.readouterr()
    sizes = [(n, m) for n, m, _ in calls]
    assert (47, 7) in sizes and (95, 40) in sizes and any(m == 1 for _, m in sizes)
    twice = [r for n, m, r in calls if (n, m) == (95, 40)]
    assert len(twice) == 2 and twice[0] == twice[1]   # the second epoch draws from the same rng


def test_same_message_every_time(capsys):
    for _ in range(2):
        check_delta_prev(lambda W, d, z: (W.T @ d) + 1)
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


LESSONS = sorted((Path(__file__).parent.parent / "notebooks").glob("0[23456]_*.ipynb"))


def exercise_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [cell for cell in nb.cells
            if cell.cell_type == "code" and re.search(r"^check_\w+\(", cell.source, re.M)]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_each_exercise_has_a_stub_and_a_hidden_solution_printing_one_line(path):
    cells = exercise_cells(path)
    assert cells and len(cells) % 2 == 0
    for stub, solution in zip(cells[::2], cells[1::2]):
        checker = re.search(r"^(check_\w+)\(", stub.source, re.M).group(1)
        assert solution.metadata.get("jupyter", {}).get("source_hidden") is True
        assert solution.source.startswith("# NBVAL_CHECK_OUTPUT")
        name = re.search(r"^def (\w+)", solution.source, re.M).group(1)
        assert solution.source.rstrip().endswith(f"{checker}({name})")
        texts = [out.get("text", "") for out in solution.outputs]
        assert len(texts) == 1 and texts[0].count("\n") == 1 and texts[0].startswith("Well done")


def test_a_verdict_is_a_bool_that_a_notebook_does_not_show(capsys):
    from IPython.core.interactiveshell import InteractiveShell
    verdict = check_one_hot(one_hot)
    assert verdict and verdict == True and not check_one_hot(crash)  # noqa: E712
    capsys.readouterr()
    formatted, _ = InteractiveShell.instance().display_formatter.format(verdict)
    assert formatted == {}


def test_lessons_2_to_6_hold_at_least_15_exercises():
    assert sum(len(exercise_cells(path)) // 2 for path in LESSONS) >= 15


def exits(*args):
    raise SystemExit(1)


def fills_W0(W, b, X):
    W[0] = np.zeros((2, 2))   # W[0] is None in the caller's list: this changes it
    return feedforward(W, b, X)


@pytest.mark.parametrize("checker, fn, words", [
    (check_feedforward, exits, "raised SystemExit"),
    (check_feedforward, fills_W0, "it changed its input W in place"),
    (check_weighted_sum, lambda W, a, b, j: (x for x in [1.0]), "not numbers"),
])
def test_never_raises_on_odder_functions(checker, fn, words, capsys):
    assert checker(fn) == False  # noqa: E712
    assert words in one_line(capsys)


class Digits:
    """A tiny data set shaped like nnlesson.Dataset: 4 'pixels', 3 'digits', examples as columns."""

    def __init__(self, n=50, seed=0):
        rng = np.random.default_rng(seed)
        self.X_train, self.y_train = rng.uniform(size=(4, n)), rng.integers(3, size=n)
        self.X_test, self.y_test = rng.uniform(size=(4, 20)), rng.integers(3, size=20)


def test_the_capstone_matches_train_with_the_right_epoch(capsys):
    result = capstone(train_epoch, Digits(), sizes=(4, 5, 3), batch_size=7, lr=2.0, seed=3)
    out = capsys.readouterr().out
    # same steps, different rounding order (engine.py): far below the 1e-10 the lesson allows
    assert "same weights and biases as nnlesson.train to 1e-10: True" in out
    assert result["difference"] < 1e-12
    assert abs(result["accuracy"] - result["train_accuracy"]) < 1e-9


def test_the_capstone_tells_a_different_epoch_apart(capsys):
    once = lambda W, b, data, m, lr, rng: train_epoch(W, b, data, m, lr, None)  # noqa: E731
    result = capstone(once, Digits(), sizes=(4, 5, 3), batch_size=7, lr=2.0, seed=3)
    assert "to 1e-10: False" in capsys.readouterr().out and result["difference"] > 1e-6


@pytest.mark.parametrize("stub, words", [(stub_dots, "Not written yet"),
                                         (stub_return_dots, "Not written yet"),
                                         (stub_raises, "Not written yet"),
                                         (crash, "raised RuntimeError")])
def test_the_capstone_of_a_stub_is_short_and_no_traceback(stub, words, capsys):
    assert capstone(stub, Digits(), sizes=(4, 5, 3), batch_size=7) is None
    out = capsys.readouterr().out
    assert words in out and out.count("\n") <= 2 and max(map(len, out.splitlines())) <= 95, out


@pytest.mark.parametrize("module", ["forward", "cost", "chain", "backprop", "training"])
def test_each_lessons_checkers_can_be_imported_first(module):
    # a fresh interpreter: importing exercises_<module> before exercises must not be circular
    code = f"from nnlesson.lessons.exercises_{module} import *; import nnlesson.lessons.exercises"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
