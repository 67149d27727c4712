"""The paper's Appendix 4 grid, reproduced: which networks to train, and the CSV that keeps them.

The paper trains 800 networks (20 batch sizes x 40 learning rates, one epoch each; 780 are
distinct, since the learning rate 1.0 is in both of its tables). :func:`sweep` plans the grid in
stacks (:mod:`.stack` trains the networks of one batch size and seed side by side) and yields a
row per cell; :func:`run_to_csv` appends each finished cell to a CSV (:mod:`.sweep_csv` keeps it
safe), so an interrupted sweep resumes where it stopped. Lesson 7 reads the CSV.

The full grid of 780 networks takes about 1.5 minutes of one core.
"""
from __future__ import annotations

import functools
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from ..checks import check_epochs, check_lr
from ..network import PAPER_SIZES
from ..paper import paper_table
from ..paper.hypotheses import hypothesis, start_of
from ..paper.hypothesis_fit import layout
from .stack import Stack, train_stack
# COLUMNS and read_results are also this module's: lesson 7 and the tests import them from here.
from .sweep_csv import COLUMNS, cell_key, read_results, row_key, writing  # noqa: F401

PAPER_BATCH_SIZES = tuple(range(5, 101, 5))
# The 40 columns of Figures 11 and 12 hold 39 different learning rates: 1.0 is in both.
PAPER_LRS = tuple(sorted({round(float(lr), 2) for lr in paper_table().lrs}))
# A stack is fastest while its W^1 fits in the processor's cache: every step reads and writes all
# of it. Measured on a 2-core machine with 1 MB of cache per core, 39 float32 networks (4 MB of
# W^1) trained 2 to 6 times faster as stacks of 13 to 20 than as one stack of 39.
STACK_BYTES = 2_000_000


@functools.lru_cache(maxsize=None)  # asked once per cell and per row: the table never changes
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
          init="classic", dtype="float32", skip=(), progress=None, workers=1, variant="ours"):
    """Train the grid batch_sizes x lrs (x seeds), stacking the learning rates; yield rows.

    Networks in one stack share the seed and batch size; :func:`stacks` decides how many
    learning rates go into one stack.

    Each row is a dict with the CSV's ``COLUMNS``; a learning rate in both of the paper's tables
    (1.0) is trained once and yields one row per table. A value given twice is trained once.
    Cells whose key (``sweep_csv.cell_key``) is in ``skip`` are not trained. ``seconds`` is the
    stack's wall time shared out equally among its networks. ``progress(cells_done,
    cells_total, text)`` is told how far the sweep is, often. ``workers`` > 1 trains that many
    stacks at once, each in a process of its own (see :func:`_trained`). ``variant`` names the
    hypothesis trained (``paper.hypotheses``; "ours" is correct training); one that draws its
    own start writes that start in the ``init`` column.
    """
    for rows in sweep_cells(data, batch_sizes, lrs, epochs, seeds, init, dtype, skip, progress,
                            workers, variant):
        yield from rows


def sweep_cells(data, batch_sizes=PAPER_BATCH_SIZES, lrs=PAPER_LRS, epochs=1, seeds=(0,),
                init="classic", dtype="float32", skip=(), progress=None, workers=1,
                variant="ours"):
    """:func:`sweep`, but yielding each trained cell's rows together, as one list."""
    lrs = list(dict.fromkeys(float(check_lr(lr)) for lr in lrs))  # 1.0 given twice: train once
    batch_sizes, seeds = list(dict.fromkeys(batch_sizes)), list(dict.fromkeys(seeds))
    check_epochs(epochs)
    init, skip = start_of(variant, init), set(skip)
    jobs = [(seed, b, [lr for lr in lrs
                       if cell_key(b, lr, seed, init, epochs, dtype, variant) not in skip])
            for seed in seeds for b in batch_sizes]
    jobs = [(seed, b, chunk) for seed, b, todo in jobs if todo for chunk in stacks(todo, dtype)]
    for (seed, batch_size, todo), accuracy, seconds in _trained(
            data, jobs, (init, epochs, dtype, variant), progress, workers):
        for lr, acc in zip(todo, accuracy):
            yield [dict(batch_size=batch_size, lr=lr, figure=figure, seed=seed, init=init,
                        epochs=epochs, dtype=str(dtype), variant=variant,
                        accuracy=round(float(acc), 2),
                        seconds=round(seconds, 4)) for figure in figures_of(lr) or ("",)]


