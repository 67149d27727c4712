"""Many networks trained at once: the paper's Appendix 4 grid, reproduced (lesson 7).

The paper trains 800 networks (20 batch sizes x 40 learning rates, one epoch each). Trained one at
a time, a network of this size spends much of its time in Python going round the loop for small
matrix products, not in arithmetic. So the networks that share a batch size and a seed are
trained *together*, in stacks of R networks:

  * they see the same mini-batches in the same order (``training.batch_order``, as ``train``
    does), and they all start from the same ``Network(sizes, init, seed)``;
  * each weight matrix becomes a stack: ``W[l]`` has shape (R, n_l, n_(l-1)) and ``W[l][r]`` is
    network r's W^l; likewise ``b[l]`` has shape (R, n_l, 1) and a^l has shape (R, n_l, m);
  * the learning rate is a stack too, shape (R, 1, 1), so ``W[l] -= lr * nabla_W[l]`` moves each
    network with its own rate.

The formulas are lesson 5's, unchanged; ``@`` on stacks multiplies matrix r by matrix r. One
thing is better than that: the input x is the *same* for all R networks, so W^1 x for all of
them is a single product of the R matrices W^1 stacked on top of each other, (R n_1, n_0) @
(n_0, m), and so is nabla_W^1 = delta^1 x^T. That is where nearly all the arithmetic is (n_0 =
784), and one call on a big product runs nearer full speed than R calls on small ones.

A stack should not be too large either: every step reads and writes all of its W^1, and that is
fast only while they fit in the processor's cache (``STACK_BYTES``, :func:`stacks`).

Every network in a stack does the same arithmetic as ``Network._sgd_step`` on its own, so a run
trained here is the run ``train`` would give (``tests/test_sweep.py`` checks it). Only the order
in which a matrix product adds up its terms may differ, in the last bits, and it differs from
one BLAS library to another; at learning rates above about 8 training is chaotic and those last
bits can grow into a different result.

Like ``train``, a stack trains with one BLAS thread: on a busy 2-core machine a second thread
mostly waits for a core (the full grid took 264 s with two threads, 88 s with one). So the
full grid of 780 distinct networks takes about 1.5 minutes of one core.
"""
from __future__ import annotations

import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from .data import N_TRAIN
from .checks import check_batch_size, check_epochs, check_lr
from .network import PAPER_SIZES, Network, one_hot, sigmoid
from .paper import paper_table
# COLUMNS and read_results are also this module's: lesson 7 and the tests import them from here.
from .sweep_csv import COLUMNS, cell_key, read_results, row_key, writing  # noqa: F401
from .training import batch_order, train

PAPER_BATCH_SIZES = tuple(range(5, 101, 5))
# The 40 columns of Figures 11 and 12 hold 39 different learning rates: 1.0 is in both.
PAPER_LRS = tuple(sorted({round(float(lr), 2) for lr in paper_table().lrs}))
# A stack is fastest while its W^1 fits in the processor's cache: every step reads and writes all
# of it. Measured on a 2-core machine with 1 MB of cache per core, 39 float32 networks (4 MB of
# W^1) trained 2 to 6 times faster as stacks of 13 to 20 than as one stack of 39.
STACK_BYTES = 2_000_000


def _times(M, A):
    """M @ A for a stack M (R, p, q). If A is ONE matrix (q, m) shared by all R networks, that
    is a single product (R p, q) @ (q, m) rather than R small ones."""
    if A.ndim == 3:
        return M @ A
    R, p, q = M.shape
    return (M.reshape(R * p, q) @ A).reshape(R, p, A.shape[1])


def _T(a):
    """The transpose of every matrix in a stack (or of one matrix)."""
    return np.swapaxes(a, -1, -2)


