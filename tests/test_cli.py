"""The command line, as a user runs it: real output, one-line errors, no tracebacks."""
import os
import re
import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "nnlesson", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_train_ends_with_the_test_accuracy(mnist):
    out = run("train", "--batch-size", "40", "--lr", "4", "--epochs", "1", "--seed", "0")
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"test accuracy: (\d+\.\d\d)%", last)
    assert match and float(match.group(1)) > 90
    assert "training [" in out.stderr  # the progress bar
    assert "note:" not in out.stderr and "warning:" not in out.stderr


def test_train_options(mnist):
    out = run("train", "--hidden", "20", "--dtype", "float32", "--init", "classic", "--lr", "3",
              "--batch-size", "100", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "784-20-10" in out.stderr and "float32" in out.stderr and "training [" not in out.stderr


def test_train_with_cross_entropy_and_softmax(mnist):
    out = run("train", "--cost", "cross-entropy", "--output", "softmax", "--lr", "0.5",
              "--batch-size", "20", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "cost='cross-entropy', output='softmax'" in out.stderr
    match = re.fullmatch(r"test accuracy: (\d+\.\d\d)%", out.stdout.strip().splitlines()[-1])
    assert match and float(match.group(1)) > 90, out.stdout


def test_data_verifies_all_four_files(mnist_folder):
    out = run("data", "--quiet")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("SHA-256 ok") == 4


@pytest.mark.parametrize("args", [["train", "--lr", "-1"], ["train", "--batch-size", "0"],
                                  ["train", "--init", "zeros"], ["frobnicate"], []])
def test_usage_errors_are_one_line(args):
    out = run(*args)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and out.stderr.startswith("error:")


def test_missing_data_without_network_is_one_line(tmp_path):
    out = run("data", env={"NNLESSON_DATA": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path),
                           "NNLESSON_MIRRORS": "http://127.0.0.1:9/"})
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("error: train-images-idx3-ubyte: not found")


def without_data(tmp_path):
    """No MNIST anywhere, and no way to fetch it: a command that gets as far as loading it fails
    with 'not found', so a test can tell a check made before loading from one made after."""
    return {"NNLESSON_DATA": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path),
            "TMPDIR": str(tmp_path), "NNLESSON_MIRRORS": "http://127.0.0.1:9/"}


@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "argument --seed: seed must be a whole number of at least 0, got -1"),
    (["--seed", "x"], "argument --seed: expected a whole number, got 'x'"),
    (["--batch-size", "60001"],
     "argument --batch-size: batch size 60001 is larger than the 60000 training examples"),
    (["--batch-size", "70000", "--quiet"], "argument --batch-size: batch size 70000 is larger"),
    (["--epochs", "0"], "argument --epochs: epochs must be a whole number of at least 1, got 0"),
    (["--lr", "nan"], "argument --lr: learning rate must be a positive number, got nan"),
    (["--hidden", "32", "0"], "argument --hidden: a hidden layer needs at least 1 neuron, got 0"),
    (["--cost", "log"], "argument --cost: invalid choice: 'log'"),
    (["--output", "relu"], "argument --output: invalid choice: 'relu'"),
    (["--output", "softmax"], "the quadratic cost with softmax outputs is not supported"),
    (["--cost", "quadratic", "--output", "softmax"], "the quadratic cost with softmax outputs"),
])
def test_every_train_argument_is_checked_before_the_data_loads(tmp_path, args, message):
    """One line naming the option, in the sentence train() itself uses, and before MNIST is
    looked for (without data, a later check would say 'not found' instead)."""
    out = run("train", *args, env=without_data(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith(f"error: {message}"), out.stderr


def test_a_network_too_big_for_the_memory_is_refused_before_anything_is_made(tmp_path):
    """784-100000000-10 needs about 1.9 TB (W^1, its gradient and lr times it, in float64): no
    machine running these tests has that free. Refused in one line, before loading MNIST."""
    out = run("train", "--hidden", "100000000", env=without_data(tmp_path))
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert re.match(r"error: a 784-100000000-10 network needs about [\d,]+ GB of memory to train, "
                    r"but this machine has [\d.]+ GB available.*--hidden", out.stderr), out.stderr


def test_a_long_run_is_announced_before_it_starts(tmp_path):
    """Issue 8: --hidden 100000 trained for 1.5 hours per epoch without a word."""
    out = run("train", "--hidden", "100000", env=without_data(tmp_path))
    first, *_, last = out.stderr.splitlines()
    assert re.match(r"warning: training 784-100000-10 for 1 epoch may take about \d+ (minutes|hours)",
                    first), out.stderr
    assert last.startswith("error: train-images-idx3-ubyte: not found")  # the warning came first


def test_a_collapsed_network_gets_a_note(mnist):
    """At learning rate 100 the sigmoids saturate and the network answers one digit for (almost)
    every image; the run says so instead of ending quietly at about 10 %."""
    out = run("train", "--lr", "100", "--quiet")
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"test accuracy: \d+\.\d\d%", out.stdout.strip().splitlines()[-1])
    note = out.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"note: the network has collapsed: it answers \d for \d+% of test images; "
                        r".*the learning rate is probably too large \(lessons 6 and 7 show why\)",
                        note), out.stderr


def test_bench_checks_its_arguments_before_anything(tmp_path):
    out = run("bench", "--images", "50", env=without_data(tmp_path))
    assert out.returncode == 2 and out.stdout == "" and out.stderr.count("\n") == 1, out
    assert out.stderr.startswith("error: argument --images: images must be a whole number from 100 "
                                 "(the largest batch size) to 60000, got 50"), out.stderr


@pytest.mark.parametrize("command", ["train", "data", "bench"])
def test_help(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "usage:" in out.stdout


def test_train_with_l2_and_lr_decay_says_so_and_trains(mnist):
    out = run("train", "--cost", "cross-entropy", "--output", "softmax", "--lr", "0.5",
              "--batch-size", "20", "--l2", "5", "--lr-decay", "10", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "learning rate 0.5, L2 lambda 5, rate lr / (1 + epoch / 10)" in out.stderr
    match = re.fullmatch(r"test accuracy: (\d+\.\d\d)%", out.stdout.strip().splitlines()[-1])
    assert match and float(match.group(1)) > 90, out.stdout


@pytest.mark.parametrize("value, message", [
    ("-1", "argument --l2: l2 (the regularisation parameter lambda) must be a number of at least "
           "0, 0 for none, got -1.0"),
    ("nan", "argument --l2: l2 (the regularisation parameter lambda) must be a number of at "
            "least 0, 0 for none, got nan"),
    ("five", "argument --l2: expected a number, got 'five'"),
    ("--lr-decay 0", "argument --lr-decay: lr decay (the epochs k after which the learning rate "
                     "lr / (1 + epoch / k) has halved) must be a positive number"),
    ("--lr-decay -3", "argument --lr-decay: lr decay"),
    ("--lr-decay nan", "argument --lr-decay: lr decay"),
    ("--lr-decay x", "argument --lr-decay: expected a number, got 'x'"),
])
def test_a_bad_l2_or_lr_decay_is_one_line_before_the_data_loads(tmp_path, value, message):
    args = value.split() if value.startswith("--") else ["--l2", value]
    out = run("train", *args, env=without_data(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith(f"error: {message}"), out.stderr
