"""What each of the engine's speed-ups buys: the engine with one of them taken away at a time.

Every variant trains the same float32 784-32-16-10 network on the same 60,000-image epoch
(batch order from ``training.batch_order``) and is timed in the same process, interleaved with the
others and rotated each repeat, so that a busy machine slows all of them alike. A variant's cost
is its time minus the engine's: what the speed-up it lacks is worth. The numbers reported are
the medians over the repeats of the epoch's CPU seconds (less disturbed by other processes than
wall seconds) and of its wall seconds. The row "same as engine" runs the engine's arithmetic
through the variant class: its difference from "engine" shows how large the noise is. Needs only
the course's venv:

    .venv/bin/python benchmarks/ablation.py [--repeats 5] [--threads 1] [--dtype float32]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

import nnlesson
from nnlesson import one_hot
from nnlesson.engine import Engine, sigmoid_, times_sigma_prime
from nnlesson.network import Network
from nnlesson.costs import cost
from nnlesson.training import batch_order


class Variant(Engine):
    """The engine with switches. All switches at their defaults compute exactly as Engine."""

    def __init__(self, net, X, Y, gather="take", clip=False, loss="error", bias="ones",
                 lr_in_delta=True, layout="rows"):
        super().__init__(net, X, Y)
        self.gather, self.clip, self.loss, self.bias = gather, clip, loss, bias
        self.lr_in_delta, self.layout = lr_in_delta, layout
        if layout != "rows":  # the paper's column order everywhere, W in row order
            net.W = [None] + [np.ascontiguousarray(w) for w in net.W[1:]]

    def _make_buffers(self, m):
        buf = super()._make_buffers(m)
        if self.layout != "rows":
            for name in ("a", "delta", "s"):
                buf[name] = [None] + [np.ascontiguousarray(x) for x in buf[name][1:]]
        return buf

    def step(self, idx, lr):
        buf = self._buffers.get(len(idx)) or self._make_buffers(len(idx))
        if self.gather == "fancy":  # allocates two new arrays per batch
            buf["x"], buf["y"] = self.rows[idx], self.Y_rows[idx]
        else:
            mode = "raise" if self.gather == "take-raise" else "wrap"
            self.rows.take(idx, axis=0, out=buf["x"], mode=mode)
            self.Y_rows.take(idx, axis=0, out=buf["y"], mode=mode)
        with np.errstate(over="ignore"):
            return self._backpropagate(buf, self._feedforward(buf), lr)

    def _feedforward(self, buf):
        if not self.clip:
            return super()._feedforward(buf)
        net, a = self.net, [buf["x"].T]
        limit = 80.0 if net.dtype == np.float32 else 700.0
        for l in range(1, net.L + 1):
            z = buf["a"][l]
            np.matmul(net.W[l], a[l - 1], out=z)
            z += net.b[l]
            np.clip(z, -limit, limit, out=z)  # as network.sigmoid does
            a.append(sigmoid_(z))
        return a

    def _backpropagate(self, buf, a, lr):
        net, L, m = self.net, self.net.L, a[0].shape[1]
        y = buf["y"].T
        if self.loss == "cost":  # a second pass over a^L and y, as cost() is written
            loss = cost(a[L], y)
        delta = buf["delta"][L]
        np.subtract(a[L], y, out=delta)
        if self.loss == "error":
            loss = float(np.vdot(delta, delta)) / m
        times_sigma_prime(delta, a[L], buf["s"][L])
        delta *= (2.0 * lr if self.lr_in_delta else 2.0) / m
        for l in range(L, 0, -1):
            step_W, step_b = buf["step_W"][l], buf["step_b"][l]
            np.matmul(delta, a[l - 1].T, out=step_W)
            if self.bias == "sum":
                np.sum(delta, axis=1, keepdims=True, out=step_b)
            else:
                np.matmul(delta, buf["ones"], out=step_b)
            if l > 1:
                below = buf["delta"][l - 1]
                np.matmul(net.W[l].T, delta, out=below)
                delta = times_sigma_prime(below, a[l - 1], buf["s"][l - 1])
            if not self.lr_in_delta:
                step_W *= lr
                step_b *= lr
            net.W[l] -= step_W
            net.b[l] -= step_b
        return loss


class ShuffledCopy(Engine):
    """One gather per epoch into batch order; each batch is then a slice of that copy."""

    def run_epoch(self, batches, lr, on_batch=None):
        order = np.concatenate(self._check_batches(batches))
        self.X_epoch, self.Y_epoch, self.at = self.rows[order], self.Y_rows[order], 0
        return super().run_epoch(batches, lr, on_batch)

    def step(self, idx, lr):
        buf = self._buffers.get(len(idx)) or self._make_buffers(len(idx))
        end = self.at + len(idx)
        buf["x"], buf["y"], self.at = self.X_epoch[self.at:end], self.Y_epoch[self.at:end], end
        with np.errstate(over="ignore"):
            return self._backpropagate(buf, self._feedforward(buf), lr)


class BiasFolded(Engine):
    """Not adopted: b^l as an extra column of W^l, and a row of ones under each a^(l-1).

    Then z^l = [W^l b^l] [a^(l-1); 1] is one product, and dC/db^l comes out of the gradient's
    product too: three NumPy calls fewer per layer, for a copy of the data with a column of ones.
    W[l] and b[l] become views into one matrix per layer.
    """

    def __init__(self, net, X, Y):
        super().__init__(net, X, Y)
        self.rows = np.hstack([self.rows, np.ones((len(self.rows), 1), self.rows.dtype)])
        self.Wb = [None]
        for l in range(1, net.L + 1):
            Wb = np.asfortranarray(np.hstack([net.W[l], net.b[l]]))
            net.W[l], net.b[l] = Wb[:, :-1], Wb[:, -1:]
            self.Wb.append(Wb)

    def _make_buffers(self, m):
        net, dt = self.net, self.net.dtype
        buf = {"x": np.empty((m, net.sizes[0] + 1), dt), "y": np.empty((m, net.sizes[-1]), dt),
               "a": [None] + [np.ones((m, n + 1), dt).T for n in net.sizes[1:]],
               "delta": [None] + [np.empty((m, n), dt).T for n in net.sizes[1:]],
               "s": [None] + [np.empty((m, n), dt).T for n in net.sizes[1:]],
               "step": [None] + [np.empty_like(Wb) for Wb in self.Wb[1:]]}
        self._buffers[m] = buf
        return buf

    def _feedforward(self, buf):
        a = [buf["x"].T]  # with its row of ones
        for l in range(1, self.net.L + 1):
            z = buf["a"][l][:-1]  # the row of ones below stays
            np.matmul(self.Wb[l], a[l - 1], out=z)
            sigmoid_(z)
            a.append(buf["a"][l])
        return a

    def _backpropagate(self, buf, a, lr):
        net, L, m = self.net, self.net.L, a[0].shape[1]
        delta, a_L = buf["delta"][L], a[L][:-1]
        np.subtract(a_L, buf["y"].T, out=delta)
        loss = float(np.vdot(delta, delta)) / m
        times_sigma_prime(delta, a_L, buf["s"][L])
        delta *= 2.0 * lr / m
        for l in range(L, 0, -1):
            np.matmul(delta, a[l - 1].T, out=buf["step"][l])
            if l > 1:
                below = buf["delta"][l - 1]
                np.matmul(net.W[l].T, delta, out=below)
                delta = times_sigma_prime(below, a[l - 1][:-1], buf["s"][l - 1])
            self.Wb[l] -= buf["step"][l]
        return loss


class TwoThreads(Engine):
    """The engine with two BLAS threads (CPU seconds then count both)."""

    def run_epoch(self, batches, lr, on_batch=None):
        with threadpool_limits(limits=2, user_api="blas"):
            return super().run_epoch(batches, lr, on_batch)


class LessonLoop:
    """train's loop body as it is now: Network._sgd_step on each gathered batch."""

    def __init__(self, net, X, Y):
        self.net, self.rows = net, np.ascontiguousarray(X.T, dtype=net.dtype)
        self.Y_rows = np.ascontiguousarray(Y.T, dtype=net.dtype)

    def run_epoch(self, batches, lr):
        return [self.net._sgd_step(self.rows[idx].T, self.Y_rows[idx].T, lr) for idx in batches]


