"""Lesson 6's "your turn" checkers: one SGD step, one epoch, and the capstone against train.

The contracts, as the lesson states them:
  * ``sgd_step(W, b, X, Y, lr)`` returns NEW lists (W, b) one step downhill, and leaves the
    caller's lists and arrays as they were (so a learner can compare before and after);
  * ``train_epoch(W, b, data, batch_size, lr, rng)``, with ``data = (X, Y)`` (examples as
    columns), draws ONE permutation ``rng.permutation(n)`` at its start, cuts it into runs of
    ``batch_size`` (the last one may be smaller) and takes one step per run, in order. Called once
    per epoch with ``rng = np.random.default_rng(seed)``, it makes the batches that
    ``nnlesson.training.batch_order`` makes, so it takes the steps ``nnlesson.train`` takes (up
    to rounding: train computes them in another order, in ``engine.py``).
The expected answers come from ``Network.sgd_step`` on ``training.batch_order``'s batches; the
shared machinery is in :mod:`nnlesson.lessons.exercises`.
"""
import numpy as np

from ..network import Network
from ..costs import one_hot
from ..training import batch_order, evaluate, train
from .exercises import STUB, Verdict, _call, _check, _examples, _inputs
from .exercises_backprop import _backprop, layer_lists


def _network(sizes, seed):
    return Network(sizes, seed=seed, init="classic")


def _step(W, b, X, Y, lr, sign=-1, rate=True, layers=None):
    """Network.sgd_step on new lists, with one typical mistake switched on (the wrong answers)."""
    nabla_W, nabla_b = _backprop(W, b, X, Y)
    layers = range(1, len(W)) if layers is None else layers
    eta = lr if rate else 1.0
    W_new, b_new = list(W), list(b)
    for l in layers:
        W_new[l], b_new[l] = W[l] + sign * eta * nabla_W[l], b[l] + sign * eta * nabla_b[l]
    return W_new, b_new


def check_sgd_step(fn):
    """fn(W, b, X, Y, lr) should return new lists (W, b): Network.sgd_step's, W[0] = b[0] = None."""
    rng, cases = _inputs(), []
    for sizes, m, lr in [((4, 3, 2), 1, 0.5), ((5, 4, 3, 2), 7, 3.0), ((6, 5, 4, 3), 40, 2.0)]:
        net = _network(sizes, int(rng.integers(1000)))
        X, Y = rng.uniform(size=(sizes[0], m)), one_hot(rng.integers(sizes[-1], size=m), sizes[-1])
        args, after = (net.W, net.b, X, Y, lr), net.copy()
        after.sgd_step(X, Y, lr)
        cases.append((f"a {'-'.join(map(str, sizes))} network, {_examples(m)}, lr = {lr}", args,
                      (after.W, after.b)))
    mistakes = [
        (lambda W, b, X, Y, lr: _step(W, b, X, Y, lr, sign=1),
         "Your step goes uphill: the gradient points where C grows, so W[l] - lr * dC/dW^l."),
        (lambda W, b, X, Y, lr: _step(W, b, X, Y, lr, rate=False),
         "The learning rate is missing: the step is lr * dC/dW^l (and lr * dC/db^l)."),
        (lambda W, b, X, Y, lr: _step(W, b, X, Y, lr, layers=range(1, len(W) - 1)),
         "A layer index is off by one: the last layer did not move. Step every layer, "
         "l = 1, ..., L: range(1, len(W))."),
        (lambda W, b, X, Y, lr: _step(W, b, X, Y, lr, layers=range(2, len(W))),
         "A layer index is off by one: layer 1 did not move. Layers count from 1 (W[0] is "
         "None), so loop over range(1, len(W))."),
        (lambda W, b, X, Y, lr: (_step(W, b, X, Y, lr)[0], b),
         "The biases did not move: b[l] - lr * dC/db^l too."),
    ]
    on_error = ("nabla_W, nabla_b = backprop(W, b, X, Y); then for l in range(1, len(W)) build "
                "W[l] - lr * nabla_W[l] and b[l] - lr * nabla_b[l] into new lists starting with "
                "None.")
    return _check("your sgd_step", fn, cases, mistakes, on_error,
                  "W[l] - lr * dC/dW^l, b[l] - lr * dC/db^l for l = 1, ..., L.",
                  names=("W", "b", "X", "Y", "lr"), split=layer_lists("W", "b"))


