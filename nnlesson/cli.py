"""The command line: ``python -m nnlesson {train,data,bench,sweep} --help``.

Every error a user can cause (a bad argument, missing or corrupt data) prints one line starting
with ``error:`` and exits with status 1; no traceback.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np


def cmd_train(args):
    from .data import load_mnist
    from .network import Network
    from .progress import ProgressBar
    from .training import train

    data = load_mnist(dtype=args.dtype)
    net = Network((784, *args.hidden, 10), init=args.init, seed=args.seed, dtype=args.dtype)
    print(f"training {net} for {args.epochs} epoch(s), batch size {args.batch_size}, "
          f"learning rate {args.lr}", file=sys.stderr)
    bar = ProgressBar(100, "training", enabled=not args.quiet)

    def show(p):
        bar.update(round(100 * p.fraction), f"epoch {p.epoch + 1}/{p.epochs} loss {p.loss:.4f}")
    history = train(net, data, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                    seed=args.seed, callback=show)
    bar.close()
    for epoch, (acc, sec) in enumerate(zip(history.test_accuracy, history.seconds), 1):
        print(f"epoch {epoch}: test accuracy {acc:.2f}% ({sec:.2f} s)", file=sys.stderr)
    print(f"test accuracy: {history.test_accuracy[-1]:.2f}%")


def cmd_data(args):
    from .data import data_dir, verify
    for line in verify(progress=not args.quiet):
        print(line)
    print(f"MNIST is ready (looked in {data_dir()})")


def cmd_bench(args):
    from .bench import run
    run(epochs_images=args.images, repeats=args.repeats)


def cmd_sweep(args):
    from .sweep import cli_main
    cli_main(args)


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text):
    value = float(text)
    if not value > 0 or not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the usage itself is one --help away)."""

    def error(self, message):
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser():
    parser = Parser(prog="python -m nnlesson",
                                     description="The nnlesson course's command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train the paper's network on MNIST and print its accuracy",
                       description="Train a sigmoid network on MNIST with mini-batch SGD.")
    t.add_argument("--batch-size", type=positive_int, default=40, help="examples per step (40)")
    t.add_argument("--lr", type=positive_float, default=4.0, help="learning rate (4)")
    t.add_argument("--epochs", type=positive_int, default=1, help="passes over the 60,000 (1)")
    t.add_argument("--seed", type=int, default=0, help="seeds initialisation and shuffling (0)")
    t.add_argument("--init", choices=("scaled", "classic"), default="scaled",
                   help="scaled: N(0, 1/n_in) weights; classic: N(0, 1) (scaled)")
    t.add_argument("--hidden", type=positive_int, nargs="*", default=[32, 16],
                   help="hidden layer sizes (32 16)")
    t.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="number type (float64)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_train)

    d = sub.add_parser("data", help="fetch or verify the four MNIST files",
                       description="Load and verify all four MNIST files (download if missing). "
                                   "Exits non-zero on any problem.")
    d.add_argument("--quiet", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_data)

    b = sub.add_parser("bench", help="time training per epoch against a naive reference",
                       description="Seconds per epoch and images per second at batch sizes 1, 10, "
                                   "40, 100 in float64 and float32, and the speed-up over a naive "
                                   "per-example backprop loop, measured in the same run.")
    b.add_argument("--images", type=positive_int, default=60000,
                   help="images per timed epoch (60000); smaller is quicker and noisier")
    b.add_argument("--repeats", type=positive_int, default=5, help="timed runs, median kept (5)")
    b.set_defaults(func=cmd_bench)

    try:
        from .sweep import add_arguments
    except ImportError:  # the sweep arrives with lesson 7
        pass
    else:
        s = sub.add_parser("sweep", help="the paper's batch size x learning rate grid",
                           description="Train a grid of networks (default: the paper's Appendix 4) "
                                       "and write each cell to a CSV.")
        add_arguments(s)
        s.set_defaults(func=cmd_sweep)
    return parser


def main(argv=None):
    from .data import DataError
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (DataError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return 0