def no_buffers(net, X, Y):
    """All the other speed-ups, but every result a new array (as network.py writes it)."""
    engine = Engine(net, X, Y)
    net.W = [None] + [np.ascontiguousarray(w) for w in net.W[1:]]  # as network.py keeps them

    def step(idx, lr):
        W, b, L = net.W, net.b, net.L
        x, y = engine.rows[idx].T, engine.Y_rows[idx].T
        a = [x]
        with np.errstate(over="ignore"):
            for l in range(1, L + 1):
                a.append(1.0 / (1.0 + np.exp(-(W[l] @ a[l - 1] + b[l]))))
        error = a[L] - y
        loss = float(np.vdot(error, error)) / x.shape[1]
        delta = error * a[L] * (1.0 - a[L]) * (2.0 * lr / x.shape[1])
        for l in range(L, 0, -1):
            step_W, step_b = delta @ a[l - 1].T, delta.sum(axis=1, keepdims=True)
            if l > 1:
                delta = (W[l].T @ delta) * a[l - 1] * (1.0 - a[l - 1])
            W[l] -= step_W
            b[l] -= step_b
        return loss
    engine.step = step
    return engine


def variants():
    """name -> (what it lacks, a function net, X, Y -> something with run_epoch)."""
    def v(**switches):
        return lambda net, X, Y: Variant(net, X, Y, **switches)
    return {
        "engine": ("nothing: the engine as it is", Engine),
        "lesson": ("everything: train's loop, Network._sgd_step per batch", LessonLoop),
        "no buffers": ("buffers and out=: a new array for every result", no_buffers),
        "clip": ("errstate: z clipped before the sigmoid, as network.sigmoid", v(clip=True)),
        "cost()": ("the free cost: cost(a^L, y) computed apart", v(loss="cost")),
        "np.sum bias": ("dC/db as a product with ones: np.sum over the batch", v(bias="sum")),
        "lr per matrix": ("lr folded into delta^L: one more multiply per matrix",
                          v(lr_in_delta=False)),
        "fancy gather": ("np.take into a buffer: X[idx] allocates", v(gather="fancy")),
        "take raise": ("take mode='wrap': the default checks through a copy",
                       v(gather="take-raise")),
        "columns": ("row-order buffers and Fortran W: the paper's layout in memory",
                    v(layout="columns")),
        "shuffled copy": ("per-batch gather: one shuffled copy per epoch instead", ShuffledCopy),
        "same as engine": ("nothing: Variant with no switch, to see the noise", v()),
        "bias folded": ("(not adopted) bias as a column of W, a row of ones under a", BiasFolded),
        "2 threads": ("(not adopted) one BLAS thread: two instead", TwoThreads),
    }


