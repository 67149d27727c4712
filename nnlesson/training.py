"""Mini-batch stochastic gradient descent on MNIST, as the paper trains (lesson 6).

Each epoch shuffles the training set, cuts it into mini-batches of ``batch_size`` examples (the
last one may be smaller) and takes one ``sgd_step`` per batch. After each epoch the network is
scored on the 10,000 test images it never trains on.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from .checks import (check_batch_size, check_epochs, check_l2, check_lr, check_lr_decay,
                     check_seed)
from .engine import Engine
from .costs import one_hot


@dataclass
class History:
    """What a training run measured."""
    loss: list = field(default_factory=list)           # batch cost before each step
    test_accuracy: list = field(default_factory=list)  # % of test images right, after each epoch
    validation_accuracy: list = field(default_factory=list)  # the same, when data has X_val
    seconds: list = field(default_factory=list)        # wall time of each epoch's training steps
    stopped: bool = False                              # True when the callback asked to stop


@dataclass
class Progress:
    """What the callback sees after every mini-batch. Return True from the callback to stop."""
    epoch: int          # 0-based
    batch: int          # 1-based within the epoch
    batches: int        # per epoch
    epochs: int
    loss: float         # this batch's cost
    history: History

    @property
    def fraction(self):
        """How much of the whole run is done, from 0 to 1."""
        return (self.epoch + self.batch / self.batches) / self.epochs


# Images are fed forward for scoring in chunks of columns, so that no activation matrix is larger
# than this: 10,000 test images through a hidden layer of 100,000 would be 8 GB in one piece.
# Through the paper's 32 neurons the 10,000 still go in one chunk.
CHUNK_BYTES = 2**24


def chunk_columns(sizes, dtype, n):
    """How many of n images ``evaluate`` feeds forward at a time through a ``sizes`` network."""
    return max(1, min(n, CHUNK_BYTES // (np.dtype(dtype).itemsize * max(sizes[1:]))))


def chunks(net, X):
    """The columns of X in chunks of ``chunk_columns`` (see CHUNK_BYTES)."""
    step = chunk_columns(net.sizes, net.dtype, X.shape[1])
    return (X[:, k:k + step] for k in range(0, X.shape[1], step))


def outputs(net, X):
    """a^L for the columns of X, one chunk at a time (see CHUNK_BYTES)."""
    return (net.feedforward(x) for x in chunks(net, X))


def evaluate(net, X, y):
    """Test accuracy in %: how often the largest output neuron is the true digit."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != y.size:
        raise ValueError(f"X must have one column per label: X has shape {X.shape}, "
                         f"y has {y.size} labels")
    answers = [np.argmax(a, axis=0) for a in outputs(net, X)]
    return 100.0 * float(np.mean(np.concatenate(answers) == y)) if answers else float("nan")


def collapse_note(net, X):
    """A one-line warning when the network gives one answer to most images X, else None.

    No digit is more than 11.35 % of MNIST's test images, so a network that reads its input gives
    each answer about a tenth of the time (healthy networks, even at 50 % accuracy, were measured
    giving no answer more than a third of the time). One answer for half the images or more means
    the input hardly matters any more. Two causes end there, both near 10 % accuracy:
      * collapsed, where no gradient gets through: most outputs a^L_i within 0.001 of 0 or 1
        (lesson 6's measure; 87 to 100 % of them in quadratic networks collapsed at rates of 10
        to 100), or, for a cost without sigma' at the output such as cross-entropy, most of the
        last hidden layer saturated, sigma' < 0.01 (95 to 100 % measured at rate 20; 15 % for
        the N(0, 1) start that has not moved; lesson 8);
      * hardly learned (a tiny rate, too few steps): neither.
    """
    counts, pinned, saturated = np.zeros(net.sizes[-1], dtype=np.int64), 0, 0
    for x in chunks(net, np.asarray(X)):
        *_, hidden, a = net.activations(x)
        counts += np.bincount(np.argmax(a, axis=0), minlength=len(counts))
        pinned += np.count_nonzero((a < 1e-3) | (a > 1 - 1e-3))
        saturated += np.count_nonzero(hidden * (1 - hidden) < 0.01) if net.L > 1 else 0
    n = max(1, counts.sum())
    digit, share = int(np.argmax(counts)), counts.max() / n
    pinned, saturated = pinned / (n * len(counts)), saturated / (n * net.sizes[-2])
    if share < 0.5:
        return None
    said = f"the network has collapsed: it answers {digit} for {share:.0%} of test images; "
    if pinned >= 0.5:
        why = ("where sigma' ~ 0 and learning stops" if net.cost_name == "quadratic"
               else "the same for every image")
        return (said + f"{pinned:.0%} of its outputs are within 0.001 of 0 or 1, {why}; the "
                f"learning rate is probably too large (lessons 6 and 7 show why)")
    if net.L > 1 and saturated >= 0.9:
        return (said + f"{saturated:.0%} of its last hidden layer is saturated (sigma' < 0.01), "
                f"where no gradient gets through; the learning rate is probably too large "
                f"(lesson 8 shows why)")
    return (f"the network answers {digit} for {share:.0%} of test images, without saturating: it "
            f"has hardly learned; the learning rate is probably too small or the training too "
            f"short (lesson 3 shows why)")


