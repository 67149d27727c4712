"""The command line: ``python -m nnlesson {train,data,bench,sweep,student-edition} --help``.

Every error a user can cause prints one line starting with ``error:``, no traceback: a bad
argument exits with status 2, before any data is loaded; missing or corrupt data, or a network
too large for the memory, with status 1. ``train`` warns before a long run and adds a note when
the network it trained has collapsed.
"""
from __future__ import annotations

import argparse
import sys


def cmd_train(args):
    from ..checks import cost_output_problem
    from ..data import load_mnist
    from ..network import Network
    from ..progress import ProgressBar
    from ..training import collapse_note, train

    sizes = (784, *args.hidden, 10)
    problem = cost_output_problem(args.cost, args.output)
    if problem:  # a pair of options, so argparse cannot see it: the same one line, status 2
        args.parser.error(problem)
    check_budget(sizes, args.batch_size, args.epochs, args.dtype)
    data = load_mnist(dtype=args.dtype)
    net = Network(sizes, init=args.init, seed=args.seed, dtype=args.dtype, cost=args.cost,
                  output=args.output)
    extras = f", L2 lambda {args.l2:g}" if args.l2 else ""
    if args.lr_decay is not None:
        extras += f", rate lr / (1 + epoch / {args.lr_decay:g})"
    print(f"training {net} for {args.epochs} epoch(s), batch size {args.batch_size}, "
          f"learning rate {args.lr}{extras}", file=sys.stderr)
    bar = ProgressBar(100, "training", enabled=not args.quiet)

    def show(p):
        bar.update(round(100 * p.fraction), f"epoch {p.epoch + 1}/{p.epochs} loss {p.loss:.4f}")
    history = train(net, data, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                    seed=args.seed, callback=show, l2=args.l2, lr_decay=args.lr_decay)
    bar.close()
    for epoch, (acc, sec) in enumerate(zip(history.test_accuracy, history.seconds), 1):
        print(f"epoch {epoch}: test accuracy {acc:.2f}% ({sec:.2f} s)", file=sys.stderr)
    print(f"test accuracy: {history.test_accuracy[-1]:.2f}%")
    note = collapse_note(net, data.X_test)
    if note:
        print(f"note: {note}", file=sys.stderr)


def check_budget(sizes, batch_size, epochs, dtype):
    """Refuse a run that cannot fit in memory, announce one that will be long: before any work."""
    from .budget import LONG_RUN_SECONDS, available_memory, estimate

    guess, free = estimate(sizes, batch_size, epochs, dtype), available_memory()
    shape = "-".join(map(str, sizes))
    if free is not None and guess.bytes > free:
        half = dtype == "float64" and estimate(sizes, batch_size, epochs, "float32").bytes <= free
        smaller = " or --dtype float32" if half else ""
        raise ValueError(f"a {shape} network needs about {guess.bytes / 1e9:,.0f} GB of memory to "
                         f"train, but this machine has {free / 1e9:.1f} GB available: choose "
                         f"smaller --hidden layers{smaller}")
    if guess.seconds > LONG_RUN_SECONDS:
        print(f"warning: training {shape} for {epochs} epoch{'s' if epochs > 1 else ''} may take "
              f"about {duration(guess.seconds)} (a rough estimate); Ctrl+C stops it, and smaller "
              f"--hidden layers or a larger --batch-size are faster", file=sys.stderr)


def duration(seconds):
    if seconds < 6000:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def cmd_data(args):
    from ..data import data_dir, verify
    for line in verify(progress=not args.quiet):
        print(line)
    print(f"MNIST is ready (looked in {data_dir()})")


def cmd_bench(args):
    from .bench import run
    run(epochs_images=args.images, repeats=args.repeats)


def cmd_sweep(args):
    from .sweep_cli import cli_main
    cli_main(args)


def cmd_student_edition(args):
    from .student_edition import write_student_edition
    print(write_student_edition(args.dir, force=args.force))