def measure(args):
    data = nnlesson.load_mnist(dtype=args.dtype, progress=False).subset(args.images)
    X, Y = data.X_train, one_hot(data.y_train)
    table = variants()
    # Two BLAS threads last: OpenBLAS's second thread spins on after a run, and its CPU time
    # would be charged to whichever variant came next.
    names = [name for name in table if name != "2 threads"]
    wall, cpu = {}, {}

    def time_one(name, batch, repeat):
        batches = next(batch_order(X.shape[1], batch, 1, repeat))
        trainer = table[name][1](Network(seed=repeat, dtype=args.dtype), X, Y)
        w, c = time.perf_counter(), time.process_time()
        trainer.run_epoch(batches, 4.0)
        wall.setdefault((name, batch), []).append(time.perf_counter() - w)
        cpu.setdefault((name, batch), []).append(time.process_time() - c)

    with threadpool_limits(limits=args.threads, user_api="blas"):
        for batch in args.batches:
            for repeat in range(args.repeats):
                k = repeat % len(names)
                for name in names[k:] + names[:k]:
                    time_one(name, batch, repeat)
        for batch in args.batches:
            for repeat in range(args.repeats):
                time_one("2 threads", batch, repeat)
    return table, wall, cpu


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--batches", type=int, nargs="+", default=[10, 40, 100])
    p.add_argument("--images", type=int, default=60000)
    args = p.parse_args(argv)
    start_load = os.getloadavg()
    table, wall, cpu = measure(args)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}: {args.dtype}, {args.threads} BLAS thread(s), "
          f"{args.images} images, {args.repeats} repeats; load average {start_load[0]:.2f} at "
          f"the start, {os.getloadavg()[0]:.2f} at the end; numpy {np.__version__}\n")
    bs = args.batches
    print("| variant | without | " + " | ".join(f"CPU s, batch {b}" for b in bs) + " | " +
          " | ".join(f"+ vs engine, {b}" for b in bs) + " | " +
          " | ".join(f"wall s, {b}" for b in bs) + " |")
    print("| --- | --- |" + " ---: |" * (3 * len(bs)))
    for name, (lacks, _) in table.items():
        best = [statistics.median(cpu[name, b]) for b in bs]
        extra = [x - statistics.median(cpu["engine", b]) for x, b in zip(best, bs)]
        print(f"| {name} | {lacks} | " + " | ".join(f"{x:.3f}" for x in best) + " | " +
              " | ".join(f"{x:+.3f}" for x in extra) + " | " +
              " | ".join(f"{statistics.median(wall[name, b]):.3f}" for b in bs) + " |")


if __name__ == "__main__":
    sys.exit(main())