class Stack:
    """R networks of the same sizes, trained side by side: ``W[l][r]`` is network r's W^l."""

    def __init__(self, nets):
        nets = list(nets)
        if not nets or len({(net.sizes, net.dtype) for net in nets}) != 1:
            raise ValueError("a stack needs at least one network, all of the same sizes and dtype")
        self.sizes, self.L, self.dtype, self.R = nets[0].sizes, nets[0].L, nets[0].dtype, len(nets)
        self._first = nets[0]  # what network(r) copies its sizes, init and seed labels from
        self.W = [None] + [np.stack([net.W[l] for net in nets]) for l in range(1, self.L + 1)]
        self.b = [None] + [np.stack([net.b[l] for net in nets]) for l in range(1, self.L + 1)]

    def network(self, r):
        """Network r of the stack, as an ordinary (independent) ``Network``."""
        net = self._first.copy()
        net.W = [None] + [w[r].copy() for w in self.W[1:]]
        net.b = [None] + [b[r].copy() for b in self.b[1:]]
        return net

    def activations(self, X):
        """[a^0, a^1, ..., a^L] for all R networks: a^0 = X (n_0, m), then stacks (R, n_l, m)."""
        a = [X]
        for l in range(1, self.L + 1):
            a.append(sigmoid(_times(self.W[l], a[-1]) + self.b[l]))
        return a

    def sgd_step(self, X, Y, lr):
        """One gradient-descent step of every network on the same batch (X, Y), lr of shape (R,1,1).

        Lesson 5's four equations, on stacks. The step of layer l is taken as soon as its
        gradient is known: delta^(l-1) needs only the old W^l, computed just before.
        """
        a, L, m = self.activations(X), self.L, X.shape[1]
        delta = 2.0 * (a[L] - Y) * a[L] * (1.0 - a[L]) / m
        for l in range(L, 0, -1):
            nabla_W = _times(delta, _T(a[l - 1]))
            nabla_b = delta.sum(axis=2, keepdims=True)
            if l > 1:
                delta = (_T(self.W[l]) @ delta) * a[l - 1] * (1.0 - a[l - 1])
            self.W[l] -= lr * nabla_W
            self.b[l] -= lr * nabla_b

    def accuracy(self, X, y, chunk=2500):
        """Test accuracy of each network in %, shape (R,). The test set goes through in chunks so
        that a^1 for all R networks never needs much memory."""
        right = np.zeros(self.R)
        for k in range(0, X.shape[1], chunk):
            a_L = self.activations(np.asarray(X[:, k:k + chunk], dtype=self.dtype))[-1]
            right += np.sum(np.argmax(a_L, axis=1) == y[k:k + chunk], axis=1)
        return 100.0 * (right / len(y))  # as evaluate: 100 x the fraction right


@threadpool_limits.wrap(limits=1, user_api="blas")  # as train does, and for the same reason
def train_stack(stack, data, epochs=1, batch_size=40, lrs=(4.0,), seed=0, callback=None):
    """Train every network of ``stack`` with its own learning rate ``lrs[r]``, like ``train``.

    Returns the test accuracies in %, shape (epochs, R): row e is after epoch e + 1.
    ``callback(fraction)`` is called after every mini-batch with the fraction done, 0 to 1.
    """
    lr = np.array([check_lr(x) for x in lrs], dtype=stack.dtype).reshape(-1, 1, 1)
    if len(lr) != stack.R:
        raise ValueError(f"{len(lr)} learning rates for a stack of {stack.R} networks")
    check_epochs(epochs)
    # As in train: one example per row, so a mini-batch is one gather and .T gives columns.
    rows = np.ascontiguousarray(np.asarray(data.X_train).T, dtype=stack.dtype)
    Y_rows = np.ascontiguousarray(one_hot(data.y_train, stack.sizes[-1]).T, dtype=stack.dtype)
    batch_size = check_batch_size(batch_size, len(rows))
    accuracy = []
    for epoch, batches in enumerate(batch_order(len(rows), batch_size, epochs, seed)):
        for k, idx in enumerate(batches):
            stack.sgd_step(rows[idx].T, Y_rows[idx].T, lr)
            if callback is not None:
                callback((epoch + (k + 1) / len(batches)) / epochs)
        accuracy.append(stack.accuracy(data.X_test, data.y_test))
    return np.array(accuracy)


def figures_of(lr):
    """Which of the paper's tables have a column for this learning rate: (11,), (12,), (11, 12)
    for 1.0, or () for a rate the paper never tried."""
    t = paper_table()
    return tuple(int(f) for f in t.figures[np.isclose(t.lrs, lr, rtol=0, atol=1e-9)])