def batch_order(n, batch_size, epochs, seed):
    """The mini-batches, epoch by epoch: for each epoch, a list of index arrays.

    One generator seeded with ``seed`` draws a fresh permutation of the n examples per epoch,
    cut into runs of ``batch_size`` (the last one may be smaller). ``train`` and the stacked
    sweep of lesson 7 both use it, so their runs see the same batches.
    """
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(n)
        yield [order[k:k + batch_size] for k in range(0, n, batch_size)]


class MiniBatches:
    """A training set as lesson 6 cuts it, epoch by epoch (:func:`batch_order`).

    In memory one example per row, in the network's dtype, converted once: a mini-batch is then
    a contiguous gather, and ``.T`` (free) turns it into the paper's columns. ``train`` (through
    the engine) and lesson 7's stacked trainer both train from it, so both see the same batches.
    """

    def __init__(self, X, y, n_outputs, dtype, batch_size, epochs, seed):
        # the cheap checks first: a bad setting must not cost the copy of the whole set
        self.batch_size = check_batch_size(batch_size, np.shape(X)[1])
        self.epochs, self.seed = check_epochs(epochs), seed
        self.rows = np.ascontiguousarray(np.asarray(X).T, dtype=dtype)
        if not np.all(np.isfinite(self.rows)):
            raise ValueError("the training images contain NaN or infinite values")
        self.Y_rows = np.ascontiguousarray(one_hot(y, n_outputs).T, dtype=dtype)

    def __iter__(self):
        """(epoch, the epoch's list of index arrays), for each epoch."""
        return enumerate(batch_order(len(self.rows), self.batch_size, self.epochs, self.seed))

    def gather(self, idx):
        """The examples ``idx`` as the paper's columns: (X, Y), shapes (n_0, m) and (n_L, m)."""
        return self.rows[idx].T, self.Y_rows[idx].T


def _check_data(net, data):
    """The training images and labels, checked against each other and against ``net``."""
    X, y = np.asarray(data.X_train), np.asarray(data.y_train)
    if X.ndim != 2:
        raise ValueError(f"the training images must be one column per image, got shape {X.shape}")
    net.as_batch(X[:, :1])  # the number of pixels, with the network's own message
    if y.shape != (X.shape[1],):
        raise ValueError(f"there are {X.shape[1]} training images but {y.size} labels")
    n = net.sizes[-1]
    whole = np.issubdtype(y.dtype, np.integer)
    if not whole or y.size and (y.min() < 0 or y.max() >= n):
        got = f"{y.dtype} labels" if not whole else f"labels from {y.min()} to {y.max()}"
        raise ValueError(f"labels must be whole numbers from 0 to {n - 1} for a network with {n} "
                         f"outputs, got {got}")
    return X, y


# A mini-batch's matrices are small (32 x 784 times 784 x 40): a second BLAS thread gains little on
# them, and on a busy machine every step waits for it to find a free core (measured on 2 cores
# under load: epochs anywhere from 0.23 to 3.6 s, against a steady 0.26 s with one thread). So
# training uses one BLAS thread, and the setting is restored when it returns.
#
# That setting is one number for the whole process, and two runs may overlap (lesson 6's
# dashboard trains in a background thread while a cell calls train()). Each run limiting and
# restoring on its own would restore in the wrong order (A limits, B limits, A restores while B
# still trains, B "restores" 1 for good). So the first run in limits, the last one out restores,
# counted under a lock. The limit is held by a small thread of its own, because threadpoolctl lets
# only the thread that set the limit take it back (since 3.8, other threads' calls are ignored).
_blas = threading.Lock()
_blas_users = 0
_blas_holder = _blas_release = None


