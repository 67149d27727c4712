"""What a training run will cost, worked out before it starts: memory, time, and the memory free.

The command line asks before it loads MNIST or makes a network, so that a hidden layer of ten
million neurons gets a sentence instead of a MemoryError, and a run of an hour is announced.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from ..data import N_TEST, N_TRAIN
from ..training import chunk_columns


# Time. A step costs about 3 multiply-adds per weight per example (feedforward, delta, gradient),
# plus a pass over every weight however small the batch (its gradient and its update). Measured
# once with one BLAS thread, float64, on the 2-core machine the course was made on, busy with
# other jobs: 1.1e10 to 2e10 multiply-adds a second at batch sizes 40 to 100, and 3 to 6 ns per
# weight per step (784-32-16-10 to 784-10000-10; 784-100000-10 ran at 17 to 40 ns, its 635 MB of
# weights far beyond every cache). The constants are slower than all but that, so that a warning
# errs on the side of "long"; float32 takes the same estimate, though it is faster.
MULTIPLY_ADDS_PER_SECOND = 1e10
SECONDS_PER_WEIGHT_PER_STEP = 1e-8
LONG_RUN_SECONDS = 180  # a run estimated longer than this is announced before it starts


@dataclass
class Estimate:
    """Peak memory in bytes (the images, and what training adds to them) and seconds."""
    data_bytes: int
    train_bytes: int
    seconds: float

    @property
    def bytes(self):
        return self.data_bytes + self.train_bytes


def estimate(sizes, batch_size=40, epochs=1, dtype=np.float64, n_train=N_TRAIN, n_test=N_TEST):
    """What training a network of ``sizes`` on MNIST will take, worked out without training.

    Memory, in bytes of ``dtype``: the images as ``load_mnist`` holds them; then the weights and
    biases, their gradients and the step's temporary lr dC/dW^l; the one-hot targets; and the
    larger of one mini-batch's activations (all layers, plus the temporaries of sigma and delta
    on the widest layer) and one chunk of ``evaluate``'s. Tests check it against the real peak.
    """
    s, n = np.dtype(dtype).itemsize, list(sizes)
    W_sizes = [n[l] * n[l - 1] for l in range(1, len(n))]
    params, widest = sum(W_sizes) + sum(n[1:]), max(n[1:])
    m, chunk = min(batch_size, n_train), chunk_columns(sizes, dtype, n_test)
    # One step: the gradients, lr dC/dW^l for the largest W^l, the batch's x and y, every a^l,
    # and the temporaries of sigma and delta on the widest layer.
    step = s * (params + max(W_sizes) + m * (n[0] + n[-1] + sum(n[1:]) + 4 * widest))
    # One chunk of evaluate: every a^l (x is not copied), sigma's temporaries, the NaN check.
    scoring = chunk * (s * (sum(n[1:]) + 3 * widest) + n[0])
    # Always there: W and b; the one-hot targets (made in float64, kept in dtype); the NaN check.
    train_bytes = s * params + n_train * (n[-1] * (8 + s) + n[0]) + max(step, scoring)
    images = n_train + n_test
    data_bytes = images * (n[0] * s + n[0] + 1 + 8)  # in dtype, the uint8 originals, the labels
    steps = epochs * math.ceil(n_train / batch_size)
    seconds = (epochs * 3 * n_train * sum(W_sizes) / MULTIPLY_ADDS_PER_SECOND
               + steps * params * SECONDS_PER_WEIGHT_PER_STEP)
    return Estimate(data_bytes, train_bytes, seconds)


MEMINFO, CGROUP = "/proc/meminfo", "/sys/fs/cgroup"


def available_memory():
    """Bytes this process could still allocate, or None where the system will not say.

    Linux's MemAvailable (free memory plus caches it can drop), else the free pages, else all the
    physical pages (macOS); capped by a container's memory limit (cgroup v2) when there is one.
    """
    found = None
    try:
        with open(MEMINFO) as f:
            found = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError, IndexError):
        for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
            try:
                found = os.sysconf(pages) * os.sysconf("SC_PAGE_SIZE")
                break
            except (AttributeError, ValueError, OSError):
                continue
    try:
        with open(os.path.join(CGROUP, "memory.max")) as m, \
                open(os.path.join(CGROUP, "memory.current")) as c:
            room = int(m.read()) - int(c.read())  # "max" (no limit) is not a number: skipped
        found = room if found is None else min(found, room)
    except (OSError, ValueError):
        pass
    return found if found is None or found > 0 else None
