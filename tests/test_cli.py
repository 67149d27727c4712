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


def test_train_options(mnist):
    out = run("train", "--hidden", "20", "--dtype", "float32", "--init", "classic", "--lr", "3",
              "--batch-size", "100", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "784-20-10" in out.stderr and "float32" in out.stderr and "training [" not in out.stderr


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


def test_batch_larger_than_the_data_is_one_line(mnist):
    out = run("train", "--batch-size", "70000", "--quiet")
    assert out.returncode == 1 and out.stderr.strip().splitlines()[-1].startswith("error: batch")


@pytest.mark.parametrize("command", ["train", "data", "bench"])
def test_help(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "usage:" in out.stdout
