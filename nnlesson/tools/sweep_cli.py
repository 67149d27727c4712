"""``python -m nnlesson sweep``: the grid's options, checked before any data is loaded."""
from __future__ import annotations

import os
import time

import numpy as np

from ..data import N_TRAIN
from ..paper.hypotheses import HYPOTHESES, start_of
from .bench import bench_sweep
from .sweep import PAPER_BATCH_SIZES, PAPER_LRS, _done, _fill, read_results, row_key, writing


# Each process trains with one BLAS thread, so one process per core, and two at most: the stacks
# are memory-bound, and a third process on two cores only waits.
WORKERS = max(1, min(2, os.cpu_count() or 1))


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
    parser.add_argument("--variant", default="ours",
                        help="a hypothesis about the paper to train (lesson 8): ours (correct "
                             "training) or one thing done as the paper printed it: "
                             + ", ".join(list(HYPOTHESES)[1:]) + " (ours)")
    parser.add_argument("--out", default=os.path.join("results", "sweep.csv"),
                        help="CSV to append to; cells already in it are skipped (results/sweep.csv)")
    parser.add_argument("--workers", default=str(WORKERS),
                        help=f"processes training stacks at once, one per core ({WORKERS} here)")
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
    from ..network import INITS
    grid = dict(
        batch_sizes=_parse(args.batch_sizes or PAPER_BATCH_SIZES, int, "--batch-sizes",
                           lambda b: 1 <= b <= N_TRAIN, f"a whole number from 1 to {N_TRAIN}"),
        lrs=_parse(args.lrs or PAPER_LRS, float, "--lrs", lambda lr: np.isfinite(lr) and lr > 0,
                   "a positive number"),
        epochs=_parse([args.epochs], int, "--epochs", lambda e: e >= 1,
                      "a whole number of at least 1")[0],
        seeds=_parse(args.seeds, int, "--seeds", lambda s: s >= 0, "a whole number, 0 or more"),
        init=args.init, dtype=args.dtype, variant=args.variant,
        workers=_parse([args.workers], int, "--workers", lambda w: w >= 1,
                       "a whole number of at least 1")[0])
    if args.init not in INITS:
        raise ValueError(f"--init must be one of {', '.join(INITS)}, got {args.init!r}")
    if args.dtype not in ("float32", "float64"):
        raise ValueError(f"--dtype must be float32 or float64, got {args.dtype!r}")
    start_of(args.variant, args.init)  # an unknown name, or --init with a start of its own
    return grid


def check_options(args, grid):
    """What parse_grid does not check: --out is a file name, and --bench is not given a grid."""
    if args.bench:
        ignored = [name for name, given in (
            ("--batch-sizes", args.batch_sizes is not None), ("--lrs", args.lrs is not None),
            ("--epochs", grid["epochs"] != 1), ("--seeds", grid["seeds"] != [0]),
            ("--variant", grid["variant"] != "ours")) if given]
        if ignored:
            raise ValueError(f"--bench times its own grid; it takes only --init and --dtype, "
                             f"not {', '.join(ignored)}")
    elif not os.path.basename(args.out):
        raise ValueError(f"--out: {args.out!r} is not a file name; give one such as "
                         f"{os.path.join('results', 'sweep.csv')}")


def cli_main(args):
    from ..data import load_mnist
    from ..progress import ProgressBar
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
        results.check_variant(grid["variant"])
        data = load_mnist(dtype=grid["dtype"])
        new, skipped = _fill(results, data, show, grid)
    if bar.total:  # something was trained, so a progress line was drawn: end it
        bar.close()
    cells = len({row_key(r)[0] for r in new})
    print(f"{cells} networks trained in {time.perf_counter() - start:.1f} s, {skipped} cells "
          f"already in {args.out} skipped; {len(new)} rows written")