def _hold_one_blas_thread(limited, release):
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            limited.set()
            release.wait()
    except Exception:  # a BLAS that cannot be limited still computes right, only maybe slower
        pass
    finally:
        limited.set()  # never leave the first run waiting


@contextmanager
def one_blas_thread():
    """``with one_blas_thread():`` BLAS uses one thread inside, however many runs overlap.

    The process's original thread count comes back when the last overlapping run has left.
    """
    global _blas_users, _blas_holder, _blas_release
    with _blas:
        if _blas_users == 0:
            limited, _blas_release = threading.Event(), threading.Event()
            _blas_holder = threading.Thread(target=_hold_one_blas_thread, daemon=True,
                                            args=(limited, _blas_release), name="nnlesson-blas")
            _blas_holder.start()
            limited.wait()
        _blas_users += 1
    try:
        # Also in this thread: with an OpenMP BLAS the limit belongs to each thread, not the process.
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        with _blas:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_release.set()
                _blas_holder.join()


def decayed_lr(lr, epoch, lr_decay):
    """The learning rate of epoch ``epoch`` (from 0): lr / (1 + epoch / k), or lr when k is None."""
    return lr if lr_decay is None else lr / (1 + epoch / lr_decay)


def train(net, data, epochs=1, batch_size=40, lr=4.0, seed=0, callback=None, l2=0.0,
          lr_decay=None):
    """Train ``net`` in place on ``data`` (a :class:`~nnlesson.data.Dataset`); returns a History.

    The defaults are the paper's best one-epoch setting (batch 40, learning rate 4). ``seed``
    fixes the shuffling, so a run can be repeated exactly. ``callback(progress)`` is called after
    every mini-batch; if it returns True, training stops cleanly after that batch, the network
    keeps what it learned so far and ``history.stopped`` is True. ``l2`` is lambda of L2
    regularisation (lesson 8; ``Network.sgd_step``), n being the number of training images.
    When ``data`` has a validation set, it is scored after each epoch too.

    ``lr_decay`` = k (lesson 8) lowers the rate epoch by epoch: epoch e (from 0) steps with
    lr / (1 + e / k), half the rate after k epochs, a third after 2k. Big steps early cross the
    cost's landscape quickly; small steps late stop the weights jumping about near a minimum.
    This schedule is one formula a learner can work out by hand, fixed before training starts:
    a rule that waits for the validation score to stop improving needs a patience too, and
    reacts to noise in the score. None (the default) keeps the rate constant.
    """
    with one_blas_thread():
        return _train(net, data, epochs, batch_size, lr, seed, callback, l2, lr_decay)


def _train(net, data, epochs, batch_size, lr, seed, callback, l2=0.0, lr_decay=None):
    lr, epochs, seed, l2 = check_lr(lr), check_epochs(epochs), check_seed(seed), check_l2(l2)
    lr_decay = check_lr_decay(lr_decay)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be a function of one Progress, or None, "
                         f"got {callback!r}")
    X, y = _check_data(net, data)
    # MiniBatches checks the batch size, then makes the (possibly large) copy, once. The engine takes the
    # steps of Network.sgd_step with the same numbers, only faster (engine.py says how).
    batches = MiniBatches(X, y, net.sizes[-1], net.dtype, batch_size, epochs, seed)
    engine = Engine(net, batches.rows.T, batches.Y_rows.T)  # the rows as they are: no copy
    history = History()
    for epoch, order in batches:
        def after_batch(k, loss, epoch=epoch, n=len(order)):
            history.loss.append(loss)
            if callback is not None and callback(Progress(epoch, k, n, epochs, loss, history)):
                history.stopped = True
            return history.stopped
        start = time.perf_counter()
        rate = decayed_lr(lr, epoch, lr_decay)
        engine.run_epoch(order, rate, after_batch, l2)
        history.seconds.append(time.perf_counter() - start)
        history.test_accuracy.append(evaluate(net, data.X_test, data.y_test))
        if getattr(data, "X_val", None) is not None:
            history.validation_accuracy.append(evaluate(net, data.X_val, data.y_val))
        if history.stopped:
            break
    return history