# ---- one epoch: shuffle, cut into mini-batches, one step per batch ----

def _epochs(W, b, X, Y, lr, orders):
    """Steps on the batches of each order in turn (the package's answer and the wrong ones)."""
    for order in orders:
        for idx in order:
            W, b = _step(W, b, X[:, idx], Y[:, idx], lr)
    return W, b


def _cut(order, batch_size, keep_last=True):
    n = len(order) if keep_last else len(order) - len(order) % batch_size
    return [order[k:k + batch_size] for k in range(0, n, batch_size)]


def _wrong_epoch(mistake):
    """A wrong train_epoch, run as the checker runs the learner's (see check_train_epoch)."""
    def run(W, b, data, batch_size, lr, seed, epochs):
        X, Y = data
        n, rng = X.shape[1], np.random.default_rng(seed)
        orders = [_cut(rng.permutation(n), batch_size, keep_last=False) if mistake == "drop last"
                  else _cut(np.arange(n), batch_size) for _ in range(epochs)]
        return _epochs(W, b, X, Y, lr, orders)
    return run


SAME_ORDER = ("Not yet: called twice from the same weights with the same rng, your train_epoch "
              "gave the same weights, so both epochs used the same order: that is shuffling once, "
              "not every epoch. Draw the order from the rng you are given, order = "
              "rng.permutation(n), not from a new generator made inside the function.")


def _shuffles_once(fn):
    """Whether two calls with one rng from the same start give the same weights (a fixed order).

    An order that is not drawn from ``rng`` repeats; ``rng.permutation`` of 10 examples twice
    gives two different orders (for this seed), so a right function gives two answers. A
    function that does not shuffle at all is left to the checker's cases, which name it.
    """
    net, rng = _network((3, 2, 2), 5), np.random.default_rng(5)
    X, Y = rng.uniform(size=(3, 10)), one_hot(rng.integers(2, size=10), 2)
    try:
        first, second = (_call(fn, (list(net.W), list(net.b), (X.copy(), Y.copy()), 3, 1.0, rng))
                         for _ in range(2))
        unshuffled = _epochs(net.W, net.b, X, Y, 1.0, [_cut(np.arange(10), 3)])
        same = lambda u, v: all(np.array_equal(x, y) for x, y in zip(u[0][1:] + u[1][1:],  # noqa
                                                                     v[0][1:] + v[1][1:]))
        return same(first, second) and not np.allclose(first[0][1], unshuffled[0][1])
    except Exception:  # a stub or a broken function: the checker's cases say what is wrong
        return False


def _run_learner(fn):
    """The learner's train_epoch, called ``epochs`` times with one generator seeded ``seed``."""
    def run(W, b, data, batch_size, lr, seed, epochs):
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            got = fn(W, b, data, batch_size, lr, rng)
            if not (isinstance(got, (tuple, list)) and len(got) == 2) or epochs == 1:
                return got  # a stub or a wrong shape of answer: the checker says what it is
            W, b = got
        return W, b
    return run