def checked(convert, check, *args):
    """An argparse type that converts the text, then applies the package's own check, so the
    command line says what train() would, named by argparse: `argument --seed: seed must ...`.
    Every option is checked this way while parsing, before any data is loaded."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            kind = "whole number" if convert is int else "number"
            raise argparse.ArgumentTypeError(f"expected a {kind}, got {text!r}") from None
        try:
            return check(value, *args)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return parse


def check_hidden(n):
    if n < 1:
        raise ValueError(f"a hidden layer needs at least 1 neuron, got {n}")
    return n


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the usage itself is one --help away)."""

    def error(self, message):
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser():
    # The checks are the ones the package applies, imported here (small modules, no data loaded).
    from .bench import check_count, check_images
    from ..data import N_TRAIN
    from ..checks import (COSTS, OUTPUTS, check_batch_size, check_epochs, check_l2, check_lr,
                          check_lr_decay, check_seed)

    parser = Parser(prog="python -m nnlesson", description="The nnlesson course's command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train the paper's network on MNIST and print its accuracy",
                       description="Train a sigmoid network on MNIST with mini-batch SGD.")
    t.add_argument("--batch-size", type=checked(int, check_batch_size, N_TRAIN), default=40,
                   help="examples per step (40)")
    t.add_argument("--lr", type=checked(float, check_lr), default=4.0, help="learning rate (4)")
    t.add_argument("--epochs", type=checked(int, check_epochs), default=1,
                   help="passes over the 60,000 (1)")
    t.add_argument("--seed", type=checked(int, check_seed), default=0,
                   help="seeds initialisation and shuffling (0)")
    t.add_argument("--init", choices=("scaled", "classic"), default="scaled",
                   help="scaled: N(0, 1/n_in) weights; classic: N(0, 1) (scaled)")
    t.add_argument("--hidden", type=checked(int, check_hidden), nargs="*", default=[32, 16],
                   help="hidden layer sizes (32 16)")
    t.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="number type (float64)")
    t.add_argument("--cost", choices=COSTS, default="quadratic",
                   help="the cost minimised: the paper's quadratic, or cross-entropy (quadratic)")
    t.add_argument("--output", choices=OUTPUTS, default="sigmoid",
                   help="output layer: sigmoid (the paper's) or softmax, with cross-entropy only "
                        "(sigmoid)")
    t.add_argument("--l2", type=checked(float, check_l2), default=0.0, metavar="LAMBDA",
                   help="L2 regularisation: adds (LAMBDA / 2n) sum w^2 to the cost, n the "
                        "training images (0: none)")
    t.add_argument("--lr-decay", type=checked(float, check_lr_decay), default=None, metavar="K",
                   help="epoch e (from 0) trains at lr / (1 + e / K), half the rate after K "
                        "epochs (none: a constant rate)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_train, parser=t)

    d = sub.add_parser("data", help="fetch or verify the four MNIST files",
                       description="Load and verify all four MNIST files (download if missing). "
                                   "Exits non-zero on any problem.")
    d.add_argument("--quiet", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_data)

    b = sub.add_parser("bench", help="time training per epoch against a naive reference",
                       description="Seconds per epoch and images per second at batch sizes 1, 10, "
                                   "40, 100 in float64 and float32, and the speed-up over a naive "
                                   "per-example backprop loop, measured in the same run.")
    b.add_argument("--images", type=checked(int, check_images), default=N_TRAIN,
                   help=f"images per timed epoch ({N_TRAIN}); smaller is quicker and noisier")
    b.add_argument("--repeats", type=checked(int, check_count, "repeats"), default=5,
                   help="timed runs, median kept (5)")
    b.set_defaults(func=cmd_bench)

    from .sweep_cli import add_arguments
    s = sub.add_parser("sweep", help="the paper's batch size x learning rate grid",
                       description="Train a grid of networks (default: the paper's Appendix 4) "
                                   "and write each cell to a CSV.")
    add_arguments(s)
    s.set_defaults(func=cmd_sweep)

    e = sub.add_parser("student-edition", help="copies of the lessons without the solutions",
                       description="Write every notebook into DIR without its exercises' "
                                   "solution cells (hints and check-yourself answers kept), "
                                   "without outputs, for a teacher to hand out.")
    e.add_argument("dir", metavar="DIR", help="folder to write to (created if missing)")
    e.add_argument("--force", action="store_true", help="overwrite notebooks already in DIR")
    e.set_defaults(func=cmd_student_edition)
    return parser


def main(argv=None):
    from ..data import DataError
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
