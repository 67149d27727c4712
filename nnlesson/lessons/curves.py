"""The curves of a training run (lesson 6): its cost per mini-batch, its test accuracy and its
accuracy on a sample of its own training images.

Two figures of about 360 x 256 pixels rather than one wide one: the dashboard puts them side by
side on a wide screen and one under the other on a narrow one, so that neither has to shrink
until its labels cannot be read. The figures use fixed margins instead of the course's
constrained layout: they are redrawn several times a second while training waits, and the
layout's search for room doubles their cost.
"""
from __future__ import annotations

import math

import numpy as np

from .plots import Figure
from ..checks import is_whole
from .trainer import QUICK_TEST, QUICK_TRAIN

MAX_DRAWN = 2000     # loss points drawn at most; more are averaged in groups first
SIZE = (4.5, 3.2)    # inches: 360 x 256 pixels at the course's 80 dpi


def block_means(values, k):
    """Means of consecutive groups of ``k`` values: (position of each group's last value, mean).

    Positions count from 1. The last group may be shorter. Values that are NaN or infinite are
    left out, and a group with none left is dropped, so the result never holds a NaN.
    Each value is divided by the group's size *before* adding, so that even costs near the
    largest float average without overflowing.

    One function, three uses in the figure: the mean cost of each epoch (k = mini-batches per
    epoch), the smoothed curve (k = a twentieth of an epoch), and thinning a long run to at most
    MAX_DRAWN points.
    """
    x = np.asarray(values, dtype=float).ravel()
    if not is_whole(k) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}")
    if x.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    groups = np.concatenate([x, np.full(-x.size % k, np.nan)]).reshape(-1, k)
    ok = np.isfinite(groups)
    counts = ok.sum(axis=1)
    means = (np.where(ok, groups, 0.0) / np.maximum(counts, 1)[:, None]).sum(axis=1)
    ends = np.minimum(np.arange(1, len(groups) + 1) * k, x.size)
    keep = counts > 0
    return ends[keep], means[keep]


def _axes(title, ylabel, right):
    fig = Figure(figsize=SIZE)
    fig.subplots_adjust(left=0.15, right=0.96, bottom=0.16, top=0.9)
    ax = fig.subplots()
    ax.set(xlabel="mini-batches", ylabel=ylabel, title=title)
    ax.set_xlim(0, 1.02 * max(right, 1))  # room for the last epoch's dot
    return fig, ax


def loss_figure(loss, batches, total=None):
    """The cost of each mini-batch so far, smoothed, and each epoch's mean.

    ``loss`` is ``history.loss``; ``batches`` the mini-batches per epoch; ``total`` the run's
    planned mini-batches (it fixes the x-axis, so the curve grows from left to right).
    """
    # The cost of this network is at most 10 (ten outputs, each off by at most 1), but a figure
    # should survive any numbers: beyond about 1e300 matplotlib's tick arithmetic overflows.
    loss = np.minimum(np.asarray(loss, dtype=float).ravel(), 1e300)
    batches = max(1, int(batches))
    fig, ax = _axes("cost (lower is better)", "cost C", total or loss.size)
    thin = max(1, math.ceil(loss.size / MAX_DRAWN))
    ax.plot(*block_means(loss, thin), color="tab:blue", alpha=0.3, lw=0.8, label="each mini-batch")
    ax.plot(*block_means(loss, max(thin, batches // 20)), color="tab:blue", lw=2, label="smoothed")
    ax.plot(*block_means(loss, batches), "o", color="tab:orange", label="mean of the epoch")
    finite = loss[np.isfinite(loss)]
    top = float(finite.max()) if finite.size else 0.0
    ax.set_ylim(0, 1.05 * top if top > 0 else 1.0)
    if loss.size == 0:
        ax.text(0.5, 0.5, "no mini-batches yet", ha="center", va="center",
                transform=ax.transAxes, color="gray")
    else:
        ax.legend(loc="upper right", fontsize="small")
    return fig


def accuracy_figure(accuracy, test_accuracy, batches, done, total=None, paper=None,
                    train_accuracy=(), n_sample=QUICK_TRAIN):
    """The accuracy so far: on test images (live, and in full after each epoch) and on training
    images (live).

    ``accuracy`` holds the live (mini-batches, %) estimates on test images; ``test_accuracy``
    the full test score after each epoch; ``done`` the mini-batches trained so far (a stopped
    run's last score sits there); ``paper`` the paper's number to compare with;
    ``train_accuracy`` the live (mini-batches, %) scores on the first ``n_sample`` training
    images. A training line far above the test line means the network learns its training
    images by heart rather than digits.
    """
    batches = max(1, int(batches))
    fig, ax = _axes("accuracy (higher is better)", "% right", total or done)
    if train_accuracy:
        ax.plot(*zip(*train_accuracy), color="tab:purple",
                label=f"first {n_sample:,} training images")
    if accuracy:
        ax.plot(*zip(*accuracy), color="tab:green", label=f"first {QUICK_TEST:,} test images")
    ends = [min((e + 1) * batches, done) for e in range(len(test_accuracy))]
    ax.plot(ends, list(test_accuracy), "o", color="tab:red", label="all test images, per epoch")
    ax.axhline(10, color="gray", ls=":", lw=1, label="guessing (10 %)")
    if paper is not None:
        ax.axhline(paper, color="black", ls="--", lw=1, label=f"the paper ({paper:.2f} %)")
    ax.set_ylim(0, 100)
    # Centre right: a learning run climbs above the legend, a saturated one stays below it.
    ax.legend(loc="center right", fontsize="small")
    return fig


def run_figures(run, paper=None):
    """A :class:`~nnlesson.lessons.trainer.Run`'s two figures so far: (cost, accuracy)."""
    total = run.batches * run.settings.epochs
    loss = run.history.loss
    return (loss_figure(loss, run.batches, total),
            accuracy_figure(run.accuracy, run.history.test_accuracy, run.batches, len(loss),
                            total, paper, run.train_accuracy,
                            min(QUICK_TRAIN, run.settings.n_train)))