def stacks(lrs, dtype="float32", sizes=PAPER_SIZES):
    """Split the learning rates into as few, equal stacks as keep each W^1 within STACK_BYTES."""
    per_network = sizes[0] * sizes[1] * np.dtype(dtype).itemsize
    n_stacks = -(-len(lrs) // max(1, STACK_BYTES // per_network))
    return [[float(lr) for lr in chunk] for chunk in np.array_split(lrs, n_stacks)]


def sweep(data, batch_sizes=PAPER_BATCH_SIZES, lrs=PAPER_LRS, epochs=1, seeds=(0,),
          init="classic", dtype="float32", skip=(), progress=None):
    """Train the grid batch_sizes x lrs (x seeds), stacking the learning rates; yield rows.

    Networks in one stack share the seed and batch size; :func:`stacks` decides how many
    learning rates go into one stack.

    Each row is a dict with the CSV's ``COLUMNS``; a learning rate in both of the paper's tables
    (1.0) is trained once and yields one row per table. A value given twice is trained once.
    Cells whose key (``sweep_csv.cell_key``) is in ``skip`` are not trained. ``seconds`` is the
    stack's wall time shared out equally among its networks. ``progress(cells_done,
    cells_total, text)`` is told how far the sweep is, often.
    """
    for rows in sweep_cells(data, batch_sizes, lrs, epochs, seeds, init, dtype, skip, progress):
        yield from rows


def sweep_cells(data, batch_sizes=PAPER_BATCH_SIZES, lrs=PAPER_LRS, epochs=1, seeds=(0,),
                init="classic", dtype="float32", skip=(), progress=None):
    """:func:`sweep`, but yielding each trained cell's rows together, as one list."""
    lrs = list(dict.fromkeys(float(check_lr(lr)) for lr in lrs))  # 1.0 given twice: train once
    batch_sizes, seeds = list(dict.fromkeys(batch_sizes)), list(dict.fromkeys(seeds))
    check_epochs(epochs)
    skip = set(skip)
    jobs = [(seed, b, [lr for lr in lrs if cell_key(b, lr, seed, init, epochs, dtype) not in skip])
            for seed in seeds for b in batch_sizes]
    jobs = [(seed, b, chunk) for seed, b, todo in jobs if todo for chunk in stacks(todo, dtype)]
    total, done = sum(len(todo) for *_, todo in jobs), 0
    for seed, batch_size, todo in jobs:
        text = f"batch size {batch_size}, seed {seed}: {len(todo)} networks"
        report = (lambda f: progress(done + f * len(todo), total, text)) if progress else None
        stack = Stack([Network(PAPER_SIZES, init, seed, dtype)] * len(todo))  # all start alike
        start = time.perf_counter()
        accuracy = train_stack(stack, data, epochs, batch_size, todo, seed, report)[-1]
        seconds = (time.perf_counter() - start) / len(todo)
        done += len(todo)
        for lr, acc in zip(todo, accuracy):
            yield [dict(batch_size=batch_size, lr=lr, figure=figure, seed=seed, init=init,
                        epochs=epochs, dtype=str(dtype), accuracy=round(float(acc), 2),
                        seconds=round(seconds, 4)) for figure in figures_of(lr) or ("",)]


# ---- the CSV (nnlesson.sweep_csv keeps it safe): one write per finished cell, so an ----
# ---- interrupted sweep resumes where it stopped                                        ----

GRID = dict(batch_sizes=PAPER_BATCH_SIZES, lrs=PAPER_LRS, epochs=1, seeds=(0,), init="classic",
            dtype="float32")


def _done(rows, grid):
    """(The cells the grid asks for, those of them already complete in ``rows``). A cell is
    complete when all its rows are there: lr 1.0 needs both its Figure 11 and 12 rows."""
    g = dict(GRID, **grid)
    present = {row_key(r) for r in rows}
    wanted = {cell_key(b, lr, seed, g["init"], g["epochs"], g["dtype"])
              for b in g["batch_sizes"] for lr in g["lrs"] for seed in g["seeds"]}
    return wanted, {k for k in wanted
                    if all((k, figure) in present for figure in figures_of(k[1]) or ("",))}


def _fill(results, data, progress, grid):
    """Train the cells of ``grid`` missing from the open CSV ``results``; append their rows."""
    present = {row_key(r) for r in results.rows}
    _, done = _done(results.rows, grid)
    new = []
    for rows in sweep_cells(data, skip=done, progress=progress, **grid):
        rows = [r for r in rows if row_key(r) not in present]  # a half-written cell: the rest
        results.write(rows)
        new += rows
    return new, len(done)


def run_to_csv(path, data, progress=None, **grid):
    """Run :func:`sweep` (keywords ``grid``), appending each finished cell to the CSV ``path``.

    Cells already in the file are skipped, so running the same command again after an
    interruption finishes the work instead of repeating it. Returns the new rows and how many
    of the cells asked for were skipped. With nothing left to do the file is not even opened
    for writing (it may be read-only).
    """
    wanted, done = _done(read_results(path), grid)
    if wanted <= done:
        return [], len(done)
    with writing(path) as results:
        return _fill(results, data, progress, grid)


def our_table(rows, template, seed=0, init="classic", epochs=1):
    """Our accuracies laid out like the paper's table ``template`` (a ``PaperTable``): same
    batch sizes and learning-rate columns, NaN where ``rows`` has no such cell."""
    found = {(r["batch_size"], round(r["lr"], 9)): r["accuracy"] for r in rows
             if (r["seed"], r["init"], r["epochs"]) == (seed, init, epochs)}
    return np.array([[found.get((int(b), round(float(lr), 9)), np.nan) for lr in template.lrs]
                     for b in template.batch_sizes])


# ---- how much faster is a stack? ----

def bench_sweep(data, batch_sizes=(10, 40, 100), lrs=PAPER_LRS, images=12000, tests=2000,
                dtype="float32", init="classic", seed=0):
    """Time the same runs both ways in the same process: stacked, and one by one with ``train``.

    Each run trains on the first ``images`` training images and is scored on the first ``tests``
    test images (few, so that the timing is mostly training).
    Returns a list of dicts per batch size: seconds both ways, their ratio, and the largest
    accuracy difference between the two at learning rates up to 4 (where training is stable).
    """
    subset = data.subset(images, tests)
    lrs = list(dict.fromkeys(float(lr) for lr in lrs))
    # Warm up both ways (a few large batches), so that neither pays alone for first touches of
    # memory, which can cost as much as the timed work.
    train_stack(Stack([Network(PAPER_SIZES, init, seed, dtype)] * 2), subset, 1, 1000, [1, 2], seed)
    train(Network(PAPER_SIZES, init, seed, dtype), subset, 1, 1000, 1.0, seed)
    results = []
    for batch_size in batch_sizes:
        start = time.perf_counter()
        stacked = np.concatenate([
            train_stack(Stack([Network(PAPER_SIZES, init, seed, dtype)] * len(chunk)), subset,
                        1, batch_size, chunk, seed)[-1] for chunk in stacks(lrs, dtype)])
        t_stack = time.perf_counter() - start
        start = time.perf_counter()
        alone = [train(Network(PAPER_SIZES, init, seed, dtype), subset, 1, batch_size, lr, seed)
                 .test_accuracy[-1] for lr in lrs]
        t_alone = time.perf_counter() - start
        difference = np.where(np.array(lrs) <= 4, np.abs(stacked - np.array(alone)), 0)
        results.append(dict(batch_size=batch_size, networks=len(lrs), stacked=t_stack,
                            one_by_one=t_alone, ratio=t_alone / t_stack,
                            max_difference=float(difference.max()),
                            at_lr=lrs[int(np.argmax(difference))]))
    return results


# ---- the command line: python -m nnlesson sweep ----

def add_arguments(parser):
    parser.add_argument("--batch-sizes", nargs="+", metavar="B", default=None,
                        help="batch sizes (the paper's 5 10 ... 100)")
    parser.add_argument("--lrs", nargs="+", metavar="LR", default=None,
                        help="learning rates (the paper's 0.05 ... 1.00 and 1 ... 20)")
    parser.add_argument("--epochs", default="1", help="passes over the 60,000 images (1)")
    parser.add_argument("--seeds", nargs="+", metavar="S", default=["0"],
                        help="seeds for initialisation and shuffling, one grid each (0)")
    parser.add_argument("--init", default="classic",
                        help="classic: N(0, 1) weights, the textbook choice and the likeliest for the "
                             "paper's own Java library; scaled: N(0, 1/n_in) (classic)")
    parser.add_argument("--dtype", default="float32", help="float32 or float64 (float32)")
    parser.add_argument("--out", default=os.path.join("results", "sweep.csv"),
                        help="CSV to append to; cells already in it are skipped (results/sweep.csv)")
    parser.add_argument("--bench", action="store_true",
                        help="time stacked against one-by-one training on a few cells, and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress line")


def _parse(texts, kind, name, ok, rule):
    """Command-line words -> numbers, or a ValueError that names the bad word and the rule."""
    values = []
    for text in texts:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise ValueError(f"{name}: {text!r} is not {rule}")
        values.append(value)
    return values


def parse_grid(args):
    """The grid the command line asks for, checked: every bad value gets one sentence."""
    from .network import INITS
    grid = dict(
        batch_sizes=_parse(args.batch_sizes or PAPER_BATCH_SIZES, int, "--batch-sizes",
                           lambda b: 1 <= b <= N_TRAIN, f"a whole number from 1 to {N_TRAIN}"),
        lrs=_parse(args.lrs or PAPER_LRS, float, "--lrs", lambda lr: np.isfinite(lr) and lr > 0,
                   "a positive number"),
        epochs=_parse([args.epochs], int, "--epochs", lambda e: e >= 1,
                      "a whole number of at least 1")[0],
        seeds=_parse(args.seeds, int, "--seeds", lambda s: s >= 0, "a whole number, 0 or more"),
        init=args.init, dtype=args.dtype)
    if args.init not in INITS:
        raise ValueError(f"--init must be one of {', '.join(INITS)}, got {args.init!r}")
    if args.dtype not in ("float32", "float64"):
        raise ValueError(f"--dtype must be float32 or float64, got {args.dtype!r}")
    return grid


def check_options(args, grid):
    """What parse_grid does not check: --out is a file name, and --bench is not given a grid."""
    if args.bench:
        ignored = [name for name, given in (
            ("--batch-sizes", args.batch_sizes is not None), ("--lrs", args.lrs is not None),
            ("--epochs", grid["epochs"] != 1), ("--seeds", grid["seeds"] != [0])) if given]
        if ignored:
            raise ValueError(f"--bench times its own grid; it takes only --init and --dtype, "
                             f"not {', '.join(ignored)}")
    elif not os.path.basename(args.out):
        raise ValueError(f"--out: {args.out!r} is not a file name; give one such as "
                         f"{os.path.join('results', 'sweep.csv')}")


def cli_main(args):
    from .data import load_mnist
    from .progress import ProgressBar
    grid = parse_grid(args)
    check_options(args, grid)
    if args.bench:
        results = bench_sweep(load_mnist(dtype=grid["dtype"]), dtype=grid["dtype"],
                              init=grid["init"])
        for r in results:
            print(f"batch size {r['batch_size']:3d}, {r['networks']} networks: stacked "
                  f"{r['stacked']:.2f} s, one by one {r['one_by_one']:.2f} s, "
                  f"{r['ratio']:.1f}x faster; accuracies differ by at most "
                  f"{r['max_difference']:.2f} points at lr <= 4 (at lr {r['at_lr']:g})")
        stacked, alone = sum(r["stacked"] for r in results), sum(r["one_by_one"] for r in results)
        print(f"in all: stacked {stacked:.2f} s, one by one {alone:.2f} s: {alone / stacked:.1f}x faster")
        return
    wanted, complete = _done(read_results(args.out), grid)  # a bad --out: said before any work
    if wanted <= complete:
        print(f"nothing to do: all {len(wanted)} cells are already in {args.out}")
        return
    bar = ProgressBar(None, "sweep", enabled=not args.quiet)

    def show(done, total, text):
        bar.total = total
        bar.update(round(done), text)
    start = time.perf_counter()
    with writing(args.out) as results:  # --out checked and held before the data is loaded
        data = load_mnist(dtype=grid["dtype"])
        new, skipped = _fill(results, data, show, grid)
    if bar.total:  # something was trained, so a progress line was drawn: end it
        bar.close()
    cells = len({row_key(r)[0] for r in new})
    print(f"{cells} networks trained in {time.perf_counter() - start:.1f} s, {skipped} cells "
          f"already in {args.out} skipped; {len(new)} rows written")
