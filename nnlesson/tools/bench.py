"""``python -m nnlesson bench``: how fast one epoch trains, against the classic textbook loop.

The reference is the design of most textbook code (Nielsen's ``network.py`` among them): inside
each mini-batch, backpropagate one example at a time as a column vector and add up the
gradients. ``Network.backprop`` instead backpropagates the whole batch as one matrix (lesson 5),
so the work becomes a few large matrix products. Both are timed in the same run on the same
machine, so the ratio means something even where the absolute seconds do not.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from ..checks import is_whole
from ..data import N_TRAIN, load_mnist
from ..network import PAPER_SIZES, Network, sigmoid
from ..costs import one_hot
from ..training import train
from .stack import Stack, train_stack
from .sweep import PAPER_LRS, stacks

BATCH_SIZES = (1, 10, 40, 100)
DTYPES = ("float64", "float32")


def naive_backprop(net, x, y):
    """dC/dW^l, dC/db^l for ONE example (x, y as columns): the textbook per-example loop body."""
    a, activations = x, [x]
    for l in range(1, net.L + 1):
        a = sigmoid(net.W[l] @ a + net.b[l])
        activations.append(a)
    nabla_W, nabla_b = [None] * (net.L + 1), [None] * (net.L + 1)
    delta = 2 * (a - y) * a * (1 - a)
    for l in range(net.L, 0, -1):
        nabla_W[l] = delta @ activations[l - 1].T
        nabla_b[l] = delta
        if l > 1:
            a_prev = activations[l - 1]
            delta = (net.W[l].T @ delta) * a_prev * (1 - a_prev)
    return nabla_W, nabla_b


def naive_epoch(net, X, Y, batch_size, lr, seed=0):
    """One epoch of mini-batch SGD, one example at a time inside each batch."""
    order = np.random.default_rng(seed).permutation(X.shape[1])
    for k in range(0, len(order), batch_size):
        batch = order[k:k + batch_size]
        sum_W = [None] + [np.zeros_like(w) for w in net.W[1:]]
        sum_b = [None] + [np.zeros_like(b) for b in net.b[1:]]
        for i in batch:
            nabla_W, nabla_b = naive_backprop(net, X[:, i:i + 1], Y[:, i:i + 1])
            for l in range(1, net.L + 1):
                sum_W[l] += nabla_W[l]
                sum_b[l] += nabla_b[l]
        for l in range(1, net.L + 1):
            net.W[l] -= lr / len(batch) * sum_W[l]
            net.b[l] -= lr / len(batch) * sum_b[l]


def time_vectorized(data, batch_size, dtype, repeats):
    """Median seconds for one epoch of ``train`` (the test-set evaluation is not included)."""
    runs = []
    for seed in range(repeats):
        net = Network(init="scaled", seed=seed, dtype=dtype)
        runs.append(train(net, data, epochs=1, batch_size=batch_size, lr=1.0, seed=seed).seconds[0])
    return statistics.median(runs)


def time_naive(data, batch_size, dtype, images):
    """Seconds per epoch (all of ``data``) of the naive loop, timed on its first ``images``."""
    X = np.ascontiguousarray(data.X_train[:, :images], dtype=dtype)
    Y = one_hot(data.y_train[:images]).astype(dtype)
    net = Network(init="scaled", seed=0, dtype=dtype)
    start = time.perf_counter()
    naive_epoch(net, X, Y, batch_size, lr=1.0)
    return (time.perf_counter() - start) * data.X_train.shape[1] / images


def check_images(images):
    """A timed epoch holds at least the largest batch, and at most MNIST's training images."""
    if not is_whole(images) or not max(BATCH_SIZES) <= images <= N_TRAIN:
        raise ValueError(f"images must be a whole number from {max(BATCH_SIZES)} (the largest "
                         f"batch size) to {N_TRAIN}, got {images!r}")
    return int(images)


def check_count(value, name):
    if not is_whole(value) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return int(value)


def run(epochs_images=N_TRAIN, repeats=5, naive_images=3000, print=print):
    """Print one row per (batch size, dtype): s/epoch, images/s, and the speed-up over naive.

    Every setting is checked first, so a mistake never leaves half a table.
    """
    epochs_images = check_images(epochs_images)
    repeats, naive_images = check_count(repeats, "repeats"), check_count(naive_images, "naive_images")
    full = load_mnist(dtype=np.float64)
    print(f"one epoch = {epochs_images} training images; median of {repeats} runs; the naive "
          f"per-example loop is timed on {min(naive_images, epochs_images)} images and scaled")
    print(f"{'batch':>5} {'dtype':>8} {'s/epoch':>9} {'images/s':>10} {'naive s/epoch':>14} "
          f"{'speed-up':>9}")
    rows = []
    for dtype in DTYPES:
        data = full.subset(epochs_images, 1)
        data.X_train = np.ascontiguousarray(data.X_train.T, dtype=dtype).T  # convert once
        for batch_size in BATCH_SIZES:
            seconds = time_vectorized(data, batch_size, dtype, repeats)
            naive = time_naive(data, batch_size, dtype, min(naive_images, epochs_images))
            rows.append((batch_size, dtype, seconds, epochs_images / seconds, naive, naive / seconds))
            print(f"{batch_size:>5} {dtype:>8} {seconds:>9.3f} {epochs_images / seconds:>10.0f} "
                  f"{naive:>14.2f} {naive / seconds:>8.1f}x")
    return rows


# ---- lesson 7: how much faster is a stack? ----

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