def _train_job(data, job, setup, report=None):
    """Train one stack: (final test accuracies, seconds per network)."""
    (seed, batch_size, todo), (init, epochs, dtype, variant) = job, setup
    rule = hypothesis(variant)
    init = init if rule.start is None else "classic"  # the rule draws its own start over it
    stack = Stack([rule.network(PAPER_SIZES, init, seed, dtype)] * len(todo), rule)  # alike
    start = time.perf_counter()
    accuracy = train_stack(stack, data, epochs, batch_size, todo, seed, report)[-1]
    return accuracy, (time.perf_counter() - start) / len(todo)


_forked_data = None  # what a forked worker trains on: inherited from the parent, never pickled


def _train_in_worker(job, setup):
    return _train_job(_forked_data, job, setup)


def _trained(data, jobs, setup, progress, workers):
    """(job, accuracies, seconds) for every job, in this process or in ``workers`` processes.

    A stack trains with one BLAS thread, so on 2 cores two processes train two stacks at once
    (the full grid in about half the time). They are forked, so each starts with the data
    already in memory; where fork does not exist (Windows, and in a notebook, whose kernel
    threads make forking unsafe, callers keep the default of 1), the jobs run one by one here.
    """
    total, done = sum(len(todo) for *_, todo in jobs), 0
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            text = f"batch size {job[1]}, seed {job[0]}: {len(job[2])} networks"
            report = (lambda f: progress(done + f * len(job[2]), total, text)) if progress else None
            yield (job, *_train_job(data, job, setup, report))
            done += len(job[2])
        return
    global _forked_data
    _forked_data = data
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_train_in_worker, job, setup): job for job in jobs}
        try:
            for future in as_completed(futures):
                job = futures[future]
                done += len(job[2])
                if progress:
                    progress(done, total, f"batch size {job[1]}, seed {job[0]}: done")
                yield (job, *future.result())
        finally:  # an interrupt: what has not started never will
            for future in futures:
                future.cancel()
            _forked_data = None


# ---- the CSV (sweep_csv keeps it safe): one write per finished cell, so an ----
# ---- interrupted sweep resumes where it stopped                                        ----

GRID = dict(batch_sizes=PAPER_BATCH_SIZES, lrs=PAPER_LRS, epochs=1, seeds=(0,), init="classic",
            dtype="float32", variant="ours")


def _done(rows, grid):
    """(The cells the grid asks for, those of them already complete in ``rows``). A cell is
    complete when all its rows are there: lr 1.0 needs both its Figure 11 and 12 rows."""
    g = dict(GRID, **grid)
    present = {row_key(r) for r in rows}
    init = start_of(g["variant"], g["init"])
    wanted = {cell_key(b, lr, seed, init, g["epochs"], g["dtype"], g["variant"])
              for b in g["batch_sizes"] for lr in g["lrs"] for seed in g["seeds"]}
    return wanted, {k for k in wanted
                    if all((k, figure) in present for figure in figures_of(k[1]) or ("",))}


def _fill(results, data, progress, grid):
    """Train the cells of ``grid`` missing from the open CSV ``results``; append their rows."""
    results.check_variant(grid.get("variant", "ours"))
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


def our_table(rows, template, seed=0, init="classic", epochs=1, variant="ours"):
    """Our accuracies laid out like the paper's table ``template`` (a ``PaperTable``): same
    batch sizes and learning-rate columns, NaN where ``rows`` has no such cell. A row without
    a ``variant`` (an older CSV) is one of "ours"."""
    return layout({(r["batch_size"], r["lr"]): r["accuracy"] for r in rows
                   if (r["seed"], r["init"], r["epochs"], r.get("variant", "ours"))
                   == (seed, init, epochs, variant)}, template)