def check_train_epoch(fn):
    """fn(W, b, (X, Y), batch_size, lr, rng) should train one epoch in batch_order's batches."""
    if not callable(fn):
        return _check("your train_epoch", fn, [], [], "", "")
    rng, cases = _inputs(), []
    for sizes, n, batch_size, epochs in [((4, 3, 2), 9, 1, 1), ((5, 4, 3), 47, 7, 1),
                                         ((6, 5, 3), 95, 40, 2)]:
        net, seed = _network(sizes, int(rng.integers(1000))), int(rng.integers(1000))
        X, Y = rng.uniform(size=(sizes[0], n)), one_hot(rng.integers(sizes[-1], size=n), sizes[-1])
        orders = list(batch_order(n, batch_size, epochs, seed))
        label = (f"{n} examples in batches of {batch_size}, "
                 + ("one epoch" if epochs == 1 else "two epochs (your function called twice)"))
        trained = net.copy()
        for idx in (idx for order in orders for idx in order):
            trained.sgd_step(X[:, idx], Y[:, idx], 1.5)
        cases.append((label, (net.W, net.b, (X, Y), batch_size, 1.5, seed, epochs),
                      (trained.W, trained.b)))
    if _shuffles_once(fn):
        print(SAME_ORDER)
        return Verdict(False)
    mistakes = [
        (_wrong_epoch("drop last"),
         "The last, shorter batch is missing: when n is not a multiple of batch_size the last "
         "batch has the n % batch_size examples left over; step on it too."),
        (_wrong_epoch("no shuffle"),
         "The examples went in their stored order: shuffle first, order = rng.permutation(n)."),
    ]
    on_error = ("Is your sgd_step written and checked (your turn 1)? Then: X, Y = data; "
                "order = rng.permutation(X.shape[1]); then for k in range(0, n, "
                "batch_size): idx = order[k:k + batch_size] and W, b = sgd_step(W, b, X[:, idx], "
                "Y[:, idx], lr). Return W, b.")
    return _check("your train_epoch", _run_learner(fn), cases, mistakes, on_error,
                  "order = rng.permutation(n), batches order[k:k + batch_size], one "
                  "sgd_step each, in order.",
                  names=("W", "b", "data", "batch_size", "lr", "seed", "epochs"),
                  split=layer_lists("W", "b"))


# ---- the capstone: the learner's epoch against nnlesson.train ----

def capstone(train_epoch, data, sizes=(784, 32, 16, 10), batch_size=40, lr=3.0, seed=0):
    """Train one epoch with the learner's train_epoch and with ``nnlesson.train``, same start.

    Prints the facts that hold on any machine (same weights to 1e-10 relative to each matrix's
    largest entry; test accuracy at least 90 %) and returns a dict of the measurements, or None
    (with a "not written yet" line) when train_epoch is a stub or fails.
    """
    net = Network(sizes, seed=seed)
    X, Y = np.asarray(data.X_train), one_hot(data.y_train, sizes[-1])
    W, b = [None] + [w.copy() for w in net.W[1:]], [None] + [x.copy() for x in net.b[1:]]
    try:
        got = _call(train_epoch, (W, b, (X, Y), batch_size, lr, np.random.default_rng(seed)))
    except NotImplementedError:
        return print(STUB.format(why="train_epoch still raises NotImplementedError."))
    except (Exception, SystemExit) as error:  # the learner's error, in one line
        return print(f"Not yet: training with your train_epoch raised {type(error).__name__} "
                     f"({error}).\nRun check_train_epoch(train_epoch) above first.")
    if got is None or got is Ellipsis:
        return print(STUB.format(why="train_epoch does not return W, b yet."))
    try:
        mine = Network(sizes, seed=seed)
        mine.W, mine.b = [None] + list(got[0][1:]), [None] + list(got[1][1:])
        accuracy = evaluate(mine, data.X_test, data.y_test)
    except Exception as error:
        return print(f"Not yet: your train_epoch did not return the lists W, b of a {sizes} "
                     f"network ({type(error).__name__}). Run check_train_epoch(train_epoch) first.")
    history = train(net, data, epochs=1, batch_size=batch_size, lr=lr, seed=seed)
    diff = max(float(np.max(np.abs(mine_p - theirs)) / np.max(np.abs(theirs)))
               for mine_p, theirs in zip(mine.W[1:] + mine.b[1:], net.W[1:] + net.b[1:]))
    print(f"one epoch of {X.shape[1]:,} images, batch {batch_size}, learning rate {lr}, "
          f"seed {seed}")
    print(f"same weights and biases as nnlesson.train to 1e-10: {diff < 1e-10}")
    print(f"test accuracy at least 90 %: {accuracy >= 90}")
    return {"difference": diff, "accuracy": accuracy, "train_accuracy": history.test_accuracy[-1]}
